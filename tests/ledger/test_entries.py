"""Writing the ledger: one function, canonical bytes, append-only by model and by database."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from bodycam.ledger import heads
from bodycam.ledger.entries import Subject, canonical_bytes, canonical_json, entry_bytes, record
from bodycam.ledger.models import Action, ImmutableRowError, LedgerEntry, LedgerSubtree, SignedHead
from bodycam.ledger.verify_offline import leaf_hash

pytestmark = pytest.mark.django_db


def test_record_writes_a_numbered_entry_with_a_copy_of_the_actor(officer):
    first = record(Action.VIEW, Subject("recording", "7", "ab" * 32), officer, reason="复核")
    second = record(Action.VERIFICATION, None, None, ok=True)
    assert second.seq == first.seq + 1
    stored = LedgerEntry.objects.get(seq=first.seq)
    assert (stored.actor_name, stored.actor_badge) == ("李明", "JX0227")
    assert stored.subject_sha256 == "ab" * 32
    assert stored.payload == {"reason": "复核"}
    assert bytes(stored.leaf_hash) == leaf_hash(entry_bytes(stored))


def test_the_actor_copy_survives_a_later_rename(officer):
    entry = record(Action.VIEW, None, officer)
    officer.full_name = "改名"
    officer.save()
    assert LedgerEntry.objects.get(seq=entry.seq).actor_name == "李明"


def test_canonical_bytes_are_sorted_compact_utf8_json(officer):
    entry = record(Action.VIEW, Subject("recording", "7"), officer, b=[1, 2.5], a="中文")
    document = json.loads(entry_bytes(entry))
    assert list(document) == sorted(document)
    assert document["payload"] == {"a": "中文", "b": [1, 2.5]}
    assert document["time"].endswith("Z")
    assert b" " not in entry_bytes(entry).replace("中文".encode(), b"")
    assert "中文".encode() in entry_bytes(entry)  # UTF-8, not \\u escapes


text = st.text(max_size=20)
payloads = st.dictionaries(
    text,
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | text,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3)
        ),
        max_leaves=8,
    ),
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(seq=st.integers(0, 2**62), name=text, badge=text, kind=text, sid=text, payload=payloads)
def test_hand_built_bytes_equal_json_dumps_of_the_document(seq, name, badge, kind, sid, payload):
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 27, 8, 51, 6, 123456, tzinfo=UTC)
    payload_json = canonical_json(payload)
    built = canonical_bytes(seq, moment, 5, name, badge, "view", kind, sid, "", payload_json)
    document = {
        "action": "view",
        "actor": {"badge": badge, "id": 5, "name": name},
        "payload": json.loads(payload_json),
        "seq": seq,
        "subject": {"id": sid, "kind": kind, "sha256": ""},
        "time": "2026-11-27T08:51:06.123456Z",
        "v": 1,
    }
    expected = canonical_json(document).encode("utf-8")
    assert built == expected


def test_undecodable_file_names_are_escaped_not_lost():
    name = b"bad\xffname.mp4".decode("utf-8", "surrogateescape")
    entry = record(Action.INGEST, None, None, path=name)
    assert "\\udcff" in entry.payload_json
    assert entry.payload["path"] == name


def test_an_entry_in_a_rolled_back_transaction_leaves_no_trace_and_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = record(Action.VIEW, None, None)
        raise RuntimeError("the domain change failed")
    assert not LedgerEntry.objects.filter(seq=lost.seq).exists()
    assert record(Action.VIEW, None, None).seq == lost.seq


def test_the_model_refuses_changes_and_deletions():
    entry = record(Action.VIEW, None, None, n=1)
    entry.payload_json = '{"n":2}'
    with pytest.raises(ImmutableRowError):
        entry.save()
    with pytest.raises(ImmutableRowError):
        entry.delete()
    with pytest.raises(ImmutableRowError):
        LedgerEntry.objects.filter(seq=entry.seq).update(action="export")
    with pytest.raises(ImmutableRowError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get(seq=entry.seq).payload == {"n": 1}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_ledgerentry SET payload_json = '{}' WHERE seq = 0",
        "DELETE FROM ledger_ledgerentry WHERE seq = 0",
        "UPDATE ledger_signedhead SET tree_size = 99",
        "DELETE FROM ledger_ledgersubtree",
    ],
)
def test_the_database_refuses_raw_sql_changes(sql):
    for n in range(256):  # enough for a cached subtree
        record(Action.VIEW, None, None, n=n)
    heads.sign_head()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LedgerEntry.objects.count() == 256
    assert LedgerEntry.objects.get(seq=0).payload == {"n": 0}
    assert (SignedHead.objects.get().tree_size, LedgerSubtree.objects.count()) == (256, 1)


def test_the_database_refuses_truncate_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    record(Action.VIEW, None, None)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE ledger_ledgerentry")
    assert LedgerEntry.objects.count() == 1


def test_subject_of_a_model_names_its_kind_and_id(officer):
    assert Subject.of(officer) == Subject("user", str(officer.pk), "")
