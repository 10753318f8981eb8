"""The stored ledger's Merkle tree: roots and proofs from the database match the reference."""

import pytest

from bodycam.ledger import merkle, tree
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry, LedgerSubtree
from bodycam.ledger.verify_offline import verify_consistency, verify_inclusion

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[bytes]:
    for i in range(n):
        record(Action.VIEW, None, None, i=i)
    return [
        bytes(h) for h in LedgerEntry.objects.order_by("seq").values_list("leaf_hash", flat=True)
    ]


def test_roots_and_proofs_from_the_database_match_the_reference_and_verify():
    leaves = _append(600)
    reference = merkle.ListHashSource(leaves)
    tree.extend_cache(500)  # part of the log cached, the tail not
    for size in (1, 2, 255, 256, 257, 512, 513, 600):
        root = tree.root(size)
        assert root == merkle.root(reference, size)
        for seq in {0, size // 2, size - 1}:
            verify_inclusion(leaves[seq], seq, size, tree.inclusion_proof(seq, size), root)
    for first, second in ((1, 600), (255, 256), (256, 513), (300, 600), (600, 600)):
        proof = tree.consistency_proof(first, second)
        verify_consistency(first, second, proof, tree.root(first), tree.root(second))


def test_the_cache_holds_exactly_the_completed_subtrees():
    leaves = _append(520)
    assert tree.extend_cache(520) == 3  # two blocks of 256 at level 8, their parent at level 9
    assert set(LedgerSubtree.objects.values_list("level", "index")) == {(8, 0), (8, 1), (9, 0)}
    assert tree.cached_size() == 512
    assert tree.extend_cache(520) == 0  # idempotent
    reference = merkle.ListHashSource(leaves)
    for level, index, digest in LedgerSubtree.objects.values_list("level", "index", "hash"):
        assert bytes(digest) == merkle.subtree_hash(reference, index << level, (index + 1) << level)


def test_a_proof_reads_few_rows(django_assert_max_num_queries):
    _append(1100)
    tree.extend_cache(1100)
    with django_assert_max_num_queries(2):
        tree.inclusion_proof(700, 1100)
