"""Matroska/WebM (EBML): the Segment element declares its length, unless written live."""

from typing import BinaryIO

from bodycam.recordings.damage.cut import cut_short


def damage(f: BinaryIO, size: int) -> str:
    """A reason if the Segment declares more bytes than the file of `size` bytes has, else ""."""
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
    return cut_short(size, end) if end > size else ""


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
