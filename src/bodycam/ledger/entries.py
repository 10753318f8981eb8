"""Writing the custody ledger: `record()` is the one way in, called inside the caller's
transaction so that a change and its ledger entry commit together or not at all."""

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from bodycam.ledger.models import Action, LedgerEntry, LedgerState
from bodycam.ledger.verify_offline import leaf_hash

CANONICAL_VERSION = 1
_encode_string = json.encoder.encode_basestring  # the same escaping json.dumps uses


@dataclass(frozen=True)
class Subject:
    """What an entry is about: a kind (e.g. "recording"), its id, and its content hash if any."""

    kind: str
    id: str
    sha256: str = ""

    @classmethod
    def of(cls, thing: "Subject | models.Model | None") -> "Subject":
        if thing is None:
            return cls("", "")
        if isinstance(thing, Subject):
            return thing
        kind = thing._meta.model_name
        assert kind is not None  # set on every model class Django prepared
        return cls(kind, str(thing.pk), getattr(thing, "sha256", "") or "")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant whitespace, as UTF-8 text.

    Strings that cannot be UTF-8 (lone surrogates from undecodable file names) are escaped.
    """
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text


def format_time(moment: datetime) -> str:
    """UTC with microseconds and a Z, the form used inside canonical bytes."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(
    seq: int,
    time: datetime | str,
    actor_id: int | None,
    actor_name: str,
    actor_badge: str,
    action: str,
    subject_kind: str,
    subject_id: str,
    subject_sha256: str,
    payload_json: str,
) -> bytes:
    """The bytes hashed into the Merkle tree for one entry.

    Equal to canonical_json() of {"action", "actor": {"badge", "id", "name"}, "payload", "seq",
    "subject": {"id", "kind", "sha256"}, "time", "v"}; built by hand because verification
    rebuilds millions of them (the tests prove the two forms agree). `time` may be given
    already formatted, as verification gets it from the database.
    """
    actor = "null" if actor_id is None else str(int(actor_id))
    when = time if isinstance(time, str) else format_time(time)
    return (
        f'{{"action":{_encode_string(action)},'
        f'"actor":{{"badge":{_encode_string(actor_badge)},"id":{actor},'
        f'"name":{_encode_string(actor_name)}}},'
        f'"payload":{payload_json},"seq":{int(seq)},'
        f'"subject":{{"id":{_encode_string(subject_id)},"kind":{_encode_string(subject_kind)},'
        f'"sha256":{_encode_string(subject_sha256)}}},'
        f'"time":"{when}","v":{CANONICAL_VERSION}}}'
    ).encode()


def entry_bytes(entry: LedgerEntry) -> bytes:
    """The canonical bytes of a stored entry."""
    return canonical_bytes(
        entry.seq,
        entry.time,
        entry.actor_id,
        entry.actor_name,
        entry.actor_badge,
        entry.action,
        entry.subject_kind,
        entry.subject_id,
        entry.subject_sha256,
        entry.payload_json,
    )


def record(
    action: Action | str,
    subject: Subject | models.Model | None = None,
    actor: Any = None,
    **payload: Any,
) -> LedgerEntry:
    """Append one entry, in the caller's transaction (or its own, if there is none).

    `actor` is a user or None for the system; their name and badge number are copied so that
    the entry stays readable whatever later happens to the account.
    """
    return record_many([(action, subject, actor, payload)])[0]


Item = tuple[Action | str, Subject | models.Model | None, Any, dict[str, Any]]


def record_many(items: list[Item]) -> list[LedgerEntry]:
    """Append several entries, in the order given, through the same path as `record`: one
    reservation of consecutive sequence numbers and one INSERT (a nightly run that finds
    thousands of breaches writes their entries per batch)."""
    if not items:
        return []
    with transaction.atomic(savepoint=False):  # all or nothing with the caller's change
        first = _take_sequence_numbers(len(items))
        now = timezone.now()
        entries = [
            _entry(first + offset, now, action, subject, actor, payload)
            for offset, (action, subject, actor, payload) in enumerate(items)
        ]
        LedgerEntry.objects.bulk_create(entries)
    return entries


def _entry(seq: int, now: Any, action: Action | str, subject: Any, actor: Any,
           payload: dict[str, Any]) -> LedgerEntry:  # fmt: skip
    about = Subject.of(subject)
    entry = LedgerEntry(
        seq=seq,
        time=now,
        actor_id=getattr(actor, "pk", None),
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")),
        actor_badge=getattr(actor, "badge_number", None) or "",
        action=Action(action).value,
        subject_kind=about.kind,
        subject_id=about.id,
        subject_sha256=about.sha256,
        payload_json=canonical_json(payload),
    )
    entry.leaf_hash = leaf_hash(entry_bytes(entry))
    return entry


def _take_sequence_numbers(count: int) -> int:
    """The first of `count` consecutive sequence numbers. The UPDATE locks the state row until
    the caller's transaction ends, so appends are serialised and numbers are gap-free."""
    table = LedgerState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_seq = next_seq + %s WHERE id = 1 RETURNING next_seq - %s",
            [count, count],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    # The state row is made by a migration; a database emptied wholesale (tests) lacks it.
    with contextlib.suppress(IntegrityError), transaction.atomic():
        LedgerState.objects.create(pk=1, next_seq=stored_size())
    return _take_sequence_numbers(count)


def stored_size() -> int:
    """How many entries are committed (they always form the prefix 0 … size-1)."""
    last = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return 0 if last is None else last + 1
