"""The object store's lock follows the retention date (R-14): extended when the date moves
later, renewed before a "for ever" lock runs out, never shortened (the store refuses that)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store
from bodycam.retention.models import RetentionEvent

RENEW_BEFORE = timedelta(days=365 * 5)  # a "for ever" lock is renewed this long before it ends


def lock_target(retain_until: datetime | None) -> datetime:
    """The date a lock should hold to: the retention date, or a long horizon for ever."""
    if retain_until is not None:
        return retain_until
    return timezone.now() + timedelta(days=365 * settings.PERMANENT_LOCK_YEARS)


def extend(recording_id: int) -> bool:
    """Extend the lock of one recording's original where the store locks at all."""
    store = blob_store()
    recording = short_locks().filter(pk=recording_id).first()
    if recording is None or not hasattr(store, "extend_lock"):
        return False
    until = store.extend_lock(recording.sha256, lock_target(recording.retain_until))
    before = recording.locked_until
    Recording.objects.filter(pk=recording.pk).update(locked_until=until)
    record(
        Action.RETENTION_CHANGE,
        recording,
        None,
        event=RetentionEvent.LOCK_EXTENDED,
        before=before.isoformat() if before else None,
        after=until.isoformat(),
    )
    return True


def short_locks():
    """Recordings on a locking store whose lock ends before their retention does."""
    soon = timezone.now() + RENEW_BEFORE
    return Recording.objects.filter(storage="s3", disposed_at__isnull=True).filter(
        Q(locked_until__isnull=True)
        | Q(retain_until__isnull=True, locked_until__lt=soon)
        | Q(locked_until__lt=F("retain_until"))
    )


def extend_all() -> int:
    """The nightly catch-up: any lock an earlier extension failed to set."""
    return sum(extend(pk) for pk in short_locks().values_list("pk", flat=True).iterator())
