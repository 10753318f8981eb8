"""Just enough of the ISO base media file format (MP4/MOV) to move an index to the front.

Recorders write the index (moov) after the media data (mdat), so a browser must fetch the end
of the file before it can play. Moving the index first needs no re-muxing: copy the bytes,
put moov before mdat and add its size to every chunk offset (stco/co64), as qt-faststart does.
"""

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Boxes inside moov that hold the boxes leading to the chunk offset tables.
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}
MAX_MOOV = 256 * 1024 * 1024
COPY_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int
    header: int  # header length: 8, or 16 with a 64-bit size
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


def top_level(f: BinaryIO, file_size: int) -> list[Box] | None:
    """The file's top-level boxes, or None when they do not tile the file exactly."""
    boxes, offset = [], 0
    while offset < file_size:
        box = _box_at(f, offset, file_size)
        if box is None:
            return None
        boxes.append(box)
        offset = box.end
    return boxes


def _box_at(f: BinaryIO, offset: int, limit: int) -> Box | None:
    f.seek(offset)
    head = f.read(16)
    if len(head) < 8:
        return None
    size, kind = struct.unpack(">I4s", head[:8])
    header = 8
    if size == 1 and len(head) == 16:
        size, header = struct.unpack(">Q", head[8:16])[0], 16
    elif size == 0:
        size = limit - offset  # "to the end of the file"
    if size < header or offset + size > limit:
        return None
    return Box(kind, offset, header, size)


def _children(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(kind, start, header, size) of the boxes in data[start:end]."""
    found, offset = [], start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, offset + 8)[0], 16
        if size < header or offset + size > end:
            raise ValueError("malformed box inside moov")
        found.append((kind, offset, header, size))
        offset += size
    return found


def _shift_offsets(moov: bytearray, delta: int) -> None:
    """Add `delta` to every chunk offset in moov, in place; ValueError if a 32-bit one would
    overflow (the caller then falls back to re-muxing)."""
    stack = [(0, len(moov))]
    while stack:
        start, end = stack.pop()
        for kind, offset, header, size in _children(moov, start, end):
            body = offset + header
            if kind in CONTAINERS:
                stack.append((body, offset + size))
            elif kind in (b"stco", b"co64"):
                _shift_table(moov, body, kind == b"co64", delta)


def _shift_table(moov: bytearray, body: int, wide: bool, delta: int) -> None:
    (count,) = struct.unpack_from(">I", moov, body + 4)  # after version and flags
    table = f">{count}{'Q' if wide else 'I'}"
    shifted = [value + delta for value in struct.unpack_from(table, moov, body + 8)]
    if shifted and max(shifted) >= (2**64 if wide else 2**32):
        raise ValueError("chunk offset overflows")
    struct.pack_into(table, moov, body + 8, *shifted)


def move_index_first(src: Path, dst: Path) -> bool:
    """Write `dst` as `src` with its moov moved before its mdat. False (nothing written) when
    the file is not a plain MP4 with one index after its media data."""
    size = src.stat().st_size
    with src.open("rb") as f:
        boxes = top_level(f, size)
        if boxes is None:
            return False
        kinds = [box.kind for box in boxes]
        if kinds.count(b"moov") != 1 or b"moof" in kinds or b"mdat" not in kinds:
            return False
        moov_box = boxes[kinds.index(b"moov")]
        first_data = kinds.index(b"mdat")
        if kinds.index(b"moov") < first_data or moov_box.size > MAX_MOOV:
            return False
        f.seek(moov_box.start)
        moov = bytearray(f.read(moov_box.size))
        try:
            _shift_offsets(moov, moov_box.size)
        except (ValueError, struct.error):
            return False
        with dst.open("wb") as out:
            _copy_range(f, out, 0, boxes[first_data].start)
            out.write(moov)
            for box in boxes[first_data:]:
                if box is not moov_box:
                    _copy_range(f, out, box.start, box.size)
    return True


def _copy_range(f: BinaryIO, out: BinaryIO, start: int, length: int) -> None:
    """Copy bytes in the kernel (sendfile) where it can, through Python where not."""
    out.flush()
    offset = start
    try:
        while length > 0:
            copied = os.sendfile(out.fileno(), f.fileno(), offset, min(length, 2**30))
            if copied == 0:
                raise OSError("the file ended early")
            offset += copied
            length -= copied
    except OSError as exc:
        if exc.strerror == "the file ended early" or length == 0:
            raise
        f.seek(offset)  # a filesystem without copy_file_range: plain reads and writes
        while length > 0:
            chunk = f.read(min(COPY_CHUNK, length))
            if not chunk:
                raise OSError("the file ended early") from exc
            out.write(chunk)
            length -= len(chunk)
