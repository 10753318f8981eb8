"""Jobs that exist only for tests (importable by a worker process started from the repo)."""

import time

from django_tasks import task


@task()
def take_a_while(n: int) -> int:
    """A job that lasts long enough for two workers to overlap."""
    time.sleep(0.05)
    return n
