"""Compliance rates per officer and per unit over a period: of the activities that had to be
recorded (R-03, judged from R-23's effective date, no acknowledged exemption R-04), how many
carry no problem. Counted in the database, one grouped query per figure."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from bodycam.accounts.models import Unit, User
from bodycam.activities.models import ActivityStatus, EnforcementActivity, ExemptionStatus
from bodycam.compliance.models import Finding, Rule, Status
from bodycam.lib import wallclock

# Problems until decided otherwise: an accepted explanation or a dismissal clears the activity.
PROBLEM = (Status.OPEN, Status.EXPLAINED, Status.ESCALATED)


@dataclass
class Rate:
    name: str
    activities: int = 0
    with_problems: int = 0
    open: int = 0
    escalated: int = 0
    missing: int = 0
    late: int = 0
    key: int | None = None  # the officer's or the unit's id

    @property
    def percent(self) -> float | None:
        if not self.activities:
            return None
        return round(100 * (self.activities - self.with_problems) / self.activities, 1)


def default_period() -> tuple[date, date]:
    """This month so far, in Beijing time."""
    today = wallclock.local_day()
    return today.replace(day=1), today


def required_activities(since: date, until: date) -> QuerySet[EnforcementActivity]:
    """Closed activities begun in the period that had to be recorded."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    first = max(since, settings.REGULATION_EFFECTIVE_DATE)
    return EnforcementActivity.objects.filter(
        status=ActivityStatus.CLOSED,
        started_at__gte=datetime.combine(first, time.min, tzinfo=zone),
        started_at__lte=datetime.combine(until, time.max, tzinfo=zone),
    ).exclude(exemptions__status=ExemptionStatus.ACKNOWLEDGED)


def officer_rates(since: date, until: date) -> list[Rate]:
    return _rates(since, until, "officers", "officer", officer_names)


def unit_rates(since: date, until: date) -> list[Rate]:
    return _rates(since, until, "officers__unit", "officer__unit", unit_names)


def _rates(since: date, until: date, activity_key: str, finding_key: str, names) -> list[Rate]:
    required = required_activities(since, until)
    counts = {
        row[activity_key]: row["n"]
        for row in required.values(activity_key).annotate(n=Count("pk", distinct=True))
    }
    # A finding counts against its officer only in an activity they took part in.
    problems = Finding.objects.filter(
        activity__in=required, status__in=PROBLEM, activity__officers=F("officer")
    )
    figures = {
        row[finding_key]: row
        for row in problems.values(finding_key).annotate(
            with_problems=Count("activity", distinct=True),
            open=Count("pk", filter=Q(status=Status.OPEN)),
            escalated=Count("pk", filter=Q(status=Status.ESCALATED)),
            missing=Count("pk", filter=Q(rule=Rule.MISSING_RECORDING)),
            late=Count("pk", filter=Q(rule=Rule.LATE_UPLOAD)),
        )
    }
    labels = names({key for key in counts if key is not None})
    rows = []
    for key, n in counts.items():
        found = figures.get(key, {})
        rows.append(Rate(
            labels.get(key, _("（未设单位）")), n, found.get("with_problems", 0),
            found.get("open", 0), found.get("escalated", 0), found.get("missing", 0),
            found.get("late", 0), key,
        ))  # fmt: skip
    return sorted(rows, key=lambda r: (r.percent if r.percent is not None else 101, r.name))


def officer_names(ids: set[int]) -> dict[int, str]:
    return {person.pk: person.display_name for person in User.objects.filter(pk__in=ids)}


def unit_names(ids: set[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


def headers(by_unit: bool) -> list[str]:
    return [
        _("单位") if by_unit else _("执法人员"), _("应录像的执法活动"), _("有问题的活动"),
        _("合规率（%）"), _("待处理问题"), _("已移交追责"), _("应录未录"), _("超时移交"),
    ]  # fmt: skip


def row(rate: Rate) -> list:
    return [rate.name, rate.activities, rate.with_problems,
            rate.percent if rate.percent is not None else "—", rate.open, rate.escalated,
            rate.missing, rate.late]  # fmt: skip
