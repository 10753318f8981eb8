"""Quick metadata probe of a recorder's file, from its container header only.

`probe` never decodes a whole file: it reads the container's structure (box, chunk or element
headers and, for MP4/MOV, the sample tables in the moov atom) to tell whether the data the
header promises is really there, and asks PyAV/Pillow for codecs, size, duration and tags.
Bad content never raises; it comes back as `damaged=True` with a short technical reason.

Truncation checks by family (a battery dying mid-recording cuts a file short):
- MP4/MOV: no moov atom (moov written last, never written); a top-level box running past the
  end of the file; the last sample in the moov sample tables ending past the end of the file.
- WAV/AVI (RIFF): a RIFF or data chunk declaring more bytes than there are; sizes never filled in.
- MKV: a Segment declaring more bytes than there are (unless written with an unknown size).
- TS: the file ending inside a transport packet.
- JPEG/PNG: Pillow's decoder running out of data (relies on `ImageFile.LOAD_TRUNCATED_IMAGES`
  staying False, which is Pillow's default; nothing in the project may set it).
MP3/AAC/AMR streams have no declared length, so a cut there goes unnoticed.
"""

import math
import re
import struct
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import av
from PIL import ExifTags, Image, TiffImagePlugin

MEDIA_EXTENSIONS: dict[str, str] = {
    **dict.fromkeys((".mp4", ".mov", ".avi", ".ts", ".mkv"), "video"),
    **dict.fromkeys((".wav", ".mp3", ".amr", ".aac", ".m4a"), "audio"),
    **dict.fromkeys((".jpg", ".jpeg", ".png"), "photo"),
}

TAG_LIMIT = 500
MOOV_LIMIT = 64 * 1024 * 1024  # a one-hour 1080p moov is a few MB; beyond this, skip the tables
BOX_LIMIT = 20_000  # fragmented MP4 has two boxes per fragment; per-second fragments fit
_HEAD = 512
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
_CREATION_KEYS = ("creation_time", "com.apple.quicktime.creationdate", "date", "date_recorded")
_LOCATION_KEYS = ("location", "location-eng", "com.apple.quicktime.location.iso6709")
# FFmpeg shows text files named .txt/.nfo/.bin as ANSI art "video"; they are not recordings.
_TEXT_FORMATS = {"tty", "bin", "adf", "idf", "xbin"}
_BMFF_TOP = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp", b"uuid"}


def kind_of(name: str) -> str | None:
    """The kind ("video", "audio", "photo") a file name's extension says, or None if not media."""
    return MEDIA_EXTENSIONS.get(Path(name).suffix.lower())


@dataclass
class MediaInfo:
    """What the probe learned about one file; `damaged` files still carry whatever was readable."""

    kind: str  # "" when neither the name nor the content is media
    damaged: bool
    damage_reason: str
    container: str = ""
    duration: timedelta | None = None
    video_codec: str = ""
    audio_codec: str = ""
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    creation_time_raw: str = ""
    gps: tuple[float, float] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def mark_damaged(self, reason: str) -> None:
        """Record damage; the first (most specific) reason wins."""
        if not self.damaged:
            self.damaged, self.damage_reason = True, reason


def probe(path: Path) -> MediaInfo:
    """Probe `path` quickly from its header.

    Raises OSError only when the file itself cannot be read; bad content (empty, truncated,
    not media) returns a MediaInfo with damaged=True and a reason.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(_HEAD)
        family = _sniff(head)
        declared = kind_of(path.name)
        info = MediaInfo(kind=declared or "", damaged=False, damage_reason="")
        if size == 0:
            info.mark_damaged("file is empty")
            return info
        reason = _structure_damage(f, head, family, size, info.problems)
    if reason:
        info.mark_damaged(reason)
    is_image = family in ("jpeg", "png") or (not family and declared == "photo")
    content = _probe_image(path, info) if is_image else _probe_av(path, info, family)
    _reconcile_kind(info, declared, content, path.suffix.lower())
    return info


def _reconcile_kind(info: MediaInfo, declared: str | None, content: str, suffix: str) -> None:
    if declared is None:
        info.kind = content
        if content:
            info.problems.append(f"extension {suffix or '(none)'!r} is not a media extension")
    elif content and content != declared:
        info.problems.append(f"content is {content} but the extension says {declared}")


def parse_creation_time(raw: str) -> datetime | None:
    """Parse an ISO 8601 or EXIF timestamp into a naive wall-clock datetime, as written.

    Any zone suffix ("Z", "+08:00") is dropped: recorders write local time as if it were UTC,
    so the caller decides the zone. Blank, zero or impossible dates give None.
    """
    match = _TIMESTAMP.match(raw.strip().strip("\x00"))
    if not match:
        return None
    parts = [int(part) for part in match.groups()[:6]]
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    try:
        return datetime(*parts, micro)
    except ValueError:
        return None


_TIMESTAMP = re.compile(
    r"(\d{4})[-:/](\d{2})[-:/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


# --- what the bytes are --------------------------------------------------------------------
def _sniff(head: bytes) -> str:
    """The container family by magic bytes: isobmff, riff, ebml, ts, jpeg, png, or ""."""
    if head[4:8] in _BMFF_TOP:
        return "isobmff"
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] in (b"WAVE", b"AVI "):
        return "riff"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "ebml"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if _ts_packet_size(head):
        return "ts"
    return ""


def _ts_packet_size(head: bytes) -> int:
    for size, lead in ((188, 0), (192, 4)):
        if len(head) > size + lead and head[lead] == head[lead + size] == 0x47:
            return size
    return 0


def _structure_damage(f: BinaryIO, head: bytes, family: str, size: int, problems: list) -> str:
    """A reason if the container's own length fields say data is missing, else ""."""
    if family == "isobmff":
        return _isobmff_damage(f, size, problems)
    if family == "riff":
        return _riff_damage(f, size)
    if family == "ebml":
        return _ebml_damage(f, size)
    if family == "ts":
        packet = _ts_packet_size(head)
        return f"file ends inside a {packet}-byte transport packet" if size % packet else ""
    return ""


def _cut_short(size: int, declared_end: int) -> str:
    share = min(99, max(0, round(100 * size / declared_end)))
    return f"data ends at {share}% of the declared length"


# --- MP4 / MOV (ISO base media file format) ------------------------------------------------
@dataclass
class _Box:
    kind: bytes
    offset: int
    header: int
    size: int

    @property
    def end(self) -> int:
        return self.offset + self.size


def _isobmff_damage(f: BinaryIO, size: int, problems: list[str]) -> str:
    boxes, malformed = _top_boxes(f, size)
    cut = next((box for box in boxes if box.end > size), None)
    moov = next((box for box in boxes if box.kind == b"moov"), None)
    if moov is None:
        detail = f"file cut short inside the {cut.kind.decode('latin-1')} box" if cut else malformed
        return "moov atom not found" + (f"; {detail}" if detail else "")
    if moov.end > size:
        return f"moov atom cut short: {_cut_short(size, moov.end)}"
    data_end = _sample_data_end(f, moov)
    if data_end is not None and data_end > size:
        return _cut_short(size, data_end)
    fragmented = any(box.kind == b"moof" for box in boxes)
    if cut and (data_end is None or fragmented):
        return _cut_short(size, cut.end)
    # Every sample the moov lists is present: what follows them is junk, not lost media.
    if cut:
        problems.append(
            f"{cut.kind.decode('latin-1')!r} box at byte {cut.offset} runs past the end"
        )
    if malformed:
        problems.append(malformed)
    return ""


def _top_boxes(f: BinaryIO, size: int) -> tuple[list[_Box], str]:
    """Top-level boxes (the last may run past the end) and a reason if the chain breaks."""
    boxes: list[_Box] = []
    offset = 0
    while offset < size:
        if len(boxes) == BOX_LIMIT:
            return boxes, f"more than {BOX_LIMIT} top-level boxes; stopped at byte {offset}"
        f.seek(offset)
        raw = f.read(16)
        parsed = _box_header(raw, 0, size - offset)
        box = _Box(parsed[0], offset, parsed[1], parsed[2]) if parsed else None
        if box is None:
            if raw.strip(b"\x00"):
                return boxes, f"malformed box at byte {offset}"
            break  # zero padding after the last box
        boxes.append(box)
        offset = box.end
    return boxes, ""


def _box_header(buf: bytes | memoryview, pos: int, room: int) -> tuple[bytes, int, int] | None:
    """(type, header length, box length) of the box at buf[pos:]; size 0 means "up to room"."""
    if len(buf) - pos < 8:
        return None
    length, kind = struct.unpack_from(">I4s", buf, pos)
    header = 8
    if length == 1 and len(buf) - pos >= 16:
        (length,) = struct.unpack_from(">Q", buf, pos + 8)
        header = 16
    elif length == 0:
        length = room
    if length < header or not re.fullmatch(rb"[\x20-\x7e\xa9]{4}", kind):
        return None
    return kind, header, length


def _sample_data_end(f: BinaryIO, moov: _Box) -> int | None:
    """Where the last media sample ends according to the moov sample tables."""
    if moov.size > MOOV_LIMIT:
        return None
    f.seek(moov.offset + moov.header)
    buf = f.read(moov.size - moov.header)
    inner = (b"mdia", b"minf", b"stbl")
    tables = [
        _descend(buf, (s, e), inner)
        for kind, s, e in _children(buf, 0, len(buf))
        if kind == b"trak"
    ]
    ends = [_track_data_end(buf, stbl) for stbl in tables if stbl]
    return max((end for end in ends if end is not None), default=None)


def _children(buf: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box inside buf[start:end]."""
    pos, bounded = start, memoryview(buf)[:end]
    while (parsed := _box_header(bounded, pos, end - pos)) and pos + parsed[2] <= end:
        kind, header, length = parsed
        yield kind, pos + header, pos + length
        pos += length


def _descend(buf: bytes, span: tuple[int, int], path: tuple[bytes, ...]) -> tuple[int, int] | None:
    for name in path:
        found = [(s, e) for kind, s, e in _children(buf, *span) if kind == name]
        if not found:
            return None
        span = found[0]
    return span


def _track_data_end(buf: bytes, stbl: tuple[int, int]) -> int | None:
    tables = {kind: (s, e) for kind, s, e in _children(buf, *stbl)}
    if b"stco" in tables:
        offsets = _table(buf, tables[b"stco"], "I")
    else:
        offsets = _table(buf, tables.get(b"co64"), "Q")
    sizes = _sample_sizes(buf, tables.get(b"stsz"))
    runs = _table(buf, tables.get(b"stsc"), "I", width=3)
    if not offsets or sizes is None or not runs:
        return None  # no samples here (fragmented file) or a table we do not read (stz2)
    chunk = offsets.index(max(offsets))
    located = _chunk_samples(runs, chunk + 1)
    if located is None:
        return None
    first, count = located
    constant, entries = sizes
    length = constant * count if constant else sum(entries[first : first + count])
    return offsets[chunk] + length


def _table(buf: bytes, span: tuple[int, int] | None, code: str, width: int = 1) -> array | None:
    """The entries of a full box holding a count then `width` big-endian integers per entry."""
    if span is None or span[1] - span[0] < 8:
        return None
    start, end = span
    (count,) = struct.unpack_from(">I", buf, start + 4)
    values = array(code)
    data = buf[start + 8 : end]
    if len(data) < count * width * values.itemsize:
        return None
    values.frombytes(data[: count * width * values.itemsize])
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _sample_sizes(buf: bytes, span: tuple[int, int] | None) -> tuple[int, array] | None:
    if span is None or span[1] - span[0] < 12:
        return None
    (constant,) = struct.unpack_from(">I", buf, span[0] + 4)
    if constant:
        return constant, array("I")
    entries = _table(buf, (span[0] + 4, span[1]), "I")
    return None if entries is None else (0, entries)


def _chunk_samples(runs: array, chunk: int) -> tuple[int, int] | None:
    """(index of the chunk's first sample, samples in it) from stsc runs; chunks count from 1."""
    firsts, per_chunk = runs[0::3], runs[1::3]
    if firsts[0] != 1:
        return None
    before = 0
    for index, first in enumerate(firsts):
        following = firsts[index + 1] if index + 1 < len(firsts) else None
        if following is None or chunk < following:
            return before + (chunk - first) * per_chunk[index], per_chunk[index]
        before += (following - first) * per_chunk[index]
    return None


# --- RIFF (WAV, AVI), Matroska ---------------------------------------------------------------
def _riff_damage(f: BinaryIO, size: int) -> str:
    f.seek(0)
    head = f.read(40)
    tag, riff_size, form = struct.unpack("<4sI4s", head[:12])
    data_size = None
    if tag == b"RF64" and head[12:16] == b"ds64" and len(head) >= 36:
        riff_size, data_size = struct.unpack("<QQ", head[20:36])
    if riff_size in (0, 0xFFFFFFFF):
        return "RIFF length never filled in (recording not finalised)"
    if 8 + riff_size > size:
        return _cut_short(size, 8 + riff_size)
    if form == b"WAVE":
        return _wav_data_damage(f, size, data_size)
    return _riff_extensions_damage(f, size, 8 + riff_size + (riff_size & 1))


def _wav_data_damage(f: BinaryIO, size: int, ds64_size: int | None) -> str:
    for tag, offset, length in _riff_chunks(f, 12, size):
        if tag == b"data":
            length = ds64_size if length == 0xFFFFFFFF and ds64_size else length
            return _cut_short(size, offset + 8 + length) if offset + 8 + length > size else ""
    return "WAV data chunk not found"


def _riff_extensions_damage(f: BinaryIO, size: int, offset: int) -> str:
    """OpenDML AVI files over 1 GB continue in further RIFF 'AVIX' chunks."""
    for tag, start, length in _riff_chunks(f, offset, size):
        if tag != b"RIFF":
            break
        if start + 8 + length > size:
            return _cut_short(size, start + 8 + length)
    return ""


def _riff_chunks(f: BinaryIO, offset: int, size: int) -> Iterator[tuple[bytes, int, int]]:
    while offset + 8 <= size:
        f.seek(offset)
        tag, length = struct.unpack("<4sI", f.read(8))
        yield tag, offset, length
        offset += 8 + length + (length & 1)


def _ebml_damage(f: BinaryIO, size: int) -> str:
    f.seek(4)
    header = _vint(f.read(8))
    if header is None:
        return "malformed EBML header"
    segment_at = 4 + header[0] + header[1]
    f.seek(segment_at)
    raw = f.read(12)
    segment = _vint(raw[4:]) if raw[:4] == b"\x18\x53\x80\x67" else None
    if segment is None or segment[2]:
        return ""  # no Segment we can read, or written with an unknown size (live)
    end = segment_at + 4 + segment[0] + segment[1]
    return _cut_short(size, end) if end > size else ""


def _vint(raw: bytes) -> tuple[int, int, bool] | None:
    """An EBML variable-length size: (bytes used, value, value means unknown)."""
    if not raw or raw[0] == 0:
        return None
    length = 9 - raw[0].bit_length()
    if len(raw) < length:
        return None
    value = raw[0] & (0xFF >> length)
    for byte in raw[1:length]:
        value = value << 8 | byte
    return length, value, value == (1 << (7 * length)) - 1


# --- audio and video through PyAV ------------------------------------------------------------
def _probe_av(path: Path, info: MediaInfo, family: str | None) -> str:
    """Fill `info` from the demuxer's header; returns the content's kind ("" if none)."""
    # Bytes with no known header are rarely media: don't let FFmpeg read megabytes guessing.
    options = {} if family else {"formatprobesize": "65536"}  # 36 ms -> 2.4 ms on noise
    try:
        # "file:" keeps a name with a colon from being read as a protocol ("a:b.mp4").
        container = av.open(f"file:{path.absolute()}", metadata_errors="replace", options=options)
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        message = getattr(exc, "strerror", None) or str(exc)
        info.mark_damaged(f"not a readable media file ({message})")
        return ""
    with container:
        info.container = container.format.name
        if info.container in _TEXT_FORMATS:
            info.mark_damaged(f"not a media file (FFmpeg reads it as text: {info.container})")
            return ""
        info.tags = _clip_tags(container.metadata)
        cover = av.stream.Disposition.attached_pic  # an MP3's album art is no video
        video = next((s for s in container.streams.video if not s.disposition & cover), None)
        audio = next(iter(container.streams.audio), None)
        if video is not None:
            _fill_video(video, info)
        if audio is not None:
            info.audio_codec = _codec_name(audio)
        if video is None and audio is None:
            info.mark_damaged("no audio or video stream")
            return ""
        info.duration = _duration(container)
        info.creation_time_raw = _creation_tag(container)
        info.gps = _location_tag(info.tags)
    return "video" if video is not None else "audio"


def _fill_video(stream, info: MediaInfo) -> None:
    info.video_codec = _codec_name(stream)
    context = stream.codec_context
    info.width = context.width or None
    info.height = context.height or None
    rate = stream.average_rate or stream.guessed_rate
    info.frame_rate = float(rate) if rate else None


def _codec_name(stream) -> str:
    try:
        return stream.codec_context.codec.canonical_name
    except (AttributeError, av.FFmpegError):
        return "unknown"


def _duration(container) -> timedelta | None:
    if container.duration is not None and container.duration > 0:
        return timedelta(microseconds=container.duration)
    seconds = [
        float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base
    ]
    return timedelta(seconds=max(seconds)) if seconds else None


def _clip_tags(metadata: dict) -> dict[str, str]:
    return {str(key): str(value)[:TAG_LIMIT] for key, value in metadata.items()}


def _creation_tag(container) -> str:
    sources = [container.metadata, *(stream.metadata for stream in container.streams)]
    for metadata in sources:
        lowered = {key.lower(): value for key, value in metadata.items()}
        for key in _CREATION_KEYS:
            if lowered.get(key):
                return str(lowered[key])[:TAG_LIMIT]
    return ""


def _location_tag(tags: dict[str, str]) -> tuple[float, float] | None:
    lowered = {key.lower(): value for key, value in tags.items()}
    for key in _LOCATION_KEYS:
        if key in lowered:
            return _parse_iso6709(lowered[key])
    return None


_ISO6709 = re.compile(r"\s*([+-])(\d+)(\.\d*)?([+-])(\d+)(\.\d*)?")


def _parse_iso6709(text: str) -> tuple[float, float] | None:
    """Latitude and longitude from ISO 6709 ("+31.2304+121.4737/", also DDMM and DDMMSS)."""
    match = _ISO6709.match(text)
    if not match:
        return None
    lat_sign, lat_int, lat_frac, lon_sign, lon_int, lon_frac = match.groups()
    lat = _sexagesimal(lat_int, lat_frac or "", 2)
    lon = _sexagesimal(lon_int, lon_frac or "", 3)
    if lat is None or lon is None:
        return None
    return _plausible(-lat if lat_sign == "-" else lat, -lon if lon_sign == "-" else lon)


def _sexagesimal(whole: str, fraction: str, degree_digits: int) -> float | None:
    extra = len(whole) - degree_digits
    if extra <= 0:
        return float(whole + fraction)
    if extra == 2:
        return int(whole[:-2]) + float(whole[-2:] + fraction) / 60
    if extra == 4:
        return int(whole[:-4]) + int(whole[-4:-2]) / 60 + float(whole[-2:] + fraction) / 3600
    return None


def _plausible(lat: float, lon: float) -> tuple[float, float] | None:
    # Recorders without a satellite fix write 0,0; that is "unknown", not the Gulf of Guinea.
    if not (math.isfinite(lat) and abs(lat) <= 90 and math.isfinite(lon) and abs(lon) <= 180):
        return None
    if (lat, lon) == (0.0, 0.0):
        return None
    return round(lat, 7), round(lon, 7)


# --- photos through Pillow -------------------------------------------------------------------

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIGINAL, _DIGITIZED, _DATETIME = 0x9003, 0x9004, 0x0132


def _probe_image(path: Path, info: MediaInfo) -> str:
    """Fill `info` from the image header and EXIF, then decode to prove the data is whole."""
    try:
        with Image.open(path) as image:
            info.container = (image.format or "").lower()
            info.width, info.height = image.size
            _fill_exif(image.getexif(), info)
            if image.format == "JPEG":
                # 1/8-scale decoding still reads every byte, at a fraction of the cost.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except Image.DecompressionBombError as exc:
        info.problems.append(f"image not decoded: {exc}")
    except _IMAGE_ERRORS as exc:
        info.mark_damaged(f"image cannot be decoded ({exc})")
        return "photo" if info.container else ""
    return "photo"


def _fill_exif(exif: Image.Exif, info: MediaInfo) -> None:
    details = exif.get_ifd(_EXIF_IFD)
    info.tags = _exif_tags({**exif, **details})
    stamps = (details.get(_ORIGINAL), details.get(_DIGITIZED), exif.get(_DATETIME))
    info.creation_time_raw = next((text for text in map(_exif_text, stamps) if text), "")
    info.gps = _exif_gps(exif.get_ifd(_GPS_IFD))


def _exif_text(value: object) -> str:
    return value.strip("\x00 ") if isinstance(value, str) else ""


def _exif_tags(entries: dict) -> dict[str, str]:
    tags = {}
    for tag, value in entries.items():
        if isinstance(value, str | int | float | TiffImagePlugin.IFDRational):
            name = ExifTags.TAGS.get(tag, f"0x{tag:04x}")
            tags[name] = str(value).strip("\x00 ")[:TAG_LIMIT]
    return tags


def _exif_gps(gps: dict) -> tuple[float, float] | None:
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return _plausible(lat, lon)


def _degrees(dms: tuple, ref: object, negative: str) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -value if str(ref).strip("\x00 ").upper() == negative else value
