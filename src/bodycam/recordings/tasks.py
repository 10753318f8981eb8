"""Follow-up jobs queued by ingest in the same transaction as the recording.

A job that fails is retried later with backoff (a new queued job, so it shows on the page as
"retrying"), up to jobs.MAX_ATTEMPTS; its failure never blocks other recordings' jobs. Workers
claim jobs with row locks (django-tasks-db), so two workers never run the same job; each
attempt keeps the recording's ProcessingJob row up to date.
"""

from django_tasks import task

from bodycam.recordings import jobs, processing
from bodycam.recordings.models import Recording


@task()
def process_recording(recording_id: int, attempt: int = 1) -> dict:
    """Make the recording's thumbnail, timeline strip and playable proxy."""
    recording = Recording.objects.get(pk=recording_id)
    jobs.started(recording_id, attempt)
    try:
        report, unavailable = processing.process(recording)
    except Exception as error:
        retry_at = jobs.failed(recording_id, attempt, error)
        if retry_at is not None:
            process_recording.using(run_after=retry_at).enqueue(recording_id, attempt + 1)
        raise
    jobs.succeeded(recording_id, report, unavailable)
    return report
