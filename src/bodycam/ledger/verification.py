"""Checking the whole ledger: every leaf recomputed from its stored entry, every cached subtree,
every signed head's root and signature, and consistency between consecutive heads.

Nothing is ever repaired: a problem is reported with the first bad sequence number.
"""

import hmac
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from bodycam.ledger import heads, tree
from bodycam.ledger.entries import canonical_bytes
from bodycam.ledger.merkle import EMPTY_ROOT
from bodycam.ledger.models import LedgerEntry, LedgerSubtree, SignedHead
from bodycam.ledger.verify_offline import (
    Checkpoint,
    VerificationError,
    leaf_hash,
    node_hash,
    parse_checkpoint,
    verify_consistency,
    verify_note,
)
from bodycam.lib.errors import bilingual

CHUNK = 20_000
# The entry's time already in canonical form (entries.format_time), made by the database:
# converting a million datetimes in Python would cost more than hashing the entries.
_CANONICAL_TIME = {
    "sqlite": (
        "replace(time, ' ', 'T') || CASE WHEN length(time) = 19 THEN '.000000Z' ELSE 'Z' END"
    ),
    "postgresql": """to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
}


@dataclass
class LedgerReport:
    """What a verification found; `ok` only when `problems` is empty."""

    entries: int = 0
    heads: int = 0
    subtrees: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str, seq: int | None = None) -> None:
        self.problems.append(message)
        if seq is not None and (self.first_bad_seq is None or seq < self.first_bad_seq):
            self.first_bad_seq = seq

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "heads": self.heads,
            "subtrees": self.subtrees,
            "first_bad_seq": self.first_bad_seq,
            "problems": self.problems[:50],
        }


class _CompactRange:
    """The Merkle tree of a growing prefix, kept as the roots of its perfect subtrees."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (level, hash), largest first
        self.size = 0
        self.completed: list[tuple[int, int, bytes]] = []  # (level, index, hash)

    def append(self, leaf: bytes) -> None:
        level, digest = 0, leaf
        while self.stack and self.stack[-1][0] == level:
            digest = node_hash(self.stack.pop()[1], digest)
            level += 1
            if level >= tree.CACHE_LEVEL:
                self.completed.append((level, (self.size + 1 >> level) - 1, digest))
        self.stack.append((level, digest))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        digest = self.stack[-1][1]
        for _level, left in reversed(self.stack[:-1]):
            digest = node_hash(left, digest)
        return digest


def verify_ledger() -> LedgerReport:
    """Recompute everything from the stored entries and compare with what is stored and signed."""
    report = LedgerReport()
    head_list = list(SignedHead.objects.order_by("tree_size", "signed_at"))
    cached = {
        (level, index): bytes(digest)
        for level, index, digest in LedgerSubtree.objects.values_list("level", "index", "hash")
    }
    report.subtrees = len(cached)
    tree_state = _CompactRange()
    roots_at: dict[int, bytes | None] = {head.tree_size: None for head in head_list}
    if 0 in roots_at:
        roots_at[0] = tree_state.root()
    for row in _stored_entries():
        seq, stored_leaf = row[0], bytes(row[-1])
        if seq != tree_state.size:
            gap = _("序号不连续：应为 %(expected)s，实为 %(seq)s")
            report.fail(bilingual(gap, expected=tree_state.size, seq=seq), seq)
            break
        computed = leaf_hash(canonical_bytes(*row[:-1]))
        if not hmac.compare_digest(computed, stored_leaf):
            report.fail(bilingual(_("条目 %(seq)s 的内容与其叶哈希不符"), seq=seq), seq)
        tree_state.append(stored_leaf)
        for level, index, digest in tree_state.completed:
            if (level, index) in cached and cached.pop((level, index)) != digest:
                wrong = bilingual(_("缓存子树 %(level)s/%(index)s 不符"), level=level, index=index)
                report.fail(wrong, index << level)
        tree_state.completed.clear()
        if tree_state.size in roots_at:
            roots_at[tree_state.size] = tree_state.root()
    report.entries = tree_state.size
    for level, index in cached:
        beyond = bilingual(_("缓存子树 %(level)s/%(index)s 超出日志"), level=level, index=index)
        report.fail(beyond, index << level)
    _check_heads(report, head_list, roots_at)
    return report


def _stored_entries():
    """Every stored entry in sequence order: the arguments of canonical_bytes, then the stored
    leaf hash (time comes as canonical text)."""
    time_sql = _CANONICAL_TIME[connection.vendor]
    sql = (
        f"SELECT seq, {time_sql}, actor_id, actor_name, actor_badge, action, subject_kind, "
        f"subject_id, subject_sha256, payload_json, leaf_hash "
        f"FROM {LedgerEntry._meta.db_table} ORDER BY seq"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def _check_heads(report: LedgerReport, head_list: list[SignedHead], roots_at: dict) -> None:
    vkey = heads.verifier_key()
    previous: Checkpoint | None = None
    for head in head_list:
        report.heads += 1
        try:
            checkpoint = parse_checkpoint(verify_note(head.note, vkey))
        except VerificationError as exc:
            bad = bilingual(_("树头 %(size)s 签名无效"), size=head.tree_size)
            report.fail(f"{bad}: {exc}", head.tree_size)
            continue
        if (checkpoint.origin, checkpoint.size, checkpoint.root_hash) != (
            heads.origin(),
            head.tree_size,
            bytes(head.root_hash),
        ):
            altered = bilingual(_("树头 %(size)s 与其签名内容不符"), size=head.tree_size)
            report.fail(altered, head.tree_size)
            continue
        root = roots_at.get(checkpoint.size)
        if root is None:
            report.fail(
                bilingual(
                    _("树头 %(size)s 超出现有 %(entries)s 条"),
                    size=checkpoint.size,
                    entries=report.entries,
                ),
                report.entries,
            )
            continue
        if not hmac.compare_digest(root, checkpoint.root_hash):
            mismatch = bilingual(_("树头 %(size)s 的根哈希不符"), size=checkpoint.size)
            report.fail(mismatch, checkpoint.size - 1)
            continue
        if previous is not None and previous.size > 0:
            _check_consistency(report, previous, checkpoint)
        previous = checkpoint


def _check_consistency(report: LedgerReport, old: Checkpoint, new: Checkpoint) -> None:
    try:
        proof = tree.consistency_proof(old.size, new.size)
        verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    except (VerificationError, ValueError, LookupError) as exc:
        inconsistent = bilingual(_("树头 %(old)s→%(new)s 不一致"), old=old.size, new=new.size)
        report.fail(f"{inconsistent}: {exc}", new.size)
