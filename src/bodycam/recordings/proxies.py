"""Derived copies of a recording: browser-playable proxies, photo previews, thumbnails, strips.

Pure media functions (no Django, no database). Each reads an original from a local path, only
ever for reading, and writes one derived file to the output path it is given (through a hidden
sibling renamed into place, so a failed run leaves nothing behind).

Chromium plays H.264/AAC, VP9/Opus and AV1 but not HEVC (ARCHITECTURE.md): what plays is
remuxed (packets copied into MP4 with the index first), only what does not is transcoded.

Originals cut short by a dying battery are handled best effort: everything readable is copied
or decoded, reading stops cleanly at the first error or cut packet, and the result says
`partial=True` with the duration it covers. A file that yields nothing raises `ProxyError`.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer, OutputContainer
from av.video.reformatter import VideoReformatter
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps

from bodycam.lib import isobmff
from bodycam.recordings.probe import MediaInfo, codec_name, probe

PLAYABLE_VIDEO = frozenset({"h264", "vp9", "av1"})
PLAYABLE_AUDIO = frozenset({"aac", "opus", "mp3"})
THUMBNAIL_SIZE = 320
THUMBNAIL_AT = 1.0  # seconds: the first moments are often the inside of a pocket
X264_OPTIONS = {"preset": "veryfast", "crf": "27"}
AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
KEYFRAME_EVERY = 2.0  # seconds; reviewers scrub, and a browser seeks from the previous keyframe
SHORTFALL = 0.5  # seconds read short of the declared duration that make a copy partial
SEEK_DECODE_LIMIT = 600  # packets read after a seek before settling for the latest frame
_MP4 = {"movflags": "+faststart"}
_READ_ERRORS = (av.FFmpegError, OSError, ValueError, EOFError)


class ProxyError(Exception):
    """Nothing usable could be read from the original. `reason` is a catalogue message id
    (gettext_noop), translated where it is shown."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass
class ProxyResult:
    """What was written: the derived file's format, and whether it covers the whole original."""

    method: str  # "remux", "transcode", "audio" or "photo"
    container: str
    video_codec: str
    audio_codec: str
    width: int | None
    height: int | None
    duration: timedelta | None
    partial: bool
    size: int


def plan(info: MediaInfo) -> str:
    """How to make the playable copy of a probed file: "remux", "transcode", "audio", "photo"
    or "none" (nothing readable)."""
    if info.video_codec:
        audio_plays = not info.audio_codec or info.audio_codec in PLAYABLE_AUDIO
        return "remux" if info.video_codec in PLAYABLE_VIDEO and audio_plays else "transcode"
    if info.audio_codec:
        return "audio"
    if info.kind == "photo" and info.container:
        return "photo"
    return "none"


def remux(src: Path, dst: Path) -> ProxyResult:
    """The playable copy of an original whose codecs already play: an intact MP4 with its index
    at the end gets the index moved first, bytes otherwise unchanged (as fast as a file copy);
    anything else has its packets copied into a new MP4, timestamps kept."""
    src, dst = Path(src), Path(dst)
    if not probe(src).damaged and _move_index_first(src, dst):
        return _result("remux", dst, partial=False)
    return _copy(src, dst, "remux", with_video=True)


def _move_index_first(src: Path, dst: Path) -> bool:
    part = dst.with_name(f".{dst.name}.part")
    try:
        if not isobmff.move_index_first(src, part):
            return False
        part.replace(dst)
        return True
    finally:
        part.unlink(missing_ok=True)


def transcode(src: Path, dst: Path, max_height: int = 720) -> ProxyResult:
    """Re-encode as H.264 (at most `max_height` lines, aspect kept) and AAC in a fast-start MP4."""
    return _encode(Path(src), Path(dst), "transcode", max_height)


def watermarked(src: Path, dst: Path, stamp: "Stamp", max_height: int = 720) -> ProxyResult:
    """Re-encode like `transcode`, with `stamp` burned into every frame of the picture (a copy
    provided outside the bureau, R-18)."""
    return _encode(Path(src), Path(dst), "watermark", max_height, stamp)


class Stamp:
    """Text drawn into a picture: tiled across it, faint, and once plainly along the bottom.
    The layer is drawn once per picture size and laid over every frame."""

    def __init__(self, text: str, font_path: Path) -> None:
        self.text, self.font_path = text, font_path
        self.layers: dict[tuple[int, int], Image.Image] = {}

    def layer(self, size: tuple[int, int]) -> Image.Image:
        if size not in self.layers:
            self.layers[size] = self._draw(size)
        return self.layers[size]

    def _draw(self, size: tuple[int, int]) -> Image.Image:
        from PIL import ImageDraw, ImageFont

        width, height = size
        font = ImageFont.truetype(str(self.font_path), max(12, width // 40))
        tile = Image.new("RGBA", (width * 2, height * 2), (0, 0, 0, 0))
        pen = ImageDraw.Draw(tile)
        step_x = int(pen.textlength(self.text, font=font)) + width // 8
        for y in range(0, height * 2, max(40, height // 6)):
            for x in range(-step_x, width * 2, step_x):
                pen.text((x + (y // 3) % step_x, y), self.text, font=font, fill=(255, 255, 255, 70))
        layer = tile.rotate(20, center=(width, height)).crop(
            (width // 2, height // 2, width // 2 + width, height // 2 + height)
        )
        band = ImageDraw.Draw(layer)
        line = max(16, height // 18)
        band.rectangle((0, height - line - 8, width, height), fill=(0, 0, 0, 140))
        small = ImageFont.truetype(str(self.font_path), line)
        band.text((8, height - line - 4), self.text, font=small, fill=(255, 255, 255, 255))
        return layer

    def apply(self, frame: av.VideoFrame) -> av.VideoFrame:
        picture = frame.to_image().convert("RGBA")
        picture.alpha_composite(self.layer(picture.size))
        stamped = av.VideoFrame.from_image(picture.convert("RGB")).reformat(format="yuv420p")
        stamped.pts, stamped.time_base = frame.pts, frame.time_base
        return stamped


def audio_proxy(src: Path, dst: Path) -> ProxyResult:
    """The sound as AAC in an MP4 audio file (.m4a): copied if already AAC, else encoded."""
    src, dst = Path(src), Path(dst)
    with _open(src) as container:
        stream = _audio_stream(container)
        codec = codec_name(stream) if stream is not None else ""
    if codec == "aac":
        return _copy(src, dst, "audio", with_video=False)
    return _encode(src, dst, "audio", max_height=None)


def photo_preview(src: Path, dst: Path, max_side: int = 1600) -> ProxyResult:
    """A JPEG of the photo upright, fitting in `max_side` pixels; partial if the photo is cut."""
    src, dst = Path(src), Path(dst)
    picture, partial = _picture(src, max_side)
    if picture is None:
        raise ProxyError(gettext_noop("无法生成播放副本：照片无法解码"))
    picture.thumbnail((max_side, max_side))
    _save_jpeg(picture, dst, quality=85)
    return ProxyResult(
        "photo", "jpeg", "mjpeg", "", *picture.size, None, partial, dst.stat().st_size
    )


def thumbnail(src: Path, dst: Path) -> bool:
    """Write a JPEG of about 320 px of a frame about a second in (or of the photo).

    Seeks rather than decoding up to that point. Returns False, writing nothing, when the
    original has no picture that can be decoded (audio, unreadable or badly damaged files).
    """
    src, dst = Path(src), Path(dst)
    picture = _photo(src, THUMBNAIL_SIZE)
    if picture is None:
        picture = _video_picture(src)
    if picture is None:
        return False
    picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    _save_jpeg(picture, dst, quality=80)
    return True


def strip(src: Path, dst: Path, every_seconds: float = 60, tile_width: int = 160) -> int:
    """Write one JPEG of small frames side by side, one every `every_seconds` (at least one),
    each found by seeking to its position; returns the number of tiles.

    A damaged original gives the tiles up to where it can be read.
    """
    src, dst = Path(src), Path(dst)
    with _open(src) as container:
        stream = _video_stream(container)
        if stream is None:
            raise ProxyError(gettext_noop("无法生成播放副本：没有画面"))
        span = (container.duration or 0) / av.time_base
        height = _tile_height(stream, tile_width)
        tiles = []
        for index in range(max(1, math.ceil(span / every_seconds))):
            frame = _frame_at(container, stream, index * every_seconds)
            if frame is None:
                break
            tiles.append(frame.to_image(width=tile_width, height=height))
    if not tiles:
        raise ProxyError(gettext_noop("无法生成播放副本：画面无法解码"))
    sheet = Image.new("RGB", (tile_width * len(tiles), height))
    for index, tile in enumerate(tiles):
        sheet.paste(tile, (index * tile_width, 0))
    _save_jpeg(sheet, dst, quality=75)
    return len(tiles)


# --- reading originals -------------------------------------------------------------------------
class _Reading:
    """How far reading an original got, to tell a whole copy from a partial one."""

    def __init__(self, container: InputContainer) -> None:
        self.declared = container.duration / av.time_base if container.duration else None
        self.time_bases = {
            stream.index: stream.time_base
            for stream in container.streams
            if stream.time_base is not None  # no packet of such a stream has a time either
        }
        self.spans: dict[int, list[int]] = {}  # per stream: lowest pts, highest pts + duration
        self.failed = False

    def saw(self, packet: av.Packet) -> None:
        # Integer ticks per stream: this runs for every packet of an hour of video.
        pts = packet.pts
        if pts is None:
            return
        end = pts + (packet.duration or 0)
        span = self.spans.get(packet.stream_index)
        if span is None:
            self.spans[packet.stream_index] = [pts, end]
        else:
            if pts < span[0]:
                span[0] = pts
            if end > span[1]:
                span[1] = end

    @property
    def covered(self) -> float:
        """Seconds of the longest stream read."""
        return max(
            (
                float((end - start) * self.time_bases[index])
                for index, (start, end) in self.spans.items()
                if index in self.time_bases
            ),
            default=0.0,
        )

    @property
    def partial(self) -> bool:
        short = self.declared is not None and self.covered < self.declared - SHORTFALL
        return self.failed or short


@contextmanager
def _open(src: Path) -> Iterator[InputContainer]:
    try:
        # "file:" keeps a name with a colon from being read as a protocol ("a:b.mp4").
        container = av.open(f"file:{src.absolute()}", metadata_errors="replace")
    except (av.FFmpegError, UnicodeDecodeError) as exc:  # the cause stays chained for the log
        raise ProxyError(gettext_noop("无法生成播放副本：文件无法读取")) from exc
    with container:
        yield container


def _video_stream(container: InputContainer):
    cover = av.stream.Disposition.attached_pic  # an MP3's album art is no video
    streams = container.streams.video
    return next((s for s in streams if s.codec_context and not s.disposition & cover), None)


def _audio_stream(container: InputContainer):
    return next((s for s in container.streams.audio if s.codec_context), None)


def _packets(container: InputContainer, streams: list, reading: _Reading) -> Iterator[av.Packet]:
    """The streams' packets in file order, ending at the first read error or cut packet."""
    try:
        for packet in container.demux(streams):
            if packet.is_corrupt:
                reading.failed = True
                return
            if packet.size:  # empty ones only mark the end; decoders are flushed explicitly
                reading.saw(packet)
                yield packet
    except _READ_ERRORS:
        reading.failed = True


# --- remux -------------------------------------------------------------------------------------
def _copy(src: Path, dst: Path, method: str, with_video: bool) -> ProxyResult:
    with _open(src) as container:
        sources = [_video_stream(container) if with_video else None, _audio_stream(container)]
        sources = [stream for stream in sources if stream is not None]
        if not sources:
            raise ProxyError(gettext_noop("无法生成播放副本：没有画面或声音"))
        reading = _Reading(container)
        with _writing(dst) as out:
            # opaque: PyAV would otherwise look for an encoder named after the decoder (libdav1d).
            targets = {s.index: out.add_stream_from_template(s, opaque=True) for s in sources}
            shifts = {s.index: _start_shift(container, s) for s in sources}
            copied = 0
            for packet in _packets(container, sources, reading):
                index = packet.stream_index
                _shift(packet, shifts[index])
                packet.stream = targets[index]
                try:
                    out.mux(packet)
                except _READ_ERRORS:
                    reading.failed = True
                    break
                copied += 1
            if not copied:
                raise ProxyError(gettext_noop("无法生成播放副本：没有可读取的数据"))
    return _result(method, dst, reading.partial)


def _start_shift(container: InputContainer, stream) -> int:
    """Ticks of the stream's time base to subtract so that the recording starts at zero."""
    start = container.start_time or 0
    if start <= 0:
        return 0
    return round(Fraction(start, av.time_base) / stream.time_base)


def _shift(packet: av.Packet, ticks: int) -> None:
    if ticks:
        if packet.pts is not None:
            packet.pts -= ticks
        if packet.dts is not None:
            packet.dts -= ticks


@contextmanager
def _writing(dst: Path) -> Iterator[OutputContainer]:
    """An MP4 written next to `dst` and renamed into place only when complete."""
    part = dst.with_name(f".{dst.name}.part")
    try:
        path = f"file:{part.absolute()}"
        with av.open(path, "w", format="mp4", container_options=_MP4) as out:
            yield out
        part.replace(dst)
    finally:
        part.unlink(missing_ok=True)


def _result(method: str, dst: Path, partial: bool) -> ProxyResult:
    made = probe(dst)
    return ProxyResult(
        method=method,
        container="mp4",
        video_codec=made.video_codec,
        audio_codec=made.audio_codec,
        width=made.width,
        height=made.height,
        duration=made.duration,
        partial=partial,
        size=dst.stat().st_size,
    )


# --- transcode ---------------------------------------------------------------------------------
def _encode(
    src: Path, dst: Path, method: str, max_height: int | None, stamp: Stamp | None = None
) -> ProxyResult:
    """Decode the first video (unless `max_height` is None) and audio streams and encode them
    as H.264 and AAC."""
    with _open(src) as container:
        video = _video_stream(container) if max_height is not None else None
        audio = _audio_stream(container)
        sources = [stream for stream in (video, audio) if stream is not None]
        if not sources:
            raise ProxyError(gettext_noop("无法生成播放副本：没有画面或声音"))
        reading = _Reading(container)
        with _writing(dst) as out:
            coders: list[_Coder] = []
            if video is not None and max_height is not None:
                coders.append(_Video(out, video, max_height, stamp))
            if audio is not None:
                coders.append(_Audio(out, audio))
            by_index = {coder.source.index: coder for coder in coders}
            for packet in _packets(container, sources, reading):
                if not _step(lambda p=packet: by_index[p.stream.index].feed(p)):
                    reading.failed = True
                    break
            for coder in coders:
                _step(coder.finish)
            if not any(coder.frames for coder in coders):
                raise ProxyError(gettext_noop("无法生成播放副本：没有可解码的画面或声音"))
    return _result(method, dst, reading.partial)


def _step(action) -> bool:
    try:
        action()
    except _READ_ERRORS:
        return False
    return True


class _Coder:
    """Decodes one stream of the original and encodes it into one stream of the copy."""

    def __init__(self, out: OutputContainer, source, target) -> None:
        self.out, self.source, self.target = out, source, target
        self.frames = 0
        source.codec_context.thread_type = "AUTO"

    def feed(self, packet: av.Packet) -> None:
        for frame in self.source.codec_context.decode(packet):
            self.put(frame)

    def finish(self) -> None:
        for frame in self.source.codec_context.decode(None):
            self.put(frame)
        if self.frames:
            self.out.mux(self.target.encode(None))

    def put(self, frame) -> None:
        self.frames += 1
        self.out.mux(self.target.encode(frame))


class _Video(_Coder):
    def __init__(
        self, out: OutputContainer, source, max_height: int, stamp: Stamp | None = None
    ) -> None:
        rate = source.average_rate or source.guessed_rate or Fraction(30)
        target = out.add_stream("libx264", rate=rate)
        target.width, target.height = _fit(source, max_height)
        target.pix_fmt = "yuv420p"
        target.codec_context.time_base = source.time_base
        target.codec_context.gop_size = max(1, round(KEYFRAME_EVERY * rate))
        target.options = dict(X264_OPTIONS)
        super().__init__(out, source, target)
        self.scaler = VideoReformatter()
        self.last_pts: int | None = None
        self.stamp = stamp

    def put(self, frame) -> None:
        # Damaged streams repeat or lose timestamps; the encoder needs them strictly rising.
        if frame.pts is None or (self.last_pts is not None and frame.pts <= self.last_pts):
            return
        self.last_pts = frame.pts
        scaled = self.scaler.reformat(
            frame, self.target.width, self.target.height, "yuv420p", interpolation="BILINEAR"
        )
        scaled.pts, scaled.time_base = frame.pts, self.source.time_base
        super().put(self.stamp.apply(scaled) if self.stamp else scaled)


class _Audio(_Coder):
    def __init__(self, out: OutputContainer, source) -> None:
        context = source.codec_context
        rate = context.sample_rate if context.sample_rate in AAC_RATES else 48000
        target = out.add_stream("aac", rate=rate)
        target.layout = "mono" if context.channels == 1 else "stereo"
        target.bit_rate = 64000 if context.channels == 1 else 128000
        super().__init__(out, source, target)


def _fit(stream, max_height: int) -> tuple[int, int]:
    """Even output dimensions of square pixels, at most `max_height` lines, keeping the aspect."""
    context = stream.codec_context
    aspect = context.sample_aspect_ratio or Fraction(1)
    display_width = context.width * aspect
    height = min(max_height, context.height)
    width = display_width * height / context.height
    return max(2, round(width / 2) * 2), max(2, height // 2 * 2)


# --- pictures ----------------------------------------------------------------------------------
def _picture(src: Path, max_side: int) -> tuple[Image.Image | None, bool]:
    """The photo, upright (Pillow), else whatever FFmpeg can conceal of a damaged one."""
    photo = _photo(src, max_side)
    if photo is not None:
        return photo, False
    frame = _first_frame(src)
    return (frame.to_image(), True) if frame is not None else (None, False)


def _photo(src: Path, max_side: int) -> Image.Image | None:
    try:
        with Image.open(src) as image:
            if image.format == "JPEG":
                image.draft("RGB", (max_side, max_side))  # decode at a fraction of the size
            image.load()
            return ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _first_frame(src: Path):
    with suppress(ProxyError), _open(src) as container:
        stream = _video_stream(container)
        return _frame_at(container, stream, 0.0) if stream is not None else None
    return None


def _video_picture(src: Path) -> Image.Image | None:
    frame = None
    with suppress(ProxyError), _open(src) as container:
        stream = _video_stream(container)
        if stream is not None and (container.duration or 0) > 2 * THUMBNAIL_AT * av.time_base:
            frame = _frame_at(container, stream, THUMBNAIL_AT)
    if frame is None:
        frame = _first_frame(src)
    return frame.to_image() if frame is not None else None


def _frame_at(container: InputContainer, stream, seconds: float):
    """The first frame at or after `seconds` from the start, reached by seeking to the keyframe
    before it and decoding from there (or the last frame decoded before an error).

    At 0 s it reads on from where the container is: a freshly opened one is at the start, and
    some demuxers (a single picture, a pipe) cannot seek.
    """
    target = (stream.start_time or 0) + round(seconds / stream.time_base)
    latest = None
    try:
        if seconds > 0:
            container.seek(target, stream=stream)
        # Bounded: a file without an index may land far from any keyframe.
        for count, packet in enumerate(container.demux(stream)):
            if packet.is_corrupt or count == SEEK_DECODE_LIMIT:
                break
            for frame in stream.codec_context.decode(packet if packet.size else None):
                latest = frame
                if frame.pts is None or frame.pts >= target:
                    return frame
    except _READ_ERRORS:
        pass
    return latest


def _tile_height(stream, tile_width: int) -> int:
    context = stream.codec_context
    aspect = context.sample_aspect_ratio or Fraction(1)
    return max(2, round(tile_width * context.height / (context.width * aspect)))


def _save_jpeg(picture: Image.Image, dst: Path, quality: int) -> None:
    part = dst.with_name(f".{dst.name}.part")
    try:
        picture.save(part, "JPEG", quality=quality)
        part.replace(dst)
    finally:
        part.unlink(missing_ok=True)
