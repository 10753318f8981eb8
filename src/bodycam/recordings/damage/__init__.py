"""Which container a file is, and whether the container's own length fields say data is missing.

A battery dying mid-recording cuts a file short. Each family has its own check:
- MP4/MOV (`isobmff`): no moov atom (moov written last, never written); a top-level box running
  past the end of the file; the last sample in the moov sample tables ending past the end.
- WAV/AVI (`riff`): a RIFF or data chunk declaring more bytes than there are (RF64 sizes in its
  ds64 chunk); sizes never filled in.
- MKV/WebM (`ebml`): a Segment declaring more bytes than there are (unless of unknown size).
- MPEG-TS (`ts`): the file ending inside a transport packet.
Photos are checked by decoding them (recordings.photos); MP3/AAC/AMR streams have no declared
length, so a cut there goes unnoticed.
"""

from typing import BinaryIO

from bodycam.recordings.damage import ebml, isobmff, riff, ts

_BMFF_TOP = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp", b"uuid"}


def sniff(head: bytes) -> str:
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
    if ts.packet_size(head):
        return "ts"
    return ""


def structure_damage(f: BinaryIO, head: bytes, family: str, size: int, problems: list[str]) -> str:
    """A reason if the container's own length fields say data is missing, else "".

    `head` is the start of the file `f` (of `size` bytes) and `family` what `sniff` made of it;
    oddities that lose no media are appended to `problems` instead.
    """
    if family == "isobmff":
        return isobmff.damage(f, size, problems)
    if family == "riff":
        return riff.damage(f, size)
    if family == "ebml":
        return ebml.damage(f, size)
    if family == "ts":
        return ts.damage(head, size)
    return ""
