"""Moving an MP4's index to the front by rewriting its chunk offsets, or declining to."""

import av

from bodycam.lib import isobmff
from tests import media


def _packets(path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux() if p.size]


def test_the_index_moves_first_and_every_packet_is_unchanged(tmp_path):
    original = media.make_mp4(tmp_path / "a.mp4", seconds=2)
    moved = tmp_path / "b.mp4"
    assert isobmff.move_index_first(original, moved)
    with moved.open("rb") as f:
        kinds = [box.kind for box in isobmff.top_level(f, moved.stat().st_size)]
    assert kinds.index(b"moov") < kinds.index(b"mdat")
    assert moved.stat().st_size == original.stat().st_size
    assert _packets(moved) == _packets(original)


def test_a_file_already_indexed_first_or_not_mp4_is_left_to_the_remuxer(tmp_path):
    first = media.make_mp4(tmp_path / "f.mp4", faststart=True)
    assert not isobmff.move_index_first(first, tmp_path / "out1.mp4")
    noise = tmp_path / "n.mp4"
    noise.write_bytes(b"\x00\x00\x00\x10junk" + b"x" * 100)
    assert not isobmff.move_index_first(noise, tmp_path / "out2.mp4")
    cut = media.truncate(media.make_mp4(tmp_path / "c.mp4"), 0.6)
    assert not isobmff.move_index_first(cut, tmp_path / "out3.mp4")
    assert not any((tmp_path / f"out{n}.mp4").exists() for n in (1, 2, 3))
