"""Opening and closing enforcement activities (R-03, R-09, R-13); each step is a ledger entry."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accountability.standing import refuse_if_suspended
from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.activities.models import ActivityEvent, ActivityStatus, EnforcementActivity
from bodycam.activities.vocabulary import ActivityType
from bodycam.compliance import triggers
from bodycam.devices.models import Device, DeviceIssue, DeviceStatus
from bodycam.ledger.entries import format_time, record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused

NO_SUCH_ACTIVITY = _("没有编号为 %(id)s 的执法活动。")
# Clocks of phones and PCs drift a little; further in the future than this is refused.
FUTURE_TOLERANCE = timedelta(minutes=5)


def not_in_future(moment: datetime, what, code: str = "in_future") -> None:
    if timezone.is_naive(moment):
        raise Refused(_("%(what)s必须带时区。"), what=what)
    if moment > timezone.now() + FUTURE_TOLERANCE:
        raise Refused(_("%(what)s晚于当前时间，请检查时间是否填错。"), code=code, what=what)


def check_start(started_at: datetime, late_reason: str = "") -> str:
    """The 补录 reason a start needs (R-23): one further back than ACTIVITY_LATE_ENTRY_DAYS, or
    before the rules took effect, is taken only as a late entry with its reason. Returns the
    reason kept ("" when none is needed)."""
    not_in_future(started_at, _("开始时间"), "start_in_future")
    late = started_at < timezone.now() - timedelta(days=settings.ACTIVITY_LATE_ENTRY_DAYS)
    early = wallclock.local_day(started_at) < settings.REGULATION_EFFECTIVE_DATE
    if not (late or early):
        return ""
    if not late_reason.strip():
        raise Refused(
            _(
                "开始时间 %(when)s 在 %(days)s 天以前或早于本规定施行日期（%(effective)s）。"
                "如确为事后补录，请在“补录理由”中写明理由；如是填错，请改正开始时间。"
            ),
            code="late_entry",
            when=wallclock.local(started_at).strftime("%Y-%m-%d %H:%M"),
            days=settings.ACTIVITY_LATE_ENTRY_DAYS,
            effective=settings.REGULATION_EFFECTIVE_DATE.isoformat(),
        )
    return late_reason.strip()


def check_devices(
    officers: list[User], devices: list[Device], started_at: datetime,
    ended_at: datetime | None = None, reason: str = "",
) -> str:  # fmt: skip
    """The reason needed for recorders not issued to any of the officers at some time during
    the activity: kept, and shown as a warning on it. Returns it ("" when none is needed)."""
    for device in devices:
        if device.status in (DeviceStatus.RETIRED, DeviceStatus.LOST):
            raise Refused(_("记录仪 %(serial)s 已报废或遗失，不能使用。"), serial=device.serial)
    issued = set(
        DeviceIssue.objects.filter(
            device__in=devices, officer__in=officers, issued_at__lte=ended_at or timezone.now()
        )
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=started_at))
        .values_list("device_id", flat=True)
    )
    others = [d.serial for d in devices if d.pk not in issued]
    if not others:
        return ""
    if not reason.strip():
        raise Refused(
            _(
                "记录仪 %(serials)s 当时没有发放给本次执法人员。如确实使用了这些记录仪"
                "（如临时借用），请写明理由，活动页面将显示提示。"
            ),
            code="device_not_issued",
            serials="、".join(others),
        )
    return reason.strip()


def check_officers(officers: list[User]) -> None:
    if not officers:
        raise Refused(_("执法活动至少要有一名执法人员。"))
    for officer in officers:
        if not officer.is_active or not officer.has_role(Role.OFFICER):
            raise Refused(_("%(name)s 不是执法人员。"), name=officer.display_name)


@transaction.atomic
def open_activity(
    type: str,
    officers: Iterable[User],
    started_at: datetime,
    actor: User | None,
    *,
    devices: Iterable[Device] = (),
    subject_name: str = "",
    subject_code: str = "",
    location: str = "",
    away_from_base: bool = False,
    case_number: str = "",
    late_reason: str = "",
    device_reason: str = "",
) -> EnforcementActivity:
    """Open an activity on arrival (R-09: recording runs from arrival to the end); a start
    long past is a 补录 with its reason, a recorder not issued to the officers needs one too."""
    check_type(type)
    officers, devices = list(officers), list(devices)
    check_officers(officers)
    for officer in officers:  # not while serving a suspension from enforcement
        refuse_if_suspended(officer, wallclock.local_day(started_at))
    late_reason = check_start(started_at, late_reason)
    device_reason = check_devices(officers, devices, started_at, None, device_reason)
    activity = EnforcementActivity.objects.create(
        type=type,
        subject_name=subject_name.strip(),
        subject_code=subject_code.strip(),
        location=location.strip(),
        started_at=started_at,
        away_from_base=away_from_base,
        case_number=case_number.strip(),
        opened_by=actor,
        late_entry_reason=late_reason,
        device_reason=device_reason,
    )
    activity.officers.set(officers)
    activity.devices.set(devices)
    record(
        Action.ACTIVITY_EVENT,
        activity,
        actor,
        event=ActivityEvent.OPENED,
        type=type,
        officers=sorted(o.username for o in officers),
        devices=sorted(d.serial for d in devices),
        started_at=format_time(started_at),
        away_from_base=away_from_base,
        **({"late_entry_reason": late_reason} if late_reason else {}),
        **({"device_reason": device_reason} if device_reason else {}),
    )
    triggers.activity_changed(activity.pk)
    return activity


def check_type(type: str) -> None:
    if type not in ActivityType.values:
        raise Refused(_("活动类型 %(type)r 不是规定的五类之一。"), type=type)


@transaction.atomic
def close_activity(
    activity: EnforcementActivity,
    ended_at: datetime,
    actor: User | None,
    returned_at: datetime | None = None,
) -> EnforcementActivity:
    """Close an activity at its end; away from base, with the return time if known (R-13)."""
    activity = EnforcementActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.OPEN:
        raise Refused(_("该执法活动已经结束或已撤销。"))
    not_in_future(ended_at, _("结束时间"), "end_in_future")
    if ended_at < activity.started_at:
        raise Refused(_("结束时间早于开始时间，请检查。"), code="ended_before_started")
    activity.ended_at = ended_at
    activity.status = ActivityStatus.CLOSED
    activity.save(update_fields=["ended_at", "status"])
    record(
        Action.ACTIVITY_EVENT,
        activity,
        actor,
        event=ActivityEvent.CLOSED,
        ended_at=format_time(ended_at),
    )
    if returned_at is not None:
        record_return(activity, returned_at, actor)
    triggers.activity_changed(activity.pk)
    return activity


@transaction.atomic
def record_return(
    activity: EnforcementActivity, returned_at: datetime, actor: User | None
) -> EnforcementActivity:
    """The time officers came back from work away from base: R-13's 24 hours start here."""
    activity = EnforcementActivity.objects.select_for_update().get(pk=activity.pk)
    if not activity.away_from_base:
        raise Refused(_("该活动不是外出执法，无需登记返回时间。"))
    not_in_future(returned_at, _("返回时间"), "return_in_future")
    if activity.ended_at is None or returned_at < activity.ended_at:
        raise Refused(_("返回时间应在活动结束之后。"))
    activity.returned_at = returned_at
    activity.save(update_fields=["returned_at"])
    record(
        Action.ACTIVITY_EVENT,
        activity,
        actor,
        event=ActivityEvent.RETURNED_TO_BASE,
        returned_at=format_time(returned_at),
    )
    triggers.activity_changed(activity.pk)
    return activity


def is_judged(activity: EnforcementActivity) -> bool:
    """Whether the rules apply: activities before the regulation took effect are not judged
    (R-23)."""
    local_day = wallclock.local_day(activity.started_at)
    return local_day >= settings.REGULATION_EFFECTIVE_DATE
