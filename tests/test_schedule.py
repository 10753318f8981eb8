"""The worker's schedule queues periodic jobs once per interval; the jobs do their work."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bodycam import schedule
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry, SignedHead
from bodycam.reports.models import MonthlyReport

pytestmark = pytest.mark.django_db(transaction=True)


def test_due_jobs_are_queued_once_per_interval_and_run():
    record(Action.VIEW, None, None)
    queued = schedule.enqueue_due()
    assert queued == [
        "bodycam.ledger.tasks.sign_tree_head",
        "bodycam.ledger.tasks.fixity_check",
        "bodycam.uploads.tasks.sweep_expired_uploads",
        "bodycam.compliance.tasks.nightly",
        "bodycam.retention.tasks.daily",
        "bodycam.reports.tasks.monthly_reports",
    ]
    assert schedule.enqueue_due() == []  # not due again yet
    call_command("worker", until_idle=True, verbosity=0)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 6
    assert MonthlyReport.objects.filter(unit=None).count() == 1  # last month's, for the bureau
    assert SignedHead.objects.get().tree_size >= 1
    check = LedgerEntry.objects.get(action=Action.VERIFICATION)
    assert check.payload["ok"] is True and check.payload["trigger"] == "fixity task"
