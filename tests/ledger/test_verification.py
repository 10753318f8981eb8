"""`bodycam ledger verify` finds every kind of tampering and names the first bad entry."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from bodycam.ledger import guards, heads
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry, LedgerState

pytestmark = pytest.mark.django_db


def _verify(capsys) -> tuple[int, dict]:
    code = 0
    try:
        call_command("ledger", "verify", as_json=True)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def _ledger_of(n: int, sign_every: int = 10) -> None:
    for i in range(n):
        record(Action.VIEW, None, None, i=i)
        if (i + 1) % sign_every == 0:
            heads.sign_head()


def _sql(statement: str, *params) -> None:
    guards.remove(connection)  # what an intruder with database access would do first
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_ledger_verifies_and_the_run_is_recorded(capsys):
    _ledger_of(30)
    code, report = _verify(capsys)
    assert code == 0
    assert report["ok"] and report["ledger"]["entries"] == 30 and report["ledger"]["heads"] == 3
    run = LedgerEntry.objects.get(seq=report["recorded_as"])
    assert run.action == Action.VERIFICATION and run.payload["ok"] is True


def test_a_changed_payload_is_found_at_its_sequence_number(capsys):
    _ledger_of(30)
    _sql("UPDATE ledger_ledgerentry SET payload_json = %s WHERE seq = 13", '{"i":99}')
    code, report = _verify(capsys)
    assert code == 1
    assert report["ledger"]["first_bad_seq"] == 13


def test_a_rewritten_entry_with_a_recomputed_leaf_breaks_the_signed_root(capsys):
    from bodycam.ledger.entries import canonical_bytes
    from bodycam.ledger.verify_offline import leaf_hash

    _ledger_of(30)
    entry = LedgerEntry.objects.get(seq=4)
    forged = leaf_hash(
        canonical_bytes(4, entry.time, None, "", "", "export", "", "", "", '{"i":4}')
    )
    _sql("UPDATE ledger_ledgerentry SET action = 'export', leaf_hash = %s WHERE seq = 4", forged)
    code, report = _verify(capsys)
    assert code == 1
    assert report["ledger"]["first_bad_seq"] <= 9  # the first signed head covering it fails
    assert any("根哈希不符" in p for p in report["ledger"]["problems"])


def test_a_deleted_entry_is_found(capsys):
    _ledger_of(30)
    _sql("DELETE FROM ledger_ledgerentry WHERE seq = 21")
    code, report = _verify(capsys)
    assert code == 1
    assert report["ledger"]["first_bad_seq"] == 21


def test_two_reordered_entries_are_found(capsys):
    _ledger_of(30)
    _sql("UPDATE ledger_ledgerentry SET seq = -1 WHERE seq = 5")
    _sql("UPDATE ledger_ledgerentry SET seq = 5 WHERE seq = 6")
    _sql("UPDATE ledger_ledgerentry SET seq = 6 WHERE seq = -1")
    code, report = _verify(capsys)
    assert code == 1
    assert report["ledger"]["first_bad_seq"] == 5


def test_a_swapped_signature_is_found(capsys):
    _ledger_of(30)
    first, second = heads.latest_head(), None
    from bodycam.ledger.models import SignedHead

    older = SignedHead.objects.order_by("tree_size").first()
    second = older
    sig_first = first.note.split("\n\n")[1]
    sig_second = second.note.split("\n\n")[1]
    _sql(
        "UPDATE ledger_signedhead SET note = %s WHERE id = %s",
        first.note.split("\n\n")[0] + "\n\n" + sig_second,
        first.pk,
    )
    assert sig_first != sig_second
    code, report = _verify(capsys)
    assert code == 1
    assert report["ledger"]["first_bad_seq"] == first.tree_size
    assert any("签名无效" in p for p in report["ledger"]["problems"])


def test_the_human_summary_says_failed_and_names_the_entry(capsys):
    _ledger_of(12)
    _sql("UPDATE ledger_ledgerentry SET actor_name = 'x' WHERE seq = 3")
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger", "verify")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "核验失败" in out and "第一个问题条目 3" in out and "first bad entry 3" in out


def test_bodycam_verify_includes_the_ledger_and_records_its_run(capsys):
    _ledger_of(5)
    call_command("verify", as_json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["ledger"]["entries"] == 5
    assert LedgerEntry.objects.filter(action=Action.VERIFICATION).count() == 1


def test_an_entry_stamped_on_a_whole_second_verifies(capsys):
    from datetime import UTC, datetime

    from bodycam.ledger.entries import canonical_bytes
    from bodycam.ledger.verify_offline import leaf_hash

    _ledger_of(3)
    moment = datetime(2026, 11, 27, 9, 0, 0, 0, tzinfo=UTC)  # stored without a fraction
    data = canonical_bytes(3, moment, None, "", "", "view", "", "", "", "{}")
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                seq=3, time=moment, action="view", payload_json="{}", leaf_hash=leaf_hash(data)
            )
        ]
    )
    LedgerState.objects.update(next_seq=4)
    code, report = _verify(capsys)
    assert code == 0, report
