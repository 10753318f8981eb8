"""A recording's follow-up job: queued with the recording, its state kept in ProcessingJob by
the job itself, and shown on the recording's page as a person reads it."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodycam.recordings.models import JobState, ProcessingJob, Recording

MAX_ATTEMPTS = 4
BACKOFF = timedelta(minutes=1)  # 1, 2, 4 minutes between attempts
# What a failure means for the person reading the page (the technical line is shown too).
READABLE = {
    "FileNotFoundError": _("原始文件暂时无法读取（存储不可达或文件缺失），稍后自动重试。"),
    "PermissionError": _("原始文件无法读取（没有读取权限），请联系系统管理员。"),
    "OSError": _("读写存储时出错，稍后自动重试。"),
}
UNEXPECTED = _("处理时出错，稍后自动重试；多次失败请联系系统管理员。")


def queue(recording: Recording) -> ProcessingJob:
    """Queue the recording's processing, in the caller's transaction (with the recording)."""
    from bodycam.recordings.tasks import process_recording

    job, _made = ProcessingJob.objects.update_or_create(
        recording=recording,
        defaults={"state": JobState.QUEUED, "queued_at": timezone.now(), "retry_at": None},
    )
    process_recording.enqueue(recording.pk)
    return job


def started(recording_id: int, attempt: int) -> None:
    ProcessingJob.objects.filter(recording_id=recording_id).update(
        state=JobState.RUNNING, attempts=attempt
    )


def succeeded(recording_id: int, report: dict, unavailable: list[str]) -> None:
    ProcessingJob.objects.filter(recording_id=recording_id).update(
        state=JobState.DONE, report=report, unavailable=unavailable, error="",
        retry_at=None, finished_at=timezone.now(),
    )  # fmt: skip


def failed(recording_id: int, attempt: int, error: BaseException) -> datetime | None:
    """Record a failed attempt; returns when to retry (None after the last attempt)."""
    retry_at = None
    if attempt < MAX_ATTEMPTS:
        retry_at = timezone.now() + BACKOFF * 2 ** (attempt - 1)
    ProcessingJob.objects.filter(recording_id=recording_id).update(
        state=JobState.RETRYING if retry_at else JobState.FAILED,
        error=f"{type(error).__name__}: {error}"[:2000],
        retry_at=retry_at,
        finished_at=timezone.now(),
    )
    return retry_at


def readable_error(job: ProcessingJob) -> str:
    """The job's last error as a sentence for the reader."""
    if not job.error:
        return ""
    kind = job.error.split(":", 1)[0]
    return str(READABLE.get(kind, UNEXPECTED))


def unavailable_reasons(job: ProcessingJob) -> list[str]:
    """Why copies cannot be made, in the reader's language."""
    return [gettext(reason) for reason in job.unavailable]
