"""MPEG transport streams: fixed-size packets, so a cut shows as a partial last packet."""


def packet_size(head: bytes) -> int:
    """188 (plain TS) or 192 (M2TS, a 4-byte timestamp first) if `head` starts with two sync
    bytes a packet apart, else 0."""
    for size, lead in ((188, 0), (192, 4)):
        if len(head) > size + lead and head[lead] == head[lead + size] == 0x47:
            return size
    return 0


def damage(head: bytes, size: int) -> str:
    """A reason if a file of `size` bytes starting with `head` ends inside a packet, else ""."""
    packet = packet_size(head)
    return f"file ends inside a {packet}-byte transport packet" if size % packet else ""
