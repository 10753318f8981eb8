"""Linking recordings to the enforcement activity they belong to (R-02); every link is a ledger
entry. What cannot be linked waits in the records office's "unlinked" list."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.activities.models import ActivityStatus, EnforcementActivity
from bodycam.activities.vocabulary import ActivityType
from bodycam.compliance import triggers
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings import timing
from bodycam.recordings.models import Recording


def matching_activity(recording: Recording) -> EnforcementActivity | None:
    """The one activity whose officer or device and time span fit; None when none or several
    fit equally (a person then decides)."""
    if recording.recorded_at is None or (
        recording.officer_id is None and recording.device_id is None
    ):
        return None
    slack = timedelta(minutes=settings.LINK_TOLERANCE_MINUTES)
    who = Q()
    if recording.officer_id:
        who |= Q(officers=recording.officer_id)
    if recording.device_id:
        who |= Q(devices=recording.device_id)
    candidates = list(
        EnforcementActivity.objects.exclude(status=ActivityStatus.CANCELLED)
        .filter(who, started_at__lte=recording.recorded_at + slack)
        .filter(Q(ended_at__gte=recording.recorded_at - slack) | Q(ended_at__isnull=True))
        .distinct()
    )
    officer_id, device_id = recording.officer_id, recording.device_id
    if len(candidates) > 1 and officer_id and device_id:
        both = [a for a in candidates if _uses(a, officer_id, device_id)]
        candidates = both or candidates
    return candidates[0] if len(candidates) == 1 else None


def _uses(activity: EnforcementActivity, officer_id: int, device_id: int) -> bool:
    return (
        activity.officers.filter(pk=officer_id).exists()
        and activity.devices.filter(pk=device_id).exists()
    )


def apply_deadline(recording: Recording) -> None:
    """The R-13 facts: the deadline that applies given the link, and whether it was met."""
    deadline = None
    if recording.recorded_at is not None:
        deadline = timing.upload_deadline(recording.recorded_at, recording.activity)
    recording.upload_deadline = deadline
    recording.deadline_met = None if deadline is None else recording.ingested_at <= deadline
    recording.save(update_fields=["upload_deadline", "deadline_met"])


def apply_link(recording: Recording, activity: EnforcementActivity | None, actor, how: str) -> None:
    """Set (or clear) the link and the R-13 facts that follow from it; a ledger entry."""
    before = recording.activity_id
    recording.activity = activity
    recording.save(update_fields=["activity"])
    apply_deadline(recording)
    record(
        Action.LINK_CHANGE,
        recording,
        actor,
        before=before,
        after=activity.pk if activity else None,
        how=how,
    )
    if settings.RETENTION_CLASSES.keys() & set(ActivityType.values):  # a class by activity type
        from bodycam.retention import periods  # retention builds on recordings, not the reverse

        periods.refresh(recording, actor, reason="link_change")


def by_hand(recordings: list[Recording]) -> set[int]:
    """Those whose current link a person made: corrections of facts leave them where they are."""
    latest: dict[str, str] = {}
    entries = LedgerEntry.objects.filter(
        subject_kind="recording", subject_id__in=[str(r.pk) for r in recordings],
        action=Action.LINK_CHANGE,
    ).order_by("seq")  # fmt: skip
    for entry in entries:
        latest[entry.subject_id] = entry.payload.get("how", "")
    return {int(number) for number, how in latest.items() if how == "by hand"}


@transaction.atomic
def link_by_hand(recording: Recording, activity: EnforcementActivity | None, actor) -> Recording:
    """The records office links a recording to an activity, or unlinks it (R-02)."""
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    if activity is not None:
        activity = EnforcementActivity.objects.get(pk=activity.pk)  # as it stands now
    if activity is not None and activity.started_at > timezone.now():
        raise Refused(_("该执法活动尚未开始。"))
    if activity is not None and recording.mistaken_at is not None:
        raise Refused(_("该文件已确认为误传，不能关联执法活动。"), code="mistaken")
    if activity is not None and activity.status == ActivityStatus.CANCELLED:
        raise Refused(_("该执法活动已撤销，不能关联音像记录。"), code="cancelled")
    before = recording.activity_id
    apply_link(recording, activity, actor, how="by hand")
    triggers.recording_changed(recording.pk)
    if before != recording.activity_id:
        triggers.activity_changed(before)  # it may have lost its only recording
    return recording
