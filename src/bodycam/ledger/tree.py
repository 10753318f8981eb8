"""The Merkle tree over the stored ledger: cached subtrees, roots and proofs from the database.

Complete subtrees of CACHE_LEVEL (256 leaves) and above are cached as the log grows, so a proof
at ten million entries reads a few dozen cached hashes and at most a few hundred leaf hashes.
"""

from django.db import connection
from django.db.models import Max

from bodycam.ledger import merkle
from bodycam.ledger.models import LedgerEntry, LedgerSubtree

CACHE_LEVEL = 8
_DUMMY = b"\x00" * 32


class DatabaseHashSource:
    """A merkle.HashSource reading the ledger tables, optionally from a prefetched batch."""

    def __init__(self) -> None:
        self.subtrees: dict[tuple[int, int], bytes] = {}
        self.leaves: dict[int, bytes] = {}

    def leaf_hashes(self, start: int, end: int) -> list[bytes]:
        if all(i in self.leaves for i in range(start, end)):
            return [self.leaves[i] for i in range(start, end)]
        rows = LedgerEntry.objects.filter(seq__gte=start, seq__lt=end).order_by("seq")
        return [bytes(h) for h in rows.values_list("leaf_hash", flat=True)]

    def subtree(self, level: int, index: int) -> bytes | None:
        if level < CACHE_LEVEL:
            return None
        if (level, index) in self.subtrees:
            return self.subtrees[level, index]
        row = LedgerSubtree.objects.filter(level=level, index=index).values_list("hash").first()
        return bytes(row[0]) if row else None

    def prefetch(self, subtrees: set[tuple[int, int]], leaf_ranges: list[tuple[int, int]]) -> None:
        """Load what a computation will ask for in two queries instead of dozens.

        Plain SQL: this is the hot path of every proof, and the ORM spends longer building
        these queries than the database spends answering them.
        """
        with connection.cursor() as cursor:
            if subtrees:
                pairs = sorted(subtrees)
                values = ", ".join(["(%s, %s)"] * len(pairs))
                cursor.execute(
                    f'SELECT level, "index", hash FROM {LedgerSubtree._meta.db_table} '
                    f'WHERE (level, "index") IN (VALUES {values})',
                    [number for pair in pairs for number in pair],
                )
                self.subtrees.update(((lv, ix), bytes(h)) for lv, ix, h in cursor.fetchall())
            seqs = sorted({seq for start, end in leaf_ranges for seq in range(start, end)})
            if seqs:
                cursor.execute(
                    f"SELECT seq, leaf_hash FROM {LedgerEntry._meta.db_table} "
                    f"WHERE seq IN ({', '.join(['%s'] * len(seqs))})",
                    seqs,
                )
                self.leaves.update((seq, bytes(digest)) for seq, digest in cursor.fetchall())


class _Planner:
    """A HashSource that hands out placeholders and notes what was asked for: proofs follow
    the same path whatever the hashes are, so one dry run tells what to fetch."""

    def __init__(self) -> None:
        self.subtrees: set[tuple[int, int]] = set()
        self.leaf_ranges: list[tuple[int, int]] = []

    def leaf_hashes(self, start: int, end: int) -> list[bytes]:
        self.leaf_ranges.append((start, end))
        return [_DUMMY] * (end - start)

    def subtree(self, level: int, index: int) -> bytes | None:
        if level < CACHE_LEVEL:
            return None
        self.subtrees.add((level, index))
        return _DUMMY


def _source_for(compute, *args) -> DatabaseHashSource:
    planner = _Planner()
    compute(planner, *args)
    source = DatabaseHashSource()
    source.prefetch(planner.subtrees, planner.leaf_ranges)
    return source


def root(size: int) -> bytes:
    """The root hash of the first `size` entries."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.root(_source_for(merkle.root, size), size)


def inclusion_proof(seq: int, size: int) -> list[bytes]:
    """The audit path of entry `seq` in the tree of `size` entries."""
    return merkle.inclusion_proof(_source_for(merkle.inclusion_proof, seq, size), seq, size)


def consistency_proof(first: int, second: int) -> list[bytes]:
    """The proof that the tree of `second` entries extends the tree of `first` entries."""
    source = _source_for(merkle.consistency_proof, first, second)
    return merkle.consistency_proof(source, first, second)


def cached_size() -> int:
    """How many leaves the subtree cache covers (whole blocks of 2**CACHE_LEVEL)."""
    last = LedgerSubtree.objects.filter(level=CACHE_LEVEL).aggregate(last=Max("index"))["last"]
    return 0 if last is None else (last + 1) << CACHE_LEVEL


def extend_cache(size: int) -> int:
    """Cache every subtree that the first `size` entries complete; returns how many were new."""
    start = cached_size()
    if size <= start:
        return 0
    new = merkle.new_subtree_hashes(DatabaseHashSource(), start, size, CACHE_LEVEL)
    LedgerSubtree.objects.bulk_create(
        [LedgerSubtree(level=level, index=index, hash=digest) for level, index, digest in new],
        ignore_conflicts=True,  # a concurrent signer cached the same ones: same hashes
        batch_size=500,
    )
    return len(new)
