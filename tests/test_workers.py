"""Many workers share one queue: each job runs exactly once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.jobs import take_a_while

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_worker_processes_never_run_the_same_job_twice(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several workers share a queue on PostgreSQL (SQLite has one writer)")
    for n in range(60):
        take_a_while.enqueue(n)
    db = connection.settings_dict
    env = dict(
        os.environ,
        BODYCAM_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bodycam", "worker", "--until-idle", "-v0"], env=env
        )
        for _ in range(2)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    rows = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert len(rows) == 60
    assert all(status == "SUCCESSFUL" and len(ids) == 1 for status, ids in rows)
    assert len({ids[0] for _, ids in rows}) == 2  # both workers took a share
