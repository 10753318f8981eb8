"""The prover side of the custody ledger's RFC 6962 Merkle tree, for logs of millions of leaves.

Leaf hashes live in a database; so do the hashes of complete ("perfect") subtrees, cached as
the log grows (`new_subtree_hashes`).  Every hash a proof needs is the Merkle tree hash of a
range of leaves, and every such range splits into O(log n) aligned perfect subtrees.  So with
every complete subtree of `min_level` and above cached, a proof costs O(log n) cache look-ups
plus fewer than 2 * 2**min_level leaf hashes, and never a rebuild of the tree.

A perfect subtree at (level, index) covers the 2**level leaves starting at index * 2**level.
"""

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol, Self

from bodycam.ledger.verify_offline import leaf_hash, node_hash

EMPTY_ROOT = hashlib.sha256(b"").digest()


class HashSource(Protocol):
    """Where the prover reads leaf hashes and cached perfect-subtree hashes from."""

    def leaf_hashes(self, start: int, end: int) -> list[bytes]:
        """The leaf hashes of leaves [start, end), in order."""
        ...

    def subtree(self, level: int, index: int) -> bytes | None:
        """The cached hash of perfect subtree (level, index), or None if it is not cached.

        An implementation backed by a database should answer None without a query for levels
        it never caches.
        """
        ...


def subtree_hash(src: HashSource, start: int, end: int) -> bytes:
    """The RFC 6962 Merkle tree hash of leaves [start, end), using cached subtrees where it can."""
    if not 0 <= start < end:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    largest = 1 << ((end - start).bit_length() - 1)
    if start % largest:
        # An arbitrary range, never one of a proof's: its subtrees are not the tree's nodes.
        return _mth(_leaves(src, start, end))
    pieces = [_perfect(src, level, index) for level, index in _perfect_pieces(start, end)]
    result = pieces.pop()
    for piece in reversed(pieces):
        result = node_hash(piece, result)
    return result


def root(src: HashSource, size: int) -> bytes:
    """The root hash of the tree of the first `size` leaves (SHA-256 of nothing when empty)."""
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    return subtree_hash(src, 0, size) if size else EMPTY_ROOT


def inclusion_proof(src: HashSource, index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `size` leaves (RFC 6962 section 2.1.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    proof = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            proof.append(subtree_hash(src, mid, hi))
            hi = mid
        else:
            proof.append(subtree_hash(src, lo, mid))
            lo = mid
    proof.reverse()
    return proof


def consistency_proof(src: HashSource, size1: int, size2: int) -> list[bytes]:
    """The proof that the tree of `size2` leaves extends that of `size1` (RFC 6962 2.1.2)."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from tree size {size1} to {size2}")
    proof = []
    lo, hi, whole = 0, size2, True
    while size1 != hi:
        mid = lo + _split(hi - lo)
        if size1 <= mid:
            proof.append(subtree_hash(src, mid, hi))
            hi = mid
        else:
            proof.append(subtree_hash(src, lo, mid))
            lo, whole = mid, False
    if not whole:
        proof.append(subtree_hash(src, lo, hi))
    proof.reverse()
    return proof


def new_perfect_subtrees(old_size: int, new_size: int, min_level: int) -> list[tuple[int, int]]:
    """The (level, index) of perfect subtrees at `min_level` or above that growing the log
    from `old_size` to `new_size` leaves completes, by level then index.

    `min_level` is 1 or more: level 0 subtrees are the leaves themselves.
    """
    if not 0 <= old_size <= new_size or min_level < 1:
        raise ValueError(f"bad growth {old_size} -> {new_size} or level {min_level}")
    nodes: list[tuple[int, int]] = []
    level = min_level
    while new_size >> level:
        nodes.extend((level, index) for index in range(old_size >> level, new_size >> level))
        level += 1
    return nodes


def new_subtree_hashes(
    src: HashSource, old_size: int, new_size: int, min_level: int
) -> list[tuple[int, int, bytes]]:
    """(level, index, hash) of each subtree in `new_perfect_subtrees`, for the caller to cache.

    `src` must already hold the leaves up to `new_size` and every perfect subtree of
    `min_level` and above that was complete at `old_size`.  Each new subtree is hashed from its
    two children, those at `min_level` from their 2**min_level leaves.
    """
    made: dict[tuple[int, int], bytes] = {}
    for level, index in new_perfect_subtrees(old_size, new_size, min_level):
        if level == min_level:
            made[level, index] = _from_leaves(src, level, index)
        else:
            left, right = (
                made.get((level - 1, child)) or _perfect(src, level - 1, child)
                for child in (2 * index, 2 * index + 1)
            )
            made[level, index] = node_hash(left, right)
    return [(level, index, digest) for (level, index), digest in made.items()]


class ListHashSource:
    """An in-memory HashSource over a list of leaf hashes, caching the chosen subtree levels.

    It counts what it is asked for (`subtree_lookups`, `leaves_read`), for tests of cost.
    """

    def __init__(self, leaf_hashes: Sequence[bytes], cache_levels: Iterable[int] = ()) -> None:
        self._leaves = list(leaf_hashes)
        self._cache: dict[tuple[int, int], bytes] = {}
        self.subtree_lookups = 0
        self.leaves_read = 0
        levels = set(cache_levels)
        nodes, level = self._leaves, 0
        while levels and level < max(levels) and len(nodes) > 1:
            nodes = [node_hash(a, b) for a, b in zip(nodes[0::2], nodes[1::2], strict=False)]
            level += 1
            if level in levels:
                self._cache.update(((level, index), h) for index, h in enumerate(nodes))

    @classmethod
    def from_entries(cls, entries: Iterable[bytes], cache_levels: Iterable[int] = ()) -> Self:
        """A source whose leaves are the RFC 6962 leaf hashes of `entries`."""
        return cls([leaf_hash(entry) for entry in entries], cache_levels)

    def __len__(self) -> int:
        return len(self._leaves)

    def leaf_hashes(self, start: int, end: int) -> list[bytes]:
        """The leaf hashes of leaves [start, end)."""
        if not 0 <= start <= end <= len(self._leaves):
            raise IndexError(f"leaves [{start}, {end}) are not all in a log of {len(self)}")
        self.leaves_read += end - start
        return self._leaves[start:end]

    def subtree(self, level: int, index: int) -> bytes | None:
        """The cached hash of perfect subtree (level, index), if its level is cached."""
        self.subtree_lookups += 1
        return self._cache.get((level, index))


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 6962 splits n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _perfect_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """The aligned perfect subtrees, largest first, that make up [start, end)."""
    pieces = []
    while start < end:
        level = (end - start).bit_length() - 1
        pieces.append((level, start >> level))
        start += 1 << level
    return pieces


def _perfect(src: HashSource, level: int, index: int) -> bytes:
    cached = src.subtree(level, index) if level else None
    return cached if cached is not None else _from_leaves(src, level, index)


def _from_leaves(src: HashSource, level: int, index: int) -> bytes:
    return _mth(_leaves(src, index << level, (index + 1) << level))


def _leaves(src: HashSource, start: int, end: int) -> list[bytes]:
    hashes = src.leaf_hashes(start, end)
    if len(hashes) != end - start:
        raise LookupError(f"asked for leaves [{start}, {end}), got {len(hashes)} hashes")
    return hashes


def _mth(hashes: list[bytes]) -> bytes:
    """RFC 6962 hash of a list of leaf hashes: pair up level by level, carrying an odd last node."""
    level = hashes
    while len(level) > 1:
        paired = [node_hash(a, b) for a, b in zip(level[0::2], level[1::2], strict=False)]
        level = [*paired, level[-1]] if len(level) % 2 else paired
    return level[0]
