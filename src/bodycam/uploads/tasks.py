"""Periodic upload housekeeping, run by the job worker."""

from uuid import UUID

from django.utils import timezone
from django_tasks import task

from bodycam.uploads import completion, partial, receive
from bodycam.uploads.models import Status, Upload

LIVE = (Status.RECEIVING, Status.COMPLETE)


@task()
def ingest_upload(upload_id: str) -> dict:
    """Ingest a complete upload (completion.finish); its outcome is kept on the upload."""
    upload = completion.finish(UUID(upload_id))
    return {"status": upload.status if upload else "not ours"}


@task()
def sweep_expired_uploads() -> dict:
    """Expire receiving uploads past their time and drop their partial files (blob storage is
    never touched); finish completions a crash interrupted. Returns the counts."""
    due = Upload.objects.filter(status=Status.RECEIVING, expires_at__lte=timezone.now())
    expired = sum(receive.expire(pk) for pk in due.values_list("pk", flat=True))
    leftovers = _orphans()
    resumed = completion.resume_stalled()
    return {"expired": expired, "orphans": leftovers, "resumed": resumed}


def _orphans() -> int:
    """Partial files, a day old, of uploads no longer live (a crash between the row's update
    and the file's removal) or whose row never committed."""
    cutoff = timezone.now().timestamp() - 24 * 3600
    removed = 0
    for path in partial.folder().glob("*.part"):
        try:
            if path.stat().st_mtime > cutoff:
                continue
            pk = UUID(path.name.removesuffix(".part"))
        except (OSError, ValueError):
            continue
        if not Upload.objects.filter(pk=pk, status__in=LIVE).exists():
            partial.remove(pk)
            removed += 1
    return removed
