"""Periodic jobs: each worker process queues what is due; the queue is shared, so with many
workers a job is queued once per interval (a rare double is harmless: jobs are idempotent)."""

import logging
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)


def periodic_jobs() -> list[tuple[Task[..., Any], timedelta]]:
    from bodycam.compliance.tasks import nightly
    from bodycam.ledger.tasks import fixity_check, sign_tree_head
    from bodycam.reports.tasks import monthly_reports
    from bodycam.retention.tasks import daily as retention_daily
    from bodycam.uploads.tasks import sweep_expired_uploads

    return [
        (sign_tree_head, timedelta(seconds=settings.LEDGER_SIGN_INTERVAL)),
        (fixity_check, timedelta(seconds=settings.FIXITY_INTERVAL)),
        (sweep_expired_uploads, timedelta(hours=1)),
        (nightly, timedelta(seconds=settings.COMPLIANCE_INTERVAL)),
        (retention_daily, timedelta(days=1)),
        (monthly_reports, timedelta(days=1)),
    ]


def enqueue_due() -> list[str]:
    """Queue every periodic job not queued within its interval; returns the queued paths."""
    queued = []
    for job, interval in periodic_jobs():
        recent = DBTaskResult.objects.filter(
            task_path=job.module_path, enqueued_at__gte=timezone.now() - interval
        )
        if not recent.exists():
            job.enqueue()
            queued.append(job.module_path)
    return queued


def run_forever(stop: threading.Event, tick: float = 30.0) -> None:
    """Queue due jobs every `tick` seconds until `stop` is set (a daemon thread of the worker)."""
    while not stop.is_set():
        try:
            enqueue_due()
        except Exception:  # the database may be briefly away; try again next tick
            log.exception("periodic job scheduling failed")
        finally:
            close_old_connections()
        stop.wait(tick)
