"""Follow-up jobs queued by ingest in the same transaction as the recording.

A job that fails is retried later with backoff (a new queued job, so it shows on the page as
"retrying"), up to MAX_ATTEMPTS; its failure never blocks other recordings' jobs. Workers
claim jobs with row locks (django-tasks-db), so two workers never run the same job.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from bodycam.recordings import processing
from bodycam.recordings.models import Recording

MAX_ATTEMPTS = 4
BACKOFF = timedelta(minutes=1)  # 1, 2, 4 minutes between attempts


@task()
def process_recording(recording_id: int, attempt: int = 1) -> dict:
    """Make the recording's thumbnail, timeline strip and playable proxy."""
    recording = Recording.objects.get(pk=recording_id)
    try:
        return processing.process(recording)
    except Exception:
        if attempt < MAX_ATTEMPTS:
            later = process_recording.using(run_after=timezone.now() + BACKOFF * 2 ** (attempt - 1))
            later.enqueue(recording_id, attempt + 1)
        raise
