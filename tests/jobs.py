"""Jobs that exist only for tests (importable by a worker process started from the repo)."""

import time

from django_tasks import task


@task()
def take_a_while(n: int) -> int:
    """A job that lasts long enough for two workers to overlap."""
    time.sleep(0.05)
    return n


def run_jobs() -> None:
    """Run every queued job now, as `bodycam worker --until-idle` would."""
    from django.core.management import call_command

    call_command("worker", until_idle=True, verbosity=0)


def ingests_settled(timeout: float = 60.0) -> None:
    """Wait until the background worker has ingested every completed upload."""
    from bodycam.uploads.models import Status, Upload

    deadline = time.monotonic() + timeout
    while Upload.objects.filter(status=Status.COMPLETE).exists():
        assert time.monotonic() < deadline, "the worker did not ingest the upload in time"
        time.sleep(0.05)
