"""The daily retention job (R-14): collect what is due into a disposal batch, set any store lock
an earlier extension failed to set, and remove the bytes a disposal left behind."""

from django_tasks import task

from bodycam.retention import disposal, locks


@task()
def daily() -> dict:
    batch = disposal.collect()
    return {
        "batch": batch.pk if batch else None,
        "locks_extended": locks.extend_all(),
        "blobs_removed": disposal.remove_blobs(),
    }
