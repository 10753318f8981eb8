"""The ISO base media file format (MP4/MOV) box parser, and moving an index to the front.

One parser serves the whole project: `read_box` reads a box header from a buffer, `children`
walks the boxes inside a box, `scan_top_level` lists a file's top-level boxes (saying where and
why the chain breaks, for the probe's damage check) and `top_level` keeps only files whose boxes
tile them exactly (for moving the index).

Recorders write the index (moov) after the media data (mdat), so a browser must fetch the end
of the file before it can play. Moving the index first needs no re-muxing: copy the bytes,
put moov before mdat and add its size to every chunk offset (stco/co64), as qt-faststart does.
"""

import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

# Boxes inside moov that hold the boxes leading to the chunk offset tables.
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}
MAX_MOOV = 256 * 1024 * 1024
COPY_CHUNK = 8 * 1024 * 1024
# A box type is four printable characters; Apple's metadata keys start with © (0xa9).
_BOX_TYPE = re.compile(rb"[\x20-\x7e\xa9]{4}")

Buffer = bytes | bytearray | memoryview


@dataclass(frozen=True)
class Box:
    """One box: its type, where it starts, its header length (8, or 16 with a 64-bit size) and
    its whole length, header included; `to_end` when it was written with size 0, "up to the end
    of the file" (or of its parent, as `read_box` was told)."""

    kind: bytes
    start: int
    header: int
    size: int
    to_end: bool = False

    @property
    def body(self) -> int:
        """Where the box's payload starts."""
        return self.start + self.header

    @property
    def end(self) -> int:
        """Where the box ends (its last byte + 1)."""
        return self.start + self.size


def read_box(
    buf: Buffer, pos: int = 0, end: int | None = None, *, check_type: bool = True
) -> Box | None:
    """The box whose header starts at buf[pos], positions counted in buf.

    `buf` holds the bytes there are; `end` (default: the end of buf) is where the enclosing box
    or the file ends, which is how far a box of size 0 ("to the end") runs. A 32-bit size of 1
    means the 64-bit `largesize` follows the type. None when the header is incomplete, the size
    is smaller than the header or, with `check_type`, the type is not four printable
    characters. The box may run past `end`: whether that is damage is for the caller to say.
    """
    end = len(buf) if end is None else end
    if len(buf) - pos < 8:
        return None
    size, kind = struct.unpack_from(">I4s", buf, pos)
    header, to_end = 8, size == 0
    if size == 1 and len(buf) - pos >= 16:
        (size,) = struct.unpack_from(">Q", buf, pos + 8)
        header = 16
    elif to_end:
        size = end - pos
    if size < header or (check_type and not _BOX_TYPE.fullmatch(kind)):
        return None
    return Box(kind, pos, header, size, to_end)


def children(buf: Buffer, start: int, end: int, *, check_type: bool = True) -> Iterator[Box]:
    """The boxes in buf[start:end] (a box's payload), in order, stopping before the first one
    that does not parse or does not fit; the caller compares the last end with `end` to tell
    a complete list from a broken one."""
    bounded = memoryview(buf)[:end]  # a header straddling `end` belongs to no child
    pos = start
    while (box := read_box(bounded, pos, end, check_type=check_type)) and box.end <= end:
        yield box
        pos = box.end


def scan_top_level(
    f: BinaryIO, file_size: int, *, limit: int | None = None, check_type: bool = True
) -> tuple[list[Box], str]:
    """The file's top-level boxes, the last of which may run past the end of the file, and why
    the chain breaks before the end ("" when it does not, or breaks into zero padding).

    Reads only the headers, so an 8 GB file costs one seek per box; `limit` bounds how many
    boxes are read (fragmented files have two per fragment).
    """
    boxes: list[Box] = []
    offset = 0
    while offset < file_size:
        if limit is not None and len(boxes) == limit:
            return boxes, f"more than {limit} top-level boxes; stopped at byte {offset}"
        f.seek(offset)
        raw = f.read(16)
        box = read_box(raw, 0, file_size - offset, check_type=check_type)
        if box is None:
            if raw.strip(b"\x00"):
                return boxes, f"malformed box at byte {offset}"
            break  # zero padding after the last box
        boxes.append(replace(box, start=offset))
        offset += box.size
    return boxes, ""


def top_level(f: BinaryIO, file_size: int) -> list[Box] | None:
    """The file's top-level boxes, or None when they do not tile the file exactly."""
    # Any type goes: what is moved is copied byte for byte, and a recorder's zero padding after
    # the last box (at least 8 bytes) reads as a box of size 0 and is kept as it is.
    boxes, broken = scan_top_level(f, file_size, check_type=False)
    if broken or (boxes[-1].end if boxes else 0) != file_size:
        return None
    return boxes


def _shift_offsets(moov: bytearray, delta: int) -> None:
    """Add `delta` to every chunk offset in moov, in place; ValueError if a box inside is
    malformed or a 32-bit offset would overflow (the caller then falls back to re-muxing)."""
    stack = [(0, len(moov))]
    while stack:
        start, end = stack.pop()
        boxes = list(children(moov, start, end, check_type=False))
        if end - (boxes[-1].end if boxes else start) >= 8:  # shorter is slack, not a box
            raise ValueError("malformed box inside moov")
        # Size 0 is for the last box of a file: inside moov it could hide an stco after it,
        # and a moved file with offsets left unshifted would not play.
        if any(box.to_end for box in boxes):
            raise ValueError("box of size 0 inside moov")
        for box in boxes:
            if box.kind in CONTAINERS:
                stack.append((box.body, box.end))
            elif box.kind in (b"stco", b"co64"):
                _shift_table(moov, box.body, box.kind == b"co64", delta)


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
