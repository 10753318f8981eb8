"""Playable copies, previews, thumbnails and strips, on real media made by tests/media.py.

No database: the proxy functions are pure media functions from one local file to another.
"""

import hashlib
import random
import struct
from datetime import timedelta
from pathlib import Path

import av
import pytest
from django.utils import translation
from PIL import Image

from bodycam.recordings.probe import MediaInfo, probe
from bodycam.recordings.proxies import (
    ProxyError,
    audio_proxy,
    photo_preview,
    plan,
    remux,
    strip,
    thumbnail,
    transcode,
)
from tests import media

MAKERS = {"remux": remux, "transcode": transcode, "audio": audio_proxy, "photo": photo_preview}


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """One original of each kind, made once for the module; no test may change them."""
    root = tmp_path_factory.mktemp("originals")
    cut = {"seconds": 4, "faststart": True}
    clips = {
        "h264": media.make_mp4(root / "h264.mp4", seconds=4),
        "hevc": media.make_mp4(root / "hevc.mp4", seconds=4, codec="hevc"),
        "wav": media.make_wav(root / "tone.wav"),
        "mp3": media.make_mp3(root / "tone.mp3"),
        "jpg": media.make_jpg(root / "photo.jpg", size=(640, 480)),
        "cut_h264": media.truncate(media.make_mp4(root / "cut.mp4", **cut), 0.6),
        "cut_hevc": media.truncate(media.make_mp4(root / "cut_hevc.mp4", codec="hevc", **cut), 0.6),
        "cut_index": media.truncate(media.make_mp4(root / "cut_index.mp4", seconds=4), 0.6),
        "long": media.make_mp4(root / "long.mp4", 180, size=(64, 48), fps=5, audio=False),
        "noise": root / "noise.mp4",
    }
    clips["noise"].write_bytes(random.Random(6962).randbytes(64 * 1024))  # fixed: no flakes
    return clips


@pytest.fixture(autouse=True)
def originals_untouched(clips):
    """Every function only reads its original: same bytes and same mtime after each test."""
    before = {name: _fingerprint(path) for name, path in clips.items()}
    yield
    assert {name: _fingerprint(path) for name, path in clips.items()} == before


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _top_boxes(path: Path) -> list[str]:
    """The types of an MP4's top-level boxes, in file order."""
    data, pos, kinds = path.read_bytes(), 0, []
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
        elif size == 0:
            size = len(data) - pos
        kinds.append(kind.decode("latin-1"))
        pos += size
    return kinds


def _packets(path: Path) -> dict[str, list[bytes]]:
    with av.open(str(path)) as container:
        packets: dict[str, list[bytes]] = {"video": [], "audio": []}
        for packet in container.demux():
            if packet.size:
                packets[packet.stream.type].append(bytes(packet))
    return packets


def _decode_all(path: Path) -> dict[str, int]:
    """Decode every frame (raises if the file does not play through); frames per kind."""
    with av.open(str(path)) as container:
        counts = {"video": 0, "audio": 0}
        for frame in container.decode(*container.streams.video, *container.streams.audio):
            counts["video" if isinstance(frame, av.VideoFrame) else "audio"] += 1
    return counts


def _seconds(duration: timedelta | None) -> float:
    assert duration is not None
    return duration.total_seconds()


# --- plan --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("h264", "remux"),
        ("hevc", "transcode"),
        ("wav", "audio"),
        ("mp3", "audio"),
        ("jpg", "photo"),
        ("cut_h264", "remux"),
        ("cut_hevc", "transcode"),
        ("cut_index", "none"),
        ("long", "remux"),
        ("noise", "none"),
    ],
)
def test_plan_of_each_original(clips, name, expected):
    assert plan(probe(clips[name])) == expected


@pytest.mark.parametrize(
    ("video", "audio", "expected"),
    [
        ("vp9", "opus", "remux"),
        ("av1", "", "remux"),
        ("h264", "mp3", "remux"),
        ("h264", "pcm_s16le", "transcode"),
        ("mpeg4", "aac", "transcode"),
        ("", "amr_nb", "audio"),
    ],
)
def test_plan_follows_what_chromium_plays(video, audio, expected):
    info = MediaInfo("video", False, "", video_codec=video, audio_codec=audio)
    assert plan(info) == expected


# --- remux -------------------------------------------------------------------------------------


def test_remux_puts_the_index_first_and_copies_every_packet(clips, tmp_path):
    original = clips["h264"]
    assert _top_boxes(original).index("mdat") < _top_boxes(original).index("moov")

    result = remux(original, tmp_path / "proxy.mp4")

    boxes = _top_boxes(tmp_path / "proxy.mp4")
    assert boxes.index("moov") < boxes.index("mdat")
    assert (result.method, result.container, result.partial) == ("remux", "mp4", False)
    assert (result.video_codec, result.audio_codec) == ("h264", "aac")
    assert (result.width, result.height) == (320, 240)
    assert abs(_seconds(result.duration) - _seconds(probe(original).duration)) <= 0.1
    assert result.size == (tmp_path / "proxy.mp4").stat().st_size
    before, after = _packets(original), _packets(tmp_path / "proxy.mp4")
    for kind in ("video", "audio"):
        assert len(after[kind]) == len(before[kind]) > 0
        assert after[kind][:20] == before[kind][:20]


# --- transcode ---------------------------------------------------------------------------------


def test_hevc_is_transcoded_to_h264_and_aac_that_decodes(clips, tmp_path):
    result = transcode(clips["hevc"], tmp_path / "proxy.mp4")

    assert (result.method, result.video_codec, result.audio_codec) == ("transcode", "h264", "aac")
    assert result.height <= 720 and not result.partial
    assert abs(_seconds(result.duration) - 4.0) <= 0.1
    assert _top_boxes(tmp_path / "proxy.mp4").index("moov") < _top_boxes(
        tmp_path / "proxy.mp4"
    ).index("mdat")
    frames = _decode_all(tmp_path / "proxy.mp4")
    assert frames["video"] == 60 and frames["audio"] > 0


def test_transcode_scales_down_to_even_sizes_keeping_the_aspect(clips, tmp_path):
    result = transcode(clips["hevc"], tmp_path / "small.mp4", max_height=101)
    assert (result.width, result.height) == (134, 100)  # 4:3 of 100 lines, rounded to even


# --- audio and photos --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wav", "mp3"])
def test_audio_becomes_aac_in_m4a(clips, tmp_path, name):
    result = audio_proxy(clips[name], tmp_path / "proxy.m4a")

    assert (result.method, result.container, result.audio_codec) == ("audio", "mp4", "aac")
    assert result.video_codec == "" and not result.partial
    assert abs(_seconds(result.duration) - 2.0) <= 0.1
    assert _decode_all(tmp_path / "proxy.m4a")["audio"] > 0


def test_photo_preview_is_a_jpeg_within_the_size(clips, tmp_path):
    result = photo_preview(clips["jpg"], tmp_path / "preview.jpg", max_side=200)

    with Image.open(tmp_path / "preview.jpg") as preview:
        assert preview.format == "JPEG"
        assert preview.size == (result.width, result.height) == (200, 150)
    assert (result.method, result.partial, result.duration) == ("photo", False, None)


# --- damaged originals -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), [("cut_h264", "remux"), ("cut_hevc", "transcode")])
def test_a_cut_original_gives_a_partial_copy_of_what_was_recorded(clips, tmp_path, name, method):
    original = clips[name]
    assert probe(original).damaged

    result = MAKERS[plan(probe(original))](original, tmp_path / "proxy.mp4")

    assert result.method == method and result.partial
    assert 0.5 < _seconds(result.duration) < _seconds(probe(original).duration) - 1
    assert _decode_all(tmp_path / "proxy.mp4")["video"] > 0


@pytest.mark.parametrize("name", ["noise", "cut_index"])
@pytest.mark.parametrize("make", [*MAKERS.values(), strip], ids=[*MAKERS, "strip"])
def test_nothing_readable_raises_a_bilingual_error_and_writes_nothing(clips, tmp_path, make, name):
    """Random bytes; an MP4 cut before its index (moov last) was written: no sample is found."""
    folder = tmp_path / "proxies"
    folder.mkdir()
    with pytest.raises(ProxyError) as raised:
        make(clips[name], folder / "out")
    assert raised.value.reason.startswith("无法生成播放副本：")  # the catalogue's id
    with translation.override("en"):
        assert translation.gettext(raised.value.reason).startswith("No playable copy: ")
    assert list(folder.iterdir()) == []


# --- thumbnails and strips ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["h264", "hevc", "cut_h264", "jpg"])
def test_thumbnail_is_a_small_jpeg(clips, tmp_path, name):
    assert thumbnail(clips[name], tmp_path / "thumb.jpg")
    with Image.open(tmp_path / "thumb.jpg") as picture:
        assert picture.format == "JPEG"
        assert max(picture.size) == 320


@pytest.mark.parametrize("name", ["wav", "noise", "cut_index"])
def test_no_thumbnail_without_a_picture(clips, tmp_path, name):
    assert thumbnail(clips[name], tmp_path / "thumb.jpg") is False
    assert not (tmp_path / "thumb.jpg").exists()


def test_strip_has_one_tile_a_minute_from_distinct_positions(clips, tmp_path):
    tiles = strip(clips["long"], tmp_path / "strip.jpg", every_seconds=60, tile_width=160)

    assert tiles in (3, 4)
    with Image.open(tmp_path / "strip.jpg") as sheet:
        assert sheet.format == "JPEG"
        assert sheet.size == (160 * tiles, 120)
        crops = [sheet.crop((i * 160, 0, (i + 1) * 160, 120)).tobytes() for i in range(tiles)]
    assert len(set(crops)) == tiles  # the test pattern moves: each tile is another moment


def test_strip_of_a_short_clip_has_one_tile(clips, tmp_path):
    assert strip(clips["h264"], tmp_path / "strip.jpg", every_seconds=60, tile_width=80) == 1
    with Image.open(tmp_path / "strip.jpg") as sheet:
        assert sheet.size == (80, 60)
