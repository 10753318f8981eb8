"""What a recorder's file name says: `<产品序号>_<警号>_<YYYYMMDDhhmmss>.<ext>`, and how any
name, however hostile, is shown safely."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

CONVENTION = re.compile(
    r"^(?P<serial>[A-Za-z0-9-]{3,40})_(?P<badge>[A-Za-z0-9-]{2,30})_(?P<stamp>\d{14})(?:_\d+)?$"
)


MAX_SUFFIX = 16  # longer "extensions" are part of the name


@dataclass(frozen=True)
class NameFacts:
    """The serial, badge number and device-local start time a file name carries, if any."""

    serial: str = ""
    badge: str = ""
    started: datetime | None = None  # naive: the device's wall clock


def read_name(file_name: str) -> NameFacts:
    """Facts from a name following the recorder convention; empty facts otherwise."""
    stem = file_name.rsplit(".", 1)[0]
    match = CONVENTION.match(stem)
    if match is None:
        return NameFacts()
    try:
        started = datetime.strptime(match["stamp"], "%Y%m%d%H%M%S")
    except ValueError:
        started = None
    return NameFacts(match["serial"].upper(), match["badge"].upper(), started)


def display_name(raw: str, limit: int = 400) -> str:
    """A file name fit to show and store: undecodable bytes and control characters replaced,
    never a path (only the last component is kept), at most `limit` characters with its
    extension kept (the kind of a file is judged by it)."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = "".join("�" if unicodedata.category(ch)[0] == "C" else ch for ch in name)
    if len(name) > limit:
        stem, dot, suffix = name.rpartition(".")
        keep = dot and 0 < len(suffix) <= MAX_SUFFIX < limit
        name = f"{stem[: limit - len(suffix) - 1]}.{suffix}" if keep else name[:limit]
    return name or "(无名称)"
