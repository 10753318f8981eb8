"""Photos through Pillow: size and EXIF (time taken, GPS, camera tags), and a decode that proves
the data is whole.

A cut JPEG or PNG shows only when decoding runs out of data: this relies on
`ImageFile.LOAD_TRUNCATED_IMAGES` staying False, which is Pillow's default; nothing in the
project may set it.
"""

import struct
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import ExifTags, Image, TiffImagePlugin

from bodycam.recordings.tags import TAG_LIMIT, plausible

if TYPE_CHECKING:  # probe imports this module; the class is needed for the hints only
    from bodycam.recordings.probe import MediaInfo

_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIGINAL, _DIGITIZED, _DATETIME = 0x9003, 0x9004, 0x0132


def probe_image(path: Path, info: "MediaInfo") -> str:
    """Fill `info` from the image header and EXIF, then decode to prove the data is whole;
    returns the content's kind ("photo", or "" if it is no image at all)."""
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


def _fill_exif(exif: Image.Exif, info: "MediaInfo") -> None:
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
    return plausible(lat, lon)


def _degrees(dms: tuple, ref: object, negative: str) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -value if str(ref).strip("\x00 ").upper() == negative else value
