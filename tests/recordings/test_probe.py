"""The quick metadata probe, on real media made by tests/media.py (no database needed)."""

import os
import random
import shutil
import struct
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import ImageFile

from bodycam.recordings.probe import MEDIA_EXTENSIONS, kind_of, parse_creation_time, probe
from tests import media

CREATION = "2026-11-20T09:36:21.000000Z"
SHANGHAI = "+31.2304+121.4737/"


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """One intact file of each kind, made once for the module; tests copy before cutting."""
    root = tmp_path_factory.mktemp("clips")
    return {
        "mp4": media.make_mp4(root / "h264.mp4"),
        "faststart": media.make_mp4(root / "faststart.mp4", faststart=True),
        "hevc": media.make_mp4(root / "hevc.mp4", codec="hevc"),
        "wav": media.make_wav(root / "tone.wav"),
        "mp3": media.make_mp3(root / "tone.mp3"),
        "jpg": media.make_jpg(root / "photo.jpg"),
        "png": media.make_png(root / "photo.png"),
        "mkv": media.make_video(root / "clip.mkv", "matroska"),
        "avi": media.make_video(root / "clip.avi", "avi"),
        "ts": media.make_video(root / "clip.ts", "mpegts"),
    }


def _copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def _close_to(duration: timedelta | None, seconds: float) -> bool:
    return duration is not None and abs(duration.total_seconds() - seconds) <= 0.2


# --- kinds by name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.MP4", "video"),
        ("TA00716_JX0227_20261120093621.MP4", "video"),
        ("b.mov", "video"),
        ("c.Ts", "video"),
        ("d.mkv", "video"),
        ("e.AVI", "video"),
        ("f.WAV", "audio"),
        ("g.mp3", "audio"),
        ("h.amr", "audio"),
        ("i.aac", "audio"),
        ("j.M4A", "audio"),
        ("k.JPG", "photo"),
        ("l.jpeg", "photo"),
        ("m.png", "photo"),
        (".hidden.jpg", "photo"),
        ("执法记录_测试.mp4", "video"),
        ("x.TXT", None),
        ("TA00716_20261120.DAT", None),
        ("noext", None),
        (".hidden", None),
        ("archive.mp4.zip", None),
    ],
)
def test_kind_of_goes_by_extension_case_insensitively(name, kind):
    assert kind_of(name) == kind


def test_media_extension_keys_are_lowercase_with_a_dot():
    assert all(key == key.lower() and key.startswith(".") for key in MEDIA_EXTENSIONS)
    assert set(MEDIA_EXTENSIONS.values()) == {"video", "audio", "photo"}


# --- intact files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "codec"), [("mp4", "h264"), ("faststart", "h264"), ("hevc", "hevc")]
)
def test_mp4_reports_codecs_size_rate_duration_and_time_as_written(clips, role, codec):
    info = probe(clips[role])

    assert (info.kind, info.damaged, info.damage_reason) == ("video", False, "")
    assert info.container == "mov,mp4,m4a,3gp,3g2,mj2"
    assert (info.video_codec, info.audio_codec) == (codec, "aac")
    assert (info.width, info.height, info.frame_rate) == (320, 240, 15.0)
    assert _close_to(info.duration, 2.0)
    assert info.creation_time_raw == CREATION
    assert info.tags["creation_time"] == CREATION
    assert info.gps is None
    assert info.problems == []


def test_mp4_without_audio_or_creation_time(tmp_path):
    path = media.make_mp4(tmp_path / "quiet.mp4", audio=False, creation_time=None, size=(176, 144))

    info = probe(path)

    assert (info.damaged, info.video_codec, info.audio_codec) == (False, "h264", "")
    assert (info.width, info.height) == (176, 144)
    assert info.creation_time_raw == ""


@pytest.mark.parametrize("faststart", [False, True])
def test_mp4_location_tag_gives_gps(tmp_path, faststart):
    path = media.make_mp4(tmp_path / "gps.mp4", location=SHANGHAI, faststart=faststart)

    info = probe(path)

    assert info.gps == (31.2304, 121.4737)
    assert not info.damaged


def test_tags_are_strings_cut_to_500_characters(tmp_path):
    path = media.make_video(tmp_path / "long.mp4", "mp4", metadata={"comment": "备注" * 600})

    info = probe(path)

    assert info.tags["comment"] == ("备注" * 600)[:500]
    assert all(isinstance(v, str) and len(v) <= 500 for v in info.tags.values())


@pytest.mark.parametrize(
    ("role", "container"), [("mkv", "matroska,webm"), ("avi", "avi"), ("ts", "mpegts")]
)
def test_other_video_containers(clips, role, container):
    info = probe(clips[role])

    assert (info.kind, info.damaged, info.container) == ("video", False, container)
    assert (info.video_codec, info.audio_codec, info.width) == ("h264", "aac", 320)
    assert _close_to(info.duration, 2.0)


@pytest.mark.parametrize(
    ("role", "codec", "container"), [("wav", "pcm_s16le", "wav"), ("mp3", "mp3", "mp3")]
)
def test_audio_files(clips, role, codec, container):
    info = probe(clips[role])

    assert (info.kind, info.damaged, info.container) == ("audio", False, container)
    assert (info.audio_codec, info.video_codec) == (codec, "")
    assert (info.width, info.height, info.frame_rate) == (None, None, None)
    assert _close_to(info.duration, 2.0)


def test_jpg_gives_exif_time_gps_and_size(clips):
    info = probe(clips["jpg"])

    assert (info.kind, info.damaged, info.container) == ("photo", False, "jpeg")
    assert (info.width, info.height) == (320, 240)
    assert info.creation_time_raw == "2026:11:20 09:36:21"
    assert info.gps == pytest.approx((31.2304, 121.4737), abs=1e-6)
    assert info.tags["Make"] == "TestRecorder"
    assert info.duration is None


def test_jpg_southern_western_and_without_gps_or_time(tmp_path):
    west = probe(media.make_jpg(tmp_path / "w.jpg", gps=(-33.8688, -70.6693)))
    bare = probe(media.make_jpg(tmp_path / "b.jpg", exif_time=None, gps=None))

    assert west.gps == pytest.approx((-33.8688, -70.6693), abs=1e-6)
    assert (bare.gps, bare.creation_time_raw, bare.damaged) == (None, "", False)


def test_png(clips):
    info = probe(clips["png"])

    assert (info.kind, info.damaged, info.container) == ("photo", False, "png")
    assert (info.width, info.height, info.creation_time_raw) == (320, 240, "")


# --- damaged files -----------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.9, 0.99])
def test_mp4_cut_with_moov_at_the_end_has_no_moov(clips, tmp_path, fraction):
    path = media.truncate(_copy(clips["mp4"], tmp_path / "cut.mp4"), fraction)

    info = probe(path)

    assert (info.kind, info.damaged) == ("video", True)
    assert info.damage_reason.startswith("moov atom")


def test_mp4_cut_at_60_percent_names_the_missing_moov(clips, tmp_path):
    info = probe(media.truncate(_copy(clips["mp4"], tmp_path / "cut.mp4"), 0.6))

    assert info.damage_reason == "moov atom not found; file cut short inside the mdat box"


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9, 0.999])
def test_faststart_mp4_cut_short_is_damaged_but_still_described(clips, tmp_path, fraction):
    path = media.truncate(_copy(clips["faststart"], tmp_path / "cut.mp4"), fraction)

    info = probe(path)

    assert info.damaged
    assert (
        info.damage_reason
        == f"data ends at {min(99, round(fraction * 100))}% of the declared length"
    )
    assert (info.video_codec, info.width, info.creation_time_raw) == ("h264", 320, CREATION)


def test_faststart_mp4_cut_inside_moov(clips, tmp_path):
    info = probe(media.truncate(_copy(clips["faststart"], tmp_path / "cut.mp4"), 0.02))

    assert info.damaged
    assert info.damage_reason.startswith("moov atom cut short")


def _zero_mdat_size(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    at = data.index(b"mdat") - 4
    data[at : at + 4] = struct.pack(">I", 0)  # "runs to the end of the file", as live writers do
    path.write_bytes(bytes(data))
    return path


def test_sample_tables_catch_a_cut_when_mdat_declares_no_length(clips, tmp_path):
    intact = _zero_mdat_size(_copy(clips["faststart"], tmp_path / "open.mp4"))
    cut = media.truncate(_zero_mdat_size(_copy(clips["faststart"], tmp_path / "cut.mp4")), 0.6)

    assert not probe(intact).damaged
    assert probe(cut).damage_reason == "data ends at 60% of the declared length"


def test_fragmented_mp4_cut_short_is_found_by_its_boxes(tmp_path):
    fragmented = {"movflags": "frag_keyframe+empty_moov"}
    path = media.make_video(tmp_path / "frag.mp4", "mp4", options=fragmented)

    assert not probe(path).damaged
    info = probe(media.truncate(path, 0.6))
    assert info.damage_reason == "data ends at 60% of the declared length"


@pytest.mark.parametrize(
    ("role", "name", "reason"),
    [
        ("wav", "cut.wav", "data ends at 60% of the declared length"),
        ("avi", "cut.avi", "data ends at 60% of the declared length"),
        ("mkv", "cut.mkv", "data ends at 60% of the declared length"),
        ("ts", "cut.ts", "file ends inside a 188-byte transport packet"),
    ],
)
def test_other_containers_cut_at_60_percent(clips, tmp_path, role, name, reason):
    info = probe(media.truncate(_copy(clips[role], tmp_path / name), 0.6))

    assert (info.damaged, info.damage_reason) == (True, reason)


def test_wav_with_header_never_finalised(clips, tmp_path):
    path = _copy(clips["wav"], tmp_path / "open.wav")
    with path.open("r+b") as f:
        f.seek(4)
        f.write(b"\xff\xff\xff\xff")

    assert probe(path).damage_reason == "RIFF length never filled in (recording not finalised)"


@pytest.mark.parametrize(("role", "name"), [("jpg", "cut.jpg"), ("png", "cut.png")])
def test_truncated_photo_is_damaged(clips, tmp_path, role, name):
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    info = probe(media.truncate(_copy(clips[role], tmp_path / name), 0.6))

    assert (info.kind, info.damaged) == ("photo", True)
    assert "truncated" in info.damage_reason


@pytest.mark.parametrize("name", ["empty.mp4", "empty.jpg", "empty.wav", "empty.TXT"])
def test_empty_file_is_damaged(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")

    info = probe(path)

    assert (info.damaged, info.damage_reason) == (True, "file is empty")
    assert info.kind == (kind_of(name) or "")


def test_random_bytes_named_mp4(tmp_path):
    path = tmp_path / "noise.mp4"
    path.write_bytes(random.Random(20261120).randbytes(64 * 1024))

    info = probe(path)

    assert (info.kind, info.damaged) == ("video", True)
    assert info.damage_reason.startswith("not a readable media file")


@pytest.mark.parametrize("name", ["notes.mp4", "photo.jpg", "log.TXT", "system.nfo"])
def test_text_is_not_media(tmp_path, name):
    path = tmp_path / name
    path.write_text("20261120 09:36:21 REC START TA00716 JX0227\n" * 40, encoding="utf-8")

    info = probe(path)

    assert info.damaged
    assert info.kind == (kind_of(name) or "")
    assert info.video_codec == info.audio_codec == ""


# --- names and content that disagree -------------------------------------------------------


def test_audio_named_mp4_keeps_the_extension_kind_and_notes_it(clips, tmp_path):
    info = probe(_copy(clips["mp3"], tmp_path / "voice.mp4"))

    assert (info.kind, info.damaged, info.audio_codec) == ("video", False, "mp3")
    assert info.problems == ["content is audio but the extension says video"]


def test_photo_named_mp4_is_read_as_a_photo(clips, tmp_path):
    info = probe(_copy(clips["jpg"], tmp_path / "still.mp4"))

    assert (info.kind, info.damaged, info.width) == ("video", False, 320)
    assert info.problems == ["content is photo but the extension says video"]


def test_media_under_a_non_media_extension_takes_the_content_kind(clips, tmp_path):
    info = probe(_copy(clips["wav"], tmp_path / "TA00716_20261120.DAT"))

    assert (info.kind, info.damaged) == ("audio", False)
    assert info.problems == ["extension '.dat' is not a media extension"]


def test_odd_names(clips, tmp_path):
    for name in ["执法记录_测试.mp4", "a:b.mp4", "with space #1?.mp4", "-dash.mp4"]:
        info = probe(_copy(clips["mp4"], tmp_path / name))
        assert (info.damaged, info.video_codec) == (False, "h264"), name


def test_unreadable_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        probe(tmp_path / "missing.mp4")


# --- a recorder's card -------------------------------------------------------------------------


def test_recorder_folder(tmp_path):
    paths = media.make_recorder_folder(tmp_path / "card")

    first, second = probe(paths["segment1"]), probe(paths["segment2"])
    assert paths["segment1"].relative_to(tmp_path / "card").parts[:2] == ("DCIM", "20261120")
    assert paths["segment1"].name == "TA00716_JX0227_20261120093621.MP4"
    assert (first.creation_time_raw, second.creation_time_raw) == (
        "2026-11-20T09:36:21.000000Z",
        "2026-11-20T09:36:23.000000Z",
    )
    assert not first.damaged and not second.damaged
    assert probe(paths["truncated"]).damaged
    assert probe(paths["empty"]).damage_reason == "file is empty"
    assert probe(paths["hevc"]).video_codec == "hevc"
    assert probe(paths["wav"]).kind == "audio"
    assert probe(paths["jpg"]).creation_time_raw == "2026:11:20 09:36:21"
    assert probe(paths["chinese"]).video_codec == "h264"
    assert kind_of(paths["log"].name) is None and kind_of(paths["dat"].name) is None
    assert paths["log"].parent.name == "SYSTEM"


# --- speed: the probe reads headers, not content ----------------------------------------------


def test_twenty_probes_take_well_under_two_seconds(clips):
    started = time.perf_counter()
    for _ in range(20):
        probe(clips["mp4"])
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("role", ["mp4", "faststart"])
def test_an_8_gb_file_probes_in_under_a_second(clips, tmp_path, role):
    # A sparse 8 GiB 'free' box after the real data: reading it all would take many seconds.
    path = _copy(clips[role], tmp_path / "big.mp4")
    big = 8 * 1024**3
    with path.open("ab") as f:
        f.write(struct.pack(">I4sQ", 1, b"free", big))
    os.truncate(path, path.stat().st_size - 16 + big)

    started = time.perf_counter()
    info = probe(path)

    elapsed = time.perf_counter() - started
    path.unlink()
    assert elapsed < 1.0
    assert (info.damaged, info.video_codec) == (False, "h264")
    assert _close_to(info.duration, 2.0)


@pytest.mark.parametrize(
    ("junk", "problem"),
    [
        (b"\x00\x00\x00\x02junk", "malformed box at byte {at}"),
        (b"\x01\x02recorder trailer", "'cord' box at byte {at} runs past the end"),
        (bytes(5), None),
    ],
)
def test_junk_after_complete_data_is_noted_not_damage(clips, tmp_path, junk, problem):
    at = clips["faststart"].stat().st_size
    path = _copy(clips["faststart"], tmp_path / "junk.mp4")
    with path.open("ab") as f:
        f.write(junk)

    info = probe(path)

    assert not info.damaged
    assert info.problems == ([problem.format(at=at)] if problem else [])


# --- creation time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20T09:36:21.000000Z", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026-11-20T09:36:21Z", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026-11-20 09:36:21", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026-11-20T09:36:21+08:00", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026-11-20T09:36:21+0800", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026-11-20T09:36:21.5Z", datetime(2026, 11, 20, 9, 36, 21, 500000)),
        ("2026-11-20T09:36:21.123456789Z", datetime(2026, 11, 20, 9, 36, 21, 123456)),
        ("2026:11:20 09:36:21", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026:11:20 09:36:21\x00", datetime(2026, 11, 20, 9, 36, 21)),
        ("2026/11/20 09:36:21", datetime(2026, 11, 20, 9, 36, 21)),
        (" 2026-11-20t09:36:21z ", datetime(2026, 11, 20, 9, 36, 21)),
        ("", None),
        ("    :  :     :  :  ", None),
        ("0000:00:00 00:00:00", None),
        ("2026-13-40T00:00:00Z", None),
        ("2026-11-20", None),
        ("yesterday", None),
    ],
)
def test_parse_creation_time_gives_the_naive_wall_clock(raw, expected):
    parsed = parse_creation_time(raw)

    assert parsed == expected
    assert parsed is None or parsed.tzinfo is None
