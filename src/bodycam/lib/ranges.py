"""HTTP byte ranges (RFC 9110 §14): what a player asks for when it seeks.

One range per request: `bytes=A-B`, `bytes=A-` and the suffix `bytes=-N`. A header we do not
understand (another unit, several ranges, bad syntax) is ignored and the whole content is
served, as the RFC allows; a range starting past the end is unsatisfiable (416).
"""

import re

_SINGLE = re.compile(r"bytes=(\d*)-(\d*)")


class Unsatisfiable(Exception):
    """The range lies wholly outside the content."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive, or None for the whole content."""
    if not header:
        return None
    match = _SINGLE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the final N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise Unsatisfiable
        return max(size - count, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    end = int(last) if last else size - 1
    return start, min(end, size - 1)
