"""Background jobs: queued in the caller's transaction, run by `bodycam worker --until-idle`."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from bodycam.tasks import heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_queued_in_a_transaction_runs_in_the_worker():
    with transaction.atomic():
        result = heartbeat.enqueue("from the test")
    call_command("worker", until_idle=True, verbosity=0)
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value["note"] == "from the test"


def test_a_job_queued_in_a_rolled_back_transaction_never_exists():
    with pytest.raises(RuntimeError), transaction.atomic():
        heartbeat.enqueue("lost with the transaction")
        raise RuntimeError("the domain change failed")
    assert not DBTaskResult.objects.exists()
