"""RIFF (WAV, AVI): chunk lengths in the header, 64-bit ones in an RF64 file's ds64 chunk."""

import struct
from collections.abc import Iterator
from typing import BinaryIO

from bodycam.recordings.damage.cut import cut_short


def damage(f: BinaryIO, size: int) -> str:
    """A reason if the RIFF (or a WAV's data) chunk declares more bytes than the file of `size`
    bytes has, or its length was never filled in; else ""."""
    f.seek(0)
    head = f.read(40)
    tag, riff_size, form = struct.unpack("<4sI4s", head[:12])
    data_size = None
    if tag == b"RF64" and head[12:16] == b"ds64" and len(head) >= 36:
        riff_size, data_size = struct.unpack("<QQ", head[20:36])
    if riff_size in (0, 0xFFFFFFFF):
        return "RIFF length never filled in (recording not finalised)"
    if 8 + riff_size > size:
        return cut_short(size, 8 + riff_size)
    if form == b"WAVE":
        return _wav_data_damage(f, size, data_size)
    return _riff_extensions_damage(f, size, 8 + riff_size + (riff_size & 1))


def _wav_data_damage(f: BinaryIO, size: int, ds64_size: int | None) -> str:
    for tag, offset, length in _riff_chunks(f, 12, size):
        if tag == b"data":
            length = ds64_size if length == 0xFFFFFFFF and ds64_size else length
            return cut_short(size, offset + 8 + length) if offset + 8 + length > size else ""
    return "WAV data chunk not found"


def _riff_extensions_damage(f: BinaryIO, size: int, offset: int) -> str:
    """OpenDML AVI files over 1 GB continue in further RIFF 'AVIX' chunks."""
    for tag, start, length in _riff_chunks(f, offset, size):
        if tag != b"RIFF":
            break
        if start + 8 + length > size:
            return cut_short(size, start + 8 + length)
    return ""


def _riff_chunks(f: BinaryIO, offset: int, size: int) -> Iterator[tuple[bytes, int, int]]:
    """(tag, offset, declared length) of each chunk from `offset`; chunks pad to even lengths."""
    while offset + 8 <= size:
        f.seek(offset)
        tag, length = struct.unpack("<4sI", f.read(8))
        yield tag, offset, length
        offset += 8 + length + (length & 1)
