"""Disposal (R-14): a daily job collects the recordings past their retain-until with no hold and
not used as evidence into a batch; nothing is removed until the head AND the records office (two
different people) approve it. Then each row becomes a tombstone (its hash kept, disposed_at set:
a database trigger refuses that for evidence, held or not-yet-due recordings whatever the SQL)
and, once that is committed, the original and its derived copies are removed from the store.
A full disk never triggers any of this: only the dates do."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.evidence.models import EvidenceUse
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.recordings.models import DerivedCopy, Recording
from bodycam.recordings.storage import blob_store
from bodycam.retention.models import BatchState, DisposalBatch, Hold, RetentionEvent

log = logging.getLogger(__name__)


def eligible(now: datetime | None = None) -> QuerySet[Recording]:
    """Recordings that may be disposed of: past retain-until, no active hold, no evidence."""
    held = Hold.objects.filter(recording=OuterRef("pk"), released_at__isnull=True)
    evidence = EvidenceUse.objects.filter(recording=OuterRef("pk"))
    return (
        Recording.objects.filter(disposed_at__isnull=True, retain_until__lte=now or timezone.now())
        .exclude(Exists(held))
        .exclude(Exists(evidence))
    )


def due(now: datetime | None = None) -> QuerySet[Recording]:
    """What the daily job collects: eligible, and not already in a batch awaiting approval."""
    pending = DisposalBatch.recordings.through.objects.filter(
        recording=OuterRef("pk"), disposalbatch__state=BatchState.COLLECTED
    )
    return eligible(now).exclude(Exists(pending))


@transaction.atomic
def collect(now: datetime | None = None) -> DisposalBatch | None:
    """The daily job: a new batch of what is due, or None when nothing is."""
    now = now or timezone.now()
    ids = list(due(now).values_list("pk", flat=True))
    if not ids:
        return None
    batch = DisposalBatch.objects.create(collected_at=now)
    batch.recordings.add(*ids)
    record(Action.DISPOSAL, batch, None, event=RetentionEvent.COLLECTED, recordings=len(ids))
    return batch


def _open_batch(batch: DisposalBatch, actor: User) -> DisposalBatch:
    """The batch, locked, for an approver to decide; refused if closed or not theirs to decide."""
    if not actor.has_perm("retention.approve_disposalbatch"):
        raise Refused(_("您的角色不能批准销毁。"), code="not_permitted", http_status=403)
    batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != BatchState.COLLECTED:
        raise Refused(
            _("该销毁清单已办结（%(state)s）。"), code="closed", state=BatchState(batch.state).label
        )
    return batch


def _slot(actor: User) -> str:
    if actor.has_role(Role.HEAD):
        return "head"
    if actor.has_role(Role.RECORDS_OFFICE):
        return "records"
    raise Refused(
        _("销毁须由主要负责人和综合科分别批准，您的角色不能批准。"),
        code="not_permitted",
        http_status=403,
    )


@transaction.atomic
def approve(batch: DisposalBatch, actor: User, comment: str = "") -> DisposalBatch:
    """One of the two approvals; the second one disposes of the batch."""
    batch = _open_batch(batch, actor)
    slot = _slot(actor)
    if getattr(batch, f"{slot}_approved_by_id") is not None:
        raise Refused(_("该销毁清单已有同一方的批准，还须另一方批准。"), code="already_approved")
    if actor.pk in (batch.head_approved_by_id, batch.records_approved_by_id):
        raise Refused(
            _("同一人不能两次批准：须由主要负责人和综合科两个不同的人批准。"), code="same_person"
        )
    now = timezone.now()
    setattr(batch, f"{slot}_approved_by", actor)
    setattr(batch, f"{slot}_approved_at", now)
    batch.comment = "\n".join(filter(None, [batch.comment, comment.strip()]))
    batch.save()
    record(
        Action.DISPOSAL,
        batch,
        actor,
        event=RetentionEvent.APPROVED,
        by=slot,
        comment=comment.strip(),
    )
    if batch.head_approved_by_id and batch.records_approved_by_id:
        _dispose(batch, now)
    return batch


@transaction.atomic
def reject(batch: DisposalBatch, actor: User, comment: str) -> DisposalBatch:
    """Either approver declines: the batch closes and its recordings stay as they are."""
    batch = _open_batch(batch, actor)
    if not (comment or "").strip():
        raise Refused(_("请写明不批准的理由。"), code="reason_required")
    batch.state, batch.closed_at = BatchState.REJECTED, timezone.now()
    batch.comment = "\n".join(filter(None, [batch.comment, comment.strip()]))
    batch.save(update_fields=["state", "closed_at", "comment"])
    record(Action.DISPOSAL, batch, actor, event=RetentionEvent.RETURNED, comment=comment.strip())
    return batch


def _dispose(batch: DisposalBatch, now: datetime) -> None:
    """Tombstones for what is still due (a hold or evidence since collection returns it)."""
    still_due = set(eligible(now).filter(disposal_batches=batch).values_list("pk", flat=True))
    removed = []
    for recording in batch.recordings.filter(disposed_at__isnull=True):
        if recording.pk not in still_due:
            batch.recordings.remove(recording)
            record(Action.DISPOSAL, recording, None, event=RetentionEvent.RETURNED, batch=batch.pk)
            continue
        Recording.objects.filter(pk=recording.pk).update(disposed_at=now)
        record(
            Action.DISPOSAL,
            recording,
            None,
            event=RetentionEvent.DISPOSED,
            batch=batch.pk,
            sha256=recording.sha256,
            size=recording.size,
        )
        removed.append(recording.pk)
    batch.state, batch.closed_at = BatchState.DISPOSED, now
    batch.save(update_fields=["state", "closed_at"])
    transaction.on_commit(lambda: remove_blobs(removed))


def remove_blobs(recording_ids: list[int] | None = None) -> int:
    """Remove the bytes of disposed recordings (originals and derived copies) from the store,
    these or every one whose bytes are not yet gone; a failure (a lock still running, the store
    away) leaves them for the next run."""
    store = blob_store()
    pending = Recording.objects.filter(disposed_at__isnull=False, bytes_removed_at__isnull=True)
    if recording_ids is not None:
        pending = pending.filter(pk__in=recording_ids)
    removed = 0
    for recording in pending:
        keys = [
            recording.sha256,
            *DerivedCopy.objects.filter(recording=recording).values_list("sha256", flat=True),
        ]
        try:
            removed += sum(store.dispose(key) for key in keys if not _still_used(key))
        except Exception as exc:
            log.warning(
                "could not remove the bytes of disposed recording %s: %s", recording.pk, exc
            )
            continue
        Recording.objects.filter(pk=recording.pk).update(bytes_removed_at=timezone.now())
    return removed


def _still_used(sha256: str) -> bool:
    """Bytes that a recording not disposed of also holds (the same derived copy, say)."""
    live = Recording.objects.filter(disposed_at__isnull=True)
    return (
        live.filter(sha256=sha256).exists()
        or DerivedCopy.objects.filter(sha256=sha256, recording__in=live).exists()
    )
