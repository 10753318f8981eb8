"""How every container check words a file that ends before its declared length."""


def cut_short(size: int, declared_end: int) -> str:
    """The reason for a file of `size` bytes whose structure says it runs to `declared_end`."""
    # Never 100%: a file short by one byte in a terabyte is still cut short.
    share = min(99, max(0, round(100 * size / declared_end)))
    return f"data ends at {share}% of the declared length"
