"""Correcting an activity, or cancelling one opened by mistake: a new fact with its reason, the
ledger keeping what it replaced (hard rule 6). The officers correct their own while it is open
and ACTIVITY_CORRECTION_DAYS after it ended; the records office any, at any time. Links and
deadlines of recordings follow the corrected facts (R-02, R-13); the rules run again."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.activities import lifecycle
from bodycam.activities.models import ActivityEvent, ActivityStatus, EnforcementActivity
from bodycam.activities.vocabulary import ActivityType
from bodycam.compliance import triggers
from bodycam.ledger.entries import format_time, record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.lib.words import stored_time_words
from bodycam.recordings import linking
from bodycam.recordings.models import Recording

FIELDS = ("type", "subject_name", "subject_code", "location", "started_at", "ended_at",
          "away_from_base", "returned_at", "case_number", "officers", "devices")  # fmt: skip


def _may_correct(activity: EnforcementActivity, actor: User) -> None:
    if actor.has_perm("activities.correct_activity"):
        return
    if not activity.officers.filter(pk=actor.pk).exists():
        raise Refused(
            _("只有参加该活动的执法人员或综合科可以更正、撤销执法活动。"),
            code="not_permitted", http_status=403,
        )  # fmt: skip
    if activity.status == ActivityStatus.CANCELLED:
        raise Refused(_("该执法活动已撤销，如需恢复请联系综合科。"), code="cancelled")
    window = timedelta(days=settings.ACTIVITY_CORRECTION_DAYS)
    if activity.ended_at is not None and activity.ended_at + window < timezone.now():
        raise Refused(
            _("活动结束已超过 %(days)s 天，本人不能再更正；请联系综合科更正并写明理由。"),
            code="correction_window", http_status=403, days=settings.ACTIVITY_CORRECTION_DAYS,
        )  # fmt: skip


def may_correct(activity: EnforcementActivity, actor: User) -> bool:
    """Whether the actor may correct or cancel it now (for pages to offer it)."""
    try:
        _may_correct(activity, actor)
    except Refused:
        return False
    return activity.status != ActivityStatus.CANCELLED


def _shown(name: str, value: Any) -> Any:
    if name == "officers":
        return sorted(user.username for user in value)
    if name == "devices":
        return sorted(device.serial for device in value)
    if isinstance(value, datetime):
        return format_time(value)
    return value


def _current(activity: EnforcementActivity) -> dict[str, Any]:
    facts = {name: getattr(activity, name) for name in FIELDS[:9]}
    return {
        **facts,
        "officers": list(activity.officers.all()),
        "devices": list(activity.devices.all()),
    }


def _check(activity: EnforcementActivity, facts: dict[str, Any], changed: dict[str, Any],
           late_reason: str, device_reason: str) -> tuple[str, str]:  # fmt: skip
    """The corrected facts hold together; the 补录 and recorder reasons they need now (a
    reason given before still stands)."""
    lifecycle.check_type(facts["type"])
    lifecycle.check_officers(facts["officers"])
    late = activity.late_entry_reason
    if "started_at" in changed:
        late = lifecycle.check_start(facts["started_at"], late_reason or late)
    for name, label, code in (
        ("ended_at", _("结束时间"), "end_in_future"),
        ("returned_at", _("返回时间"), "return_in_future"),
    ):
        if facts[name] is not None:
            lifecycle.not_in_future(facts[name], label, code)
    if facts["ended_at"] is not None and facts["ended_at"] < facts["started_at"]:
        raise Refused(_("结束时间早于开始时间，请检查。"), code="ended_before_started")
    if facts["returned_at"] is not None and (
        facts["ended_at"] is None or facts["returned_at"] < facts["ended_at"]
    ):
        raise Refused(_("返回时间应在活动结束之后。"), code="returned_before_ended")
    devices = activity.device_reason
    if changed.keys() & {"officers", "devices", "started_at", "ended_at"}:
        devices = lifecycle.check_devices(
            facts["officers"], facts["devices"], facts["started_at"], facts["ended_at"],
            device_reason or devices,
        )  # fmt: skip
    return late, devices


@transaction.atomic
def correct_activity(
    activity: EnforcementActivity, actor: User, reason: str, *, late_reason: str = "",
    device_reason: str = "", **changes: Any,
) -> EnforcementActivity:  # fmt: skip
    """Correct the activity's facts (any of FIELDS) with a reason: the ledger entry holds the
    values before and after; links and deadlines are recomputed."""
    activity = EnforcementActivity.objects.select_for_update().get(pk=activity.pk)
    _may_correct(activity, actor)
    if activity.status == ActivityStatus.CANCELLED:
        raise Refused(_("该执法活动已撤销，不能更正。"), code="cancelled")
    before = _current(activity)
    changed = {k: v for k, v in changes.items() if k in FIELDS and _differs(before[k], v)}
    if not changed:
        raise Refused(_("没有要更正的内容。"), code="nothing_changed")
    if not (reason or "").strip():
        raise Refused(_("更正须写明理由。"), code="reason_required")
    facts = {**before, **changed}
    if facts["ended_at"] is None and activity.status == ActivityStatus.CLOSED:
        raise Refused(_("已结束的活动须有结束时间。"), code="end_required")
    late, devices = _check(activity, facts, changed, late_reason, device_reason)
    activity_late, activity_devices = activity.late_entry_reason, activity.device_reason
    for name, value in changed.items():
        if name in ("officers", "devices"):
            getattr(activity, name).set(value)
        else:
            setattr(activity, name, value)
    activity.late_entry_reason, activity.device_reason = late, devices
    activity.save()
    record(
        Action.ACTIVITY_EVENT, activity, actor, event=ActivityEvent.CORRECTED,
        before={k: _shown(k, before[k]) for k in changed},
        after={k: _shown(k, v) for k, v in changed.items()},
        reason=reason.strip(),
        **({"late_entry_reason": late} if late != activity_late else {}),
        **({"device_reason": devices} if devices != activity_devices else {}),
    )  # fmt: skip
    relink(activity, actor)
    return activity


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, list):
        return {x.pk for x in old} != {x.pk for x in new}
    return old != new


@transaction.atomic
def cancel_activity(activity: EnforcementActivity, actor: User, reason: str) -> EnforcementActivity:
    """An activity opened by mistake: it stays, shown as 已撤销, and no longer counts as one that
    had to be recorded; its recordings go where they fit, or wait to be linked."""
    activity = EnforcementActivity.objects.select_for_update().get(pk=activity.pk)
    _may_correct(activity, actor)
    if activity.status == ActivityStatus.CANCELLED:
        raise Refused(_("该执法活动已撤销。"), code="cancelled")
    if not (reason or "").strip():
        raise Refused(_("撤销须写明理由。"), code="reason_required")
    before = activity.status
    activity.status, activity.cancel_reason = ActivityStatus.CANCELLED, reason.strip()
    activity.save(update_fields=["status", "cancel_reason"])
    record(
        Action.ACTIVITY_EVENT, activity, actor, event=ActivityEvent.CANCELLED,
        before=before, reason=activity.cancel_reason,
    )  # fmt: skip
    relink(activity, actor)
    return activity


def relink(activity: EnforcementActivity, actor: User | None) -> None:
    """After a correction: linked recordings that no longer fit go where they fit now (links a
    person made stay, unless the activity was cancelled); unlinked ones of its officers or
    devices that now fit come to it; deadlines follow. Every change a ledger entry."""
    linked = list(Recording.objects.filter(activity=activity, disposed_at__isnull=True))
    kept = set() if activity.status == ActivityStatus.CANCELLED else linking.by_hand(linked)
    for recording in linked:
        if recording.pk in kept:
            linking.apply_deadline(recording)
            continue
        fits = linking.matching_activity(recording)
        if fits is None or fits.pk != activity.pk:
            linking.apply_link(recording, fits, actor, how="after correction")
            triggers.recording_changed(recording.pk)
            if fits is not None:
                triggers.activity_changed(fits.pk)
        else:
            linking.apply_deadline(recording)
    if activity.status != ActivityStatus.CANCELLED:
        for recording in _waiting(activity):
            if (
                fits := linking.matching_activity(recording)
            ) is not None and fits.pk == activity.pk:
                linking.apply_link(recording, activity, actor, how="after correction")
                triggers.recording_changed(recording.pk)
    triggers.activity_changed(activity.pk)


def _waiting(activity: EnforcementActivity) -> list[Recording]:
    """Unlinked recordings of the activity's officers or devices around its span."""
    slack = timedelta(minutes=settings.LINK_TOLERANCE_MINUTES)
    end = activity.ended_at or timezone.now()
    who = Q(officer__in=activity.officers.all()) | Q(device__in=activity.devices.all())
    return list(
        Recording.objects.filter(
            who, activity__isnull=True, disposed_at__isnull=True, mistaken_at__isnull=True,
            recorded_at__gte=activity.started_at - slack, recorded_at__lte=end + slack,
        ).distinct()
    )  # fmt: skip


@dataclass
class Correction:
    """One correction or cancellation as the activity page shows it."""

    entry: LedgerEntry
    reason: str
    changes: list[tuple[str, str, str]]  # (what, before, after), as a person reads them


def corrections_of(activity: EnforcementActivity) -> list[Correction]:
    """The corrections and the cancellation of the activity, newest first, with what each
    replaced (from the ledger, which is where the old values live)."""
    entries = (
        LedgerEntry.objects.about(activity).filter(action=Action.ACTIVITY_EVENT).order_by("-seq")
    )
    shown = []
    for entry in entries:
        payload = entry.payload
        if payload.get("event") not in (ActivityEvent.CORRECTED, ActivityEvent.CANCELLED):
            continue
        if payload["event"] == ActivityEvent.CANCELLED:
            changes = [(str(_("状态")), _readable("status", payload["before"]),
                        str(ActivityStatus.CANCELLED.label))]  # fmt: skip
        else:
            changes = [
                (_label(name), _readable(name, payload["before"].get(name)), _readable(name, new))
                for name, new in payload["after"].items()
            ]
        shown.append(Correction(entry, payload.get("reason", ""), changes))
    return shown


def _label(name: str) -> str:
    field = EnforcementActivity._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _readable(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if name == "type":
        return str(ActivityType(value).label) if value in ActivityType.values else str(value)
    if name == "status":
        return str(ActivityStatus(value).label)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if name == "officers":
        names = dict(User.objects.filter(username__in=value).values_list("username", "full_name"))
        return "、".join(names.get(username) or username for username in value)
    if isinstance(value, list):
        return "、".join(value)
    return stored_time_words(value, seconds=False) or str(value)
