"""Properties of the ledger's Merkle prover: for any log and any subtree cache, every proof is
the one RFC 6962 section 2.1 defines and verifies, a flipped bit fails it, the cache grows with
the log, and a proof costs O(log n) lookups however big the log is.
"""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bodycam.ledger import merkle
from bodycam.ledger.verify_offline import (
    VerificationError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def flip(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- the prover against RFC 6962 as written ---------------------------------------------------


class Reference:
    """RFC 6962 section 2.1 transcribed literally (MTH, PATH, PROOF, SUBPROOF), memoised."""

    def __init__(self, entries):
        self.d = [leaf_hash(e) for e in entries]
        self.memo = {}

    @staticmethod
    def k(n):
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def mth(self, lo, hi):
        if (lo, hi) not in self.memo:
            if hi - lo == 1:
                self.memo[lo, hi] = self.d[lo]
            else:
                k = self.k(hi - lo)
                self.memo[lo, hi] = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        return self.memo[lo, hi]

    def path(self, m, lo, hi):
        if hi - lo == 1:
            return []
        k = self.k(hi - lo)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m, lo, hi, b):
        if m == hi - lo:
            return [] if b else [self.mth(lo, hi)]
        k = self.k(hi - lo)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]


@st.composite
def entry_lists(draw):
    """1 to 300 entries of 0 to 12 bytes: the size is drawn evenly, the bytes from a seed."""
    size, seed = draw(st.integers(1, 300)), draw(st.binary(max_size=8))
    return [hashlib.sha256(seed + i.to_bytes(2, "big")).digest()[: i % 13] for i in range(size)]


cache_level_sets = st.sets(st.integers(min_value=1, max_value=9))


@settings(database=None, max_examples=60, deadline=None)
@given(entries=entry_lists(), cache_levels=cache_level_sets)
def test_every_proof_matches_rfc6962_and_verifies(entries, cache_levels):
    ref = Reference(entries)
    src = merkle.ListHashSource(ref.d, cache_levels)
    n = len(entries)
    root = merkle.root(src, n)
    assert root == ref.mth(0, n)
    for i in range(n):
        proof = merkle.inclusion_proof(src, i, n)
        assert proof == ref.path(i, 0, n)
        verify_inclusion(ref.d[i], i, n, proof, root)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(src, m, n)
        assert proof == ref.subproof(m, 0, n, True)
        verify_consistency(m, n, proof, merkle.root(src, m), root)


@settings(database=None, max_examples=200, deadline=None)
@given(entries=entry_lists(), data=st.data())
def test_a_flipped_bit_fails_an_inclusion_proof(entries, data):
    src = merkle.ListHashSource.from_entries(entries, range(1, 10))
    n = len(entries)
    i = data.draw(st.integers(0, n - 1), label="index")
    leaf, proof, root = (
        leaf_hash(entries[i]),
        merkle.inclusion_proof(src, i, n),
        merkle.root(src, n),
    )
    targets = ["leaf", "root"] + (["proof"] if proof else [])
    target = data.draw(st.sampled_from(targets), label="target")
    bit = data.draw(st.integers(0, 255), label="bit")
    if target == "leaf":
        leaf = flip(leaf, bit)
    elif target == "root":
        root = flip(root, bit)
    else:
        j = data.draw(st.integers(0, len(proof) - 1), label="component")
        proof[j] = flip(proof[j], bit)
    with pytest.raises(VerificationError):
        verify_inclusion(leaf, i, n, proof, root)


@settings(database=None, max_examples=200, deadline=None)
@given(entries=entry_lists(), data=st.data())
def test_a_flipped_bit_fails_a_consistency_proof(entries, data):
    src = merkle.ListHashSource.from_entries(entries, range(1, 10))
    n = len(entries)
    m = data.draw(st.integers(1, n), label="size1")
    proof = merkle.consistency_proof(src, m, n)
    roots = [merkle.root(src, m), merkle.root(src, n)]
    target = data.draw(st.sampled_from(["root1", "root2"] + (["proof"] if proof else [])))
    bit = data.draw(st.integers(0, 255), label="bit")
    if target == "proof":
        j = data.draw(st.integers(0, len(proof) - 1), label="component")
        proof[j] = flip(proof[j], bit)
    else:
        which = int(target == "root2")
        roots[which] = flip(roots[which], bit)
    with pytest.raises(VerificationError):
        verify_consistency(m, n, proof, *roots)


@settings(database=None, max_examples=150, deadline=None)
@given(entries=entry_lists(), cache_levels=cache_level_sets, data=st.data())
def test_subtree_hash_is_the_same_with_any_cache(entries, cache_levels, data):
    start = data.draw(st.integers(0, len(entries) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(entries)), label="end")
    cached = merkle.ListHashSource.from_entries(entries, cache_levels)
    uncached = merkle.ListHashSource.from_entries(entries)
    assert merkle.subtree_hash(cached, start, end) == merkle.subtree_hash(uncached, start, end)
    assert merkle.subtree_hash(uncached, start, end) == Reference(entries[start:end]).mth(
        0, end - start
    )


def test_the_empty_tree_and_bad_ranges():
    src = merkle.ListHashSource.from_entries([b"a", b"b"])
    assert merkle.root(src, 0).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    for call in [
        lambda: merkle.subtree_hash(src, 1, 1),
        lambda: merkle.inclusion_proof(src, 2, 2),
        lambda: merkle.consistency_proof(src, 0, 2),
        lambda: merkle.consistency_proof(src, 2, 1),
        lambda: merkle.new_perfect_subtrees(3, 2, 1),
        lambda: merkle.new_perfect_subtrees(2, 3, 0),
    ]:
        with pytest.raises(ValueError):
            call()


def test_a_source_that_loses_leaves_is_an_error():
    class Lossy(merkle.ListHashSource):
        def leaf_hashes(self, start, end):
            return super().leaf_hashes(start, end)[:-1]

    with pytest.raises(LookupError):
        merkle.root(Lossy.from_entries([b"a", b"b", b"c"]), 3)


# --- growing the cache with the log ----------------------------------------------------------


class GrowingSource:
    """What the database layer does: leaves appended, complete subtrees cached as they appear."""

    def __init__(self):
        self.leaves: list[bytes] = []
        self.cache: dict[tuple[int, int], bytes] = {}
        self.leaves_read = 0

    def leaf_hashes(self, start, end):
        self.leaves_read += end - start
        return self.leaves[start:end]

    def subtree(self, level, index):
        return self.cache.get((level, index))


@settings(database=None, max_examples=60, deadline=None)
@given(batches=st.lists(st.integers(0, 70), max_size=12), min_level=st.integers(1, 4))
def test_new_subtree_hashes_keeps_every_complete_subtree_cached(batches, min_level):
    src, entries = GrowingSource(), []
    for batch in batches:
        old = len(entries)
        entries += [f"entry {old + j}".encode() for j in range(batch)]
        src.leaves = [leaf_hash(e) for e in entries]
        src.leaves_read = 0
        made = merkle.new_subtree_hashes(src, old, len(entries), min_level)
        positions = [(level, index) for level, index, _ in made]
        assert positions == merkle.new_perfect_subtrees(old, len(entries), min_level)
        lowest = sum(1 for level, _ in positions if level == min_level)
        assert src.leaves_read == lowest << min_level  # higher levels come from the cache
        src.cache.update(((level, index), h) for level, index, h in made)
        expected = {
            (level, index)
            for level in range(min_level, 64)
            for index in range(len(entries) >> level)
        }
        assert set(src.cache) == expected
    ref = Reference(entries)
    for (level, index), digest in src.cache.items():
        assert digest == ref.mth(index << level, (index + 1) << level)


# --- cost at scale ---------------------------------------------------------------------------


class UniformSource:
    """A virtual log of identical leaves with every complete subtree of min_level and up cached.

    Identical leaves make every subtree hash a function of its level alone, so a tree of ten
    million leaves costs nothing to build and its proofs still verify.
    """

    def __init__(self, size, min_level):
        self.size, self.min_level = size, min_level
        self.by_level = [leaf_hash(b"the same entry")]
        for _ in range(64):
            self.by_level.append(node_hash(self.by_level[-1], self.by_level[-1]))
        self.subtree_lookups = self.leaves_read = 0

    def leaf_hashes(self, start, end):
        assert 0 <= start <= end <= self.size
        self.leaves_read += end - start
        return [self.by_level[0]] * (end - start)

    def subtree(self, level, index):
        self.subtree_lookups += 1
        complete = (index + 1) << level <= self.size
        return self.by_level[level] if level >= self.min_level and complete else None


MIN_LEVEL = 8


@pytest.mark.parametrize("size", [1_000_000, 10_000_019])
def test_proofs_in_a_big_log_cost_log_n_lookups(size):
    root = merkle.root(UniformSource(size, MIN_LEVEL), size)
    log_n = size.bit_length()
    for index in [0, 1, 255, 256, 99_999, size // 2, size - 300, size - 1]:
        src = UniformSource(size, MIN_LEVEL)
        proof = merkle.inclusion_proof(src, index, size)
        assert src.subtree_lookups <= 2 * log_n
        assert src.leaves_read < 2 << MIN_LEVEL
        verify_inclusion(src.by_level[0], index, size, proof, root)
    for size1 in [1, 256, 257, 65_537, size // 3, size - 1]:
        src = UniformSource(size, MIN_LEVEL)
        proof = merkle.consistency_proof(src, size1, size)
        assert src.subtree_lookups <= 3 * log_n
        assert src.leaves_read < 2 << MIN_LEVEL
        verify_consistency(size1, size, proof, merkle.root(src, size1), root)


def test_proofs_with_a_cache_from_level_8_read_few_leaves():
    entries = [i.to_bytes(4, "big") for i in range((1 << 16) + 1234)]
    src = merkle.ListHashSource.from_entries(entries, range(MIN_LEVEL, 20))
    n = len(entries)
    root = merkle.root(src, n)
    for index in [0, 300, 40_000, n - 1]:
        src.subtree_lookups = src.leaves_read = 0
        proof = merkle.inclusion_proof(src, index, n)
        assert src.subtree_lookups <= 2 * n.bit_length()
        assert src.leaves_read < 2 << MIN_LEVEL
        verify_inclusion(leaf_hash(entries[index]), index, n, proof, root)
