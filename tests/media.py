"""Real media made on the fly with PyAV and Pillow, so the repository holds no binary fixtures.

Clips are tiny (320x240, 15 fps, about 2 s) so a test makes one in a fraction of a second.
"""

import math
import os
from array import array
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

DEFAULT_CREATION_TIME = "2026-11-20T09:36:21.000000Z"
SAMPLE_RATE = 16000
AUDIO_FRAME = 1024
VIDEO_ENCODERS = {"h264": "libx264", "hevc": "libx265"}


def make_mp4(
    path: Path,
    seconds: float = 2.0,
    codec: str = "h264",
    size: tuple[int, int] = (320, 240),
    fps: int = 15,
    audio: bool = True,
    creation_time: str | None = DEFAULT_CREATION_TIME,
    faststart: bool = False,
    location: str | None = None,
) -> Path:
    """Write an MP4 with a moving test pattern (H.264 or HEVC) and optionally an AAC tone.

    `creation_time` goes into the container metadata exactly as given; `location` is an
    ISO 6709 string such as "+31.2304+121.4737/"; `faststart` puts the moov atom first.
    """
    metadata = {"creation_time": creation_time, "location": location}
    options = {"movflags": "+faststart"} if faststart else {}
    return make_video(path, "mp4", seconds, codec, size, fps, audio, metadata, options)


def make_video(
    path: Path,
    container: str,
    seconds: float = 2.0,
    codec: str = "h264",
    size: tuple[int, int] = (320, 240),
    fps: int = 15,
    audio: bool = True,
    metadata: dict[str, str | None] | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Write a clip in any FFmpeg container ("mp4", "mov", "avi", "mpegts", "matroska")."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format=container, options=options or {}) as out:
        for key, value in (metadata or {}).items():
            if value is not None:
                out.metadata[key] = value
        video = _add_video_stream(out, codec, size, fps)
        sound = _add_audio_stream(out) if audio else None
        _write_video(out, video, round(seconds * fps))
        if sound is not None:
            _write_audio(out, sound, seconds)
    return path


def _add_video_stream(out, codec: str, size: tuple[int, int], fps: int):
    stream = out.add_stream(VIDEO_ENCODERS[codec], rate=fps)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    if codec == "hevc":
        stream.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
        stream.codec_tag = "hvc1"  # the tag Apple and browsers expect for HEVC in MP4
    else:
        stream.options = {"preset": "ultrafast"}
    return stream


def _add_audio_stream(out):
    stream = out.add_stream("aac", rate=SAMPLE_RATE)
    stream.layout = "mono"
    return stream


def _write_video(out, stream, count: int) -> None:
    width, height = stream.width, stream.height
    for index in range(count):
        frame = av.VideoFrame(width, height, "yuv420p")
        luma, *chroma = frame.planes  # planes are padded: line_size may exceed the width
        row = bytes((x + index * 8) & 0xFF for x in range(luma.line_size))
        luma.update(row * height)
        for plane in chroma:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts = index
        frame.time_base = Fraction(1, stream.average_rate or 15)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def _write_audio(out, stream, seconds: float) -> None:
    total = round(seconds * SAMPLE_RATE)
    for start in range(0, total, AUDIO_FRAME):
        frame = av.AudioFrame(format="fltp", layout="mono", samples=AUDIO_FRAME)
        frame.planes[0].update(_tone(start, AUDIO_FRAME).tobytes())
        frame.sample_rate = SAMPLE_RATE
        frame.pts = start
        frame.time_base = Fraction(1, SAMPLE_RATE)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def _tone(start: int, count: int, hertz: float = 440.0) -> array:
    step = 2 * math.pi * hertz / SAMPLE_RATE
    return array("f", (0.2 * math.sin(step * (start + i)) for i in range(count)))


def make_wav(path: Path, seconds: float = 2.0) -> Path:
    """Write a 16 kHz mono PCM WAV tone."""
    return _make_audio(path, seconds, "wav", "pcm_s16le", "s16")


def make_mp3(path: Path, seconds: float = 2.0) -> Path:
    """Write a 16 kHz mono MP3 tone."""
    return _make_audio(path, seconds, "mp3", "libmp3lame", "s16p")


def _make_audio(path: Path, seconds: float, fmt: str, codec: str, sample_fmt: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=SAMPLE_RATE)
        stream.layout = "mono"
        total = round(seconds * SAMPLE_RATE)
        for start in range(0, total, AUDIO_FRAME):
            count = min(AUDIO_FRAME, total - start)
            pcm = array("h", (int(v * 32767) for v in _tone(start, count)))
            frame = av.AudioFrame(format=sample_fmt, layout="mono", samples=count)
            frame.planes[0].update(pcm.tobytes() + bytes(frame.planes[0].buffer_size - 2 * count))
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def make_jpg(
    path: Path,
    exif_time: str | None = "2026:11:20 09:36:21",
    gps: tuple[float, float] | None = (31.2304, 121.4737),
    size: tuple[int, int] = (320, 240),
) -> Path:
    """Write a JPEG with EXIF DateTimeOriginal (and DateTime) and optionally EXIF GPS."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = _gradient(size)
    exif = Image.Exif()
    exif[0x010F] = "TestRecorder"  # Make
    if exif_time is not None:
        exif[0x0132] = exif_time  # DateTime
        exif.get_ifd(0x8769)[0x9003] = exif_time  # Exif IFD: DateTimeOriginal
    if gps is not None:
        exif.get_ifd(0x8825).update(_gps_ifd(*gps))
    image.save(path, "JPEG", exif=exif, quality=80)
    return path


def _gps_ifd(lat: float, lon: float) -> dict[int, object]:
    return {
        0: b"\x02\x02\x00\x00",  # GPSVersionID
        1: "N" if lat >= 0 else "S",
        2: _dms(abs(lat)),
        3: "E" if lon >= 0 else "W",
        4: _dms(abs(lon)),
    }


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return (Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(10000))


def make_png(path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    """Write a plain PNG (no metadata)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _gradient(size).save(path, "PNG")
    return path


def _gradient(size: tuple[int, int]) -> Image.Image:
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((200, 40, 40), (width // 4, height // 4, width // 2, height // 2))
    return image


def truncate(path: Path, fraction: float) -> Path:
    """Cut the file in place to `fraction` of its bytes, as a dying battery would."""
    path = Path(path)
    os.truncate(path, int(path.stat().st_size * fraction))
    return path


def make_recorder_folder(
    root: Path, serial: str = "TA00716", badge: str = "JX0227", day: str = "20261120"
) -> dict[str, Path]:
    """Lay out a docked recorder's card: DCIM/<day>/<serial>_<badge>_<stamp>.MP4 and friends.

    Roles returned: segment1, segment2 (consecutive 2 s clips), truncated, empty, hevc, wav,
    jpg, log, dat, chinese.
    """
    folder = Path(root) / "DCIM" / day
    start = datetime.strptime(day, "%Y%m%d") + timedelta(hours=9, minutes=36, seconds=21)

    def name(offset: int, ext: str) -> Path:
        stamp = (start + timedelta(seconds=offset)).strftime("%Y%m%d%H%M%S")
        return folder / f"{serial}_{badge}_{stamp}.{ext}"

    def iso(offset: int) -> str:
        return (start + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")

    paths = {
        "segment1": make_mp4(name(0, "MP4"), creation_time=iso(0)),
        "segment2": make_mp4(name(2, "MP4"), creation_time=iso(2)),
        "truncated": truncate(make_mp4(name(60, "MP4"), creation_time=iso(60)), 0.6),
        "hevc": make_mp4(name(120, "MP4"), codec="hevc", creation_time=iso(120)),
        "wav": make_wav(name(180, "WAV")),
        "jpg": make_jpg(name(240, "JPG"), exif_time=start.strftime("%Y:%m:%d %H:%M:%S")),
        "chinese": make_mp4(folder / "执法记录_测试.mp4", creation_time=iso(300)),
    }
    paths["empty"] = name(360, "MP4")
    paths["empty"].write_bytes(b"")
    paths["dat"] = folder / f"{serial}_{day}.DAT"
    paths["dat"].write_bytes(bytes(range(256)) * 4)
    paths["log"] = Path(root) / "SYSTEM" / "log.TXT"
    paths["log"].parent.mkdir(parents=True, exist_ok=True)
    paths["log"].write_text(f"{day} 09:36:21 REC START {serial} {badge}\n", encoding="utf-8")
    return paths


NOTIFICATION = "为保护您的合法权益，监督我们的执法行为，本次执法全程录音录像。"


def speech_samples(sentence: str = NOTIFICATION) -> array:
    """`sentence` spoken by Debian's espeak-ng (Mandarin voice), as mono float samples."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "cmn", "-w", str(wav), sentence], check=True)
        samples = array("f")
        with av.open(str(wav)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(audio=0):
                for chunk in resampler.resample(frame):
                    samples.frombytes(bytes(chunk.planes[0])[: chunk.samples * 4])
    return samples


def make_speaking_mp4(
    path: Path,
    seconds: float,
    sentence: str = NOTIFICATION,
    creation_time: str | None = DEFAULT_CREATION_TIME,
    size: tuple[int, int] = (160, 120),
    fps: int = 10,
) -> Path:
    """An MP4 whose sound starts with `sentence` spoken, then falls silent."""
    spoken = speech_samples(sentence)
    total = round(seconds * SAMPLE_RATE)
    sound = spoken[:total] + array("f", bytes(4 * max(0, total - len(spoken))))
    path = Path(path)
    with av.open(str(path), "w", format="mp4") as out:
        if creation_time is not None:
            out.metadata["creation_time"] = creation_time
        video = _add_video_stream(out, "h264", size, fps)
        audio = _add_audio_stream(out)
        _write_video(out, video, round(seconds * fps))
        for start in range(0, total, AUDIO_FRAME):
            frame = av.AudioFrame(format="fltp", layout="mono", samples=AUDIO_FRAME)
            chunk = sound[start : start + AUDIO_FRAME]
            chunk += array("f", bytes(4 * (AUDIO_FRAME - len(chunk))))
            frame.planes[0].update(chunk.tobytes())
            frame.sample_rate, frame.pts = SAMPLE_RATE, start
            frame.time_base = Fraction(1, SAMPLE_RATE)
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
    return path
