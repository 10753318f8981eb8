"""The ledger browser: auditors and the head see entries, proofs, heads, key, last check."""

import pytest
from django.urls import reverse

from bodycam.ledger import heads
from bodycam.ledger.entries import Subject, record
from bodycam.ledger.models import Action, LedgerEntry

pytestmark = pytest.mark.django_db


def test_officers_are_refused_the_ledger_browser(client, officer):
    client.force_login(officer)
    assert client.get(reverse("ledger")).status_code == 403


def test_auditor_browses_and_filters_entries(client, auditor, officer):
    record(Action.EXPORT, Subject("recording", "42"), officer)
    client.force_login(auditor)
    page = client.get(reverse("ledger"), {"action": "export"}).content.decode()
    assert "导出" in page and "李明" in page
    assert '音像记录 <a href="/recordings/42/">42</a>' in page
    assert "recording 42" not in page  # kinds in the reader's language, not as stored
    assert heads.verifier_key() in page
    assert "尚未核验过" in page


def test_entry_page_shows_the_proof_and_the_offline_command(client, auditor):
    for i in range(5):
        record(Action.VIEW, None, None, i=i)
    heads.sign_head()
    client.force_login(auditor)
    page = client.get(reverse("ledger-entry", args=[2])).content.decode()
    assert "verify_offline.py inclusion" in page and "--index 2" in page
    assert heads.latest_head().note.split("\n")[2] in page


def test_verify_button_runs_the_check_and_shows_the_result(client, auditor):
    record(Action.VIEW, None, None)
    client.force_login(auditor)
    response = client.post(reverse("ledger-verify-now"), follow=True)
    page = response.content.decode()
    assert "核验通过" in page
    assert LedgerEntry.objects.filter(action=Action.VERIFICATION, actor_id=auditor.pk).exists()


def test_the_head_may_browse_but_not_start_a_check(client, head):
    client.force_login(head)
    assert client.get(reverse("ledger")).status_code == 200
    assert client.post(reverse("ledger-verify-now")).status_code == 403
