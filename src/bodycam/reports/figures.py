"""The figures of the dashboards and the monthly report: each one aggregate query (GROUP BY in
the database, never a loop over rows), answered as a table whose first column is the category
and whose other columns are numbers. The chart beside it is drawn from the same table, so what a
chart shows is always what the table says."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bodycam.access.models import RequestState, ViewingRequest
from bodycam.accountability.models import Category, Sanction, ViolationCase
from bodycam.accounts.models import Unit
from bodycam.compliance.models import DECIDED, Finding, Rule, Status
from bodycam.devices.models import Device, DeviceStatus
from bodycam.lib import wallclock
from bodycam.recordings.models import Recording
from bodycam.supervision.models import Campaign, Candidate, Grade, Review


@dataclass(frozen=True)
class Scope:
    """Whose and which days: units (with the units below them; None for the whole bureau) and
    Beijing dates, both ends included."""

    start: date
    end: date
    units: frozenset[int] | None = None
    unit_name: str = ""

    def moments(self) -> tuple[datetime, datetime]:
        zone = wallclock.zone()
        return (datetime.combine(self.start, time.min, tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone))  # fmt: skip

    def of_officers(self, rows: QuerySet, path: str = "officer__unit") -> QuerySet:
        return rows if self.units is None else rows.filter(**{f"{path}__in": self.units})


def scope_for(unit: Unit | None, start: date, end: date) -> Scope:
    if unit is None:
        return Scope(start, end)
    below: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        below.setdefault(parent, []).append(pk)
    found, todo = set(), [unit.pk]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += below.get(current, [])
    return Scope(start, end, frozenset(found), unit.name)


@dataclass
class Figure:
    key: str
    title: str | Promise
    kind: str  # "bar", "line" or "pie"
    columns: list[str | Promise]
    rows: list[list[Any]] = field(default_factory=list)


def recordings_per_day(scope: Scope) -> Figure:
    start, end = scope.moments()
    rows = scope.of_officers(Recording.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end, mistaken_at__isnull=True))  # fmt: skip
    days = (
        rows.annotate(day=TruncDate("recorded_at", tzinfo=wallclock.zone()))
        .values("day").annotate(n=Count("pk"), length=Sum("duration")).order_by("day")
    )  # fmt: skip
    columns: list[str | Promise] = [_("日期"), _("条数"), _("时长（小时）")]
    return Figure("recordings", _("每日音像记录"), "bar", columns, [
        [d["day"].isoformat(), d["n"], _hours(d["length"])] for d in days
    ])  # fmt: skip


def _hours(length: timedelta | None) -> float:
    return round((length or timedelta()).total_seconds() / 3600, 1)


def handover(scope: Scope) -> Figure:
    start, end = scope.moments()
    rows = scope.of_officers(Recording.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end, mistaken_at__isnull=True))  # fmt: skip
    days = (
        rows.annotate(day=TruncDate("recorded_at", tzinfo=wallclock.zone())).values("day")
        .annotate(on_time=Count("pk", filter=Q(deadline_met=True)),
                  late=Count("pk", filter=Q(deadline_met=False)))
        .order_by("day")
    )  # fmt: skip
    return Figure("handover", _("移交及时性（R-13）"), "bar",
                  [_("日期"), _("按时移交"), _("超过时限")],
                  [[d["day"].isoformat(), d["on_time"], d["late"]] for d in days])  # fmt: skip


def findings_by_rule(scope: Scope) -> Figure:
    start, end = scope.moments()
    rows = scope.of_officers(Finding.objects.filter(found_at__gte=start, found_at__lt=end))
    counted = {
        r["rule"]: r
        for r in rows.values("rule").annotate(
            open=Count("pk", filter=Q(status__in=[Status.OPEN, Status.EXPLAINED])),
            decided=Count("pk", filter=Q(status__in=DECIDED)),
            cleared=Count("pk", filter=Q(status=Status.CLEARED)),
        )
    }
    return Figure("findings", _("合规问题（按规则和状态）"), "bar",
                  [_("规则"), _("待处理"), _("已处理"), _("已消除")],
                  [[str(Rule(rule).label), c["open"], c["decided"], c["cleared"]]
                   for rule, c in sorted(counted.items())])  # fmt: skip


def interruptions(scope: Scope) -> Figure:
    start, end = scope.moments()
    judged = [Rule.INTERRUPTION, Rule.MISSING_RECORDING, Rule.LATE_START, Rule.EARLY_STOP]
    rows = scope.of_officers(Finding.objects.filter(
        found_at__gte=start, found_at__lt=end, rule__in=judged))  # fmt: skip
    days = (
        rows.annotate(day=TruncDate("found_at", tzinfo=wallclock.zone())).values("day")
        .annotate(interrupted=Count("pk", filter=Q(rule=Rule.INTERRUPTION)),
                  missing=Count("pk", filter=Q(rule=Rule.MISSING_RECORDING)),
                  partial=Count("pk", filter=Q(rule__in=[Rule.LATE_START, Rule.EARLY_STOP])))
        .order_by("day")
    )  # fmt: skip
    return Figure("coverage", _("覆盖与中断（R-03、R-09）"), "line",
                  [_("日期"), _("录像中断"), _("应录未录"), _("开始晚或提前停止")],
                  [[d["day"].isoformat(), d["interrupted"], d["missing"], d["partial"]]
                   for d in days])  # fmt: skip


def spot_checks(scope: Scope) -> Figure:
    campaigns = Campaign.objects.filter(period_to__gte=scope.start, period_from__lte=scope.end,
                                        seed__gt="").order_by("number")  # fmt: skip
    reviewed = scope.of_officers(
        Review.objects.filter(candidate__campaign__in=campaigns),
        "candidate__recording__officer__unit",
    )
    stats = {
        r["candidate__campaign"]: r
        for r in reviewed.values("candidate__campaign").annotate(
            done=Count("pk"), average=Avg("score"), failed=Count("pk", filter=Q(grade=Grade.FAIL))
        )
    }
    sampled = (
        scope.of_officers(
            Candidate.objects.filter(campaign__in=campaigns, sampled=True),
            "recording__officer__unit",
        )
        .values("campaign")
        .annotate(n=Count("pk"))
    )
    taken = {s["campaign"]: s["n"] for s in sampled}
    return Figure("spot_checks", _("抽查进度和得分（R-20）"), "bar",
                  [_("抽查"), _("抽中"), _("已评查"), _("平均分"), _("不合格")],
                  [[c.number, taken.get(c.pk, 0), stats.get(c.pk, {}).get("done", 0),
                    round(stats.get(c.pk, {}).get("average") or 0, 1),
                    stats.get(c.pk, {}).get("failed", 0)] for c in campaigns])  # fmt: skip


def devices_by_status(scope: Scope) -> Figure:
    rows = (
        Device.objects.all() if scope.units is None else Device.objects.filter(unit__in=scope.units)
    )
    counted = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    shares = [[str(label), counted.get(v, 0)] for v, label in DeviceStatus.choices]
    return Figure("devices", _("记录仪状态"), "pie", [_("状态"), _("台数")], shares)


def viewing_requests(scope: Scope) -> Figure:
    start, end = scope.moments()
    rows = ViewingRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)
    rows = rows if scope.units is None else rows.filter(requester__unit__in=scope.units)
    counted = dict(rows.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    shares = [[str(label), counted.get(v, 0)] for v, label in RequestState.choices]
    return Figure("viewing", _("查阅申请（R-16）"), "pie", [_("状态"), _("件数")], shares)


def violations(scope: Scope) -> Figure:
    start, end = scope.moments()
    rows = ViolationCase.objects.filter(opened_at__gte=start, opened_at__lt=end)
    if scope.units is not None:
        rows = rows.filter(responsibilities__person__unit__in=scope.units).distinct()
    counted = {
        r["category"]: r
        for r in rows.values("category").annotate(
            cases=Count("pk", distinct=True),
            criticised=Count("responsibilities", distinct=True,
                             filter=Q(responsibilities__sanction=Sanction.PUBLIC_CRITICISM,
                                      responsibilities__criticism_at__isnull=False)),
        )
    }  # fmt: skip
    return Figure("violations", _("执法过错案件（R-21、R-22）"), "bar",
                  [_("过错情形"), _("案件"), _("已通报批评")],
                  [[str(Category(c).label), v["cases"], v["criticised"]]
                   for c, v in sorted(counted.items())])  # fmt: skip


FIGURES: dict[str, Callable[[Scope], Figure]] = {
    "recordings": recordings_per_day,
    "handover": handover,
    "coverage": interruptions,
    "findings": findings_by_rule,
    "spot_checks": spot_checks,
    "devices": devices_by_status,
    "viewing": viewing_requests,
    "violations": violations,
}


def figures(scope: Scope) -> list[Figure]:
    return [make(scope) for make in FIGURES.values()]
