"""MP4/MOV (ISO base media file format): the top-level boxes and the moov sample tables.

A recorder writes moov last, so a cut file usually has none; when it has one (fast-start, or an
mdat of size 0 written live), the sample tables say where the last sample ends, which catches
a cut that no box length shows.
"""

import struct
import sys
from array import array
from typing import BinaryIO

from bodycam.lib.isobmff import Box, children, scan_top_level
from bodycam.recordings.damage.cut import cut_short

MOOV_LIMIT = 64 * 1024 * 1024  # a one-hour 1080p moov is a few MB; beyond this, skip the tables
BOX_LIMIT = 20_000  # fragmented MP4 has two boxes per fragment; per-second fragments fit

Span = tuple[int, int]  # a box's payload: (start, end) in the moov buffer


def damage(f: BinaryIO, size: int, problems: list[str]) -> str:
    """A reason if the MP4 `f` of `size` bytes lost media, else ""; junk after complete media
    is appended to `problems` instead."""
    boxes, malformed = scan_top_level(f, size, limit=BOX_LIMIT)
    cut = next((box for box in boxes if box.end > size), None)
    moov = next((box for box in boxes if box.kind == b"moov"), None)
    if moov is None:
        detail = f"file cut short inside the {cut.kind.decode('latin-1')} box" if cut else malformed
        return "moov atom not found" + (f"; {detail}" if detail else "")
    if moov.end > size:
        return f"moov atom cut short: {cut_short(size, moov.end)}"
    data_end = _sample_data_end(f, moov)
    if data_end is not None and data_end > size:
        return cut_short(size, data_end)
    fragmented = any(box.kind == b"moof" for box in boxes)
    if cut and (data_end is None or fragmented):
        return cut_short(size, cut.end)
    # Every sample the moov lists is present: what follows them is junk, not lost media.
    if cut:
        problems.append(f"{cut.kind.decode('latin-1')!r} box at byte {cut.start} runs past the end")
    if malformed:
        problems.append(malformed)
    return ""


def _sample_data_end(f: BinaryIO, moov: Box) -> int | None:
    """Where the last media sample ends according to the moov sample tables."""
    if moov.size > MOOV_LIMIT:
        return None
    f.seek(moov.body)
    buf = f.read(moov.size - moov.header)
    inner = (b"mdia", b"minf", b"stbl")
    tables = [
        _descend(buf, (trak.body, trak.end), inner)
        for trak in children(buf, 0, len(buf))
        if trak.kind == b"trak"
    ]
    ends = [_track_data_end(buf, stbl) for stbl in tables if stbl]
    return max((end for end in ends if end is not None), default=None)


def _descend(buf: bytes, span: Span, path: tuple[bytes, ...]) -> Span | None:
    """The payload of the first box along `path` (each the first of its type) inside `span`."""
    for name in path:
        found = next((box for box in children(buf, *span) if box.kind == name), None)
        if found is None:
            return None
        span = (found.body, found.end)
    return span


def _track_data_end(buf: bytes, stbl: Span) -> int | None:
    tables = {box.kind: (box.body, box.end) for box in children(buf, *stbl)}
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


def _table(buf: bytes, span: Span | None, code: str, width: int = 1) -> array | None:
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


def _sample_sizes(buf: bytes, span: Span | None) -> tuple[int, array] | None:
    """(the constant sample size, or 0 and each sample's size) from an stsz box."""
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
