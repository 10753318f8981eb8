"""Project-wide background tasks."""

from django.utils import timezone
from django_tasks import task


@task()
def heartbeat(note: str) -> dict[str, str]:
    """A trivial job: proves that a queued job runs in a worker. Returns what it was given."""
    return {"note": note, "ran_at": timezone.now().isoformat()}
