"""The daily retention job (R-14): collect what is due into a disposal batch, set any store lock
an earlier extension failed to set, and remove the bytes a disposal left behind."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from bodycam.recordings.models import Recording
from bodycam.retention import disposal, locks


@task()
def daily() -> dict:
    batch = disposal.collect()
    recent = Recording.objects.filter(disposed_at__gte=timezone.now() - timedelta(days=7))
    return {
        "batch": batch.pk if batch else None,
        "locks_extended": locks.extend_all(),
        "blobs_removed": disposal.remove_blobs(list(recent.values_list("pk", flat=True))),
    }
