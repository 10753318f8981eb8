"""The monthly report (月度报告): the dashboard's figures for one unit (with the units below it)
or the whole bureau over one calendar month, as a Chinese PDF with its font embedded. The job
makes last month's reports on the first of each month; anyone with the dashboard may make one
on demand."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bodycam.accounts.models import Unit
from bodycam.lib import pdf, wallclock
from bodycam.reports.figures import figures, scope_for
from bodycam.reports.models import MonthlyReport


def month_bounds(first: date) -> tuple[date, date]:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def monthly_pdf(unit: Unit | None, first: date) -> bytes:
    start, end = month_bounds(first)
    scope = scope_for(unit, start, end)
    name = unit.name if unit else _("全局")
    title = _("执法音像记录月度报告 %(year)s 年 %(month)s 月 · %(unit)s") % {
        "year": first.year, "month": first.month, "unit": name}  # fmt: skip
    subtitle = _("%(start)s 至 %(end)s（北京时间）；生成于 %(now)s。") % {
        "start": start.isoformat(), "end": end.isoformat(),
        "now": wallclock.local().strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    sections = [
        (str(f.title), [str(c) for c in f.columns], [[str(v) for v in row] for row in f.rows])
        for f in figures(scope)
    ]
    return pdf.sections_document(title, subtitle, sections)


def last_month(today: date | None = None) -> date:
    today = today or wallclock.local_day()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def make_monthly_reports(first: date | None = None) -> int:
    """Last month's reports (or `first`'s month) for the bureau and every unit, those not yet
    made; returns how many were made. Idempotent: a second run makes none."""
    first = first or last_month()
    made = 0
    for unit in [None, *Unit.objects.order_by("code")]:
        if MonthlyReport.objects.filter(unit=unit, month=first).exists():
            continue
        document = monthly_pdf(unit, first)
        try:
            with transaction.atomic():
                MonthlyReport.objects.create(unit=unit, month=first, made_at=timezone.now(),
                                             pdf=document)  # fmt: skip
        except IntegrityError:  # another worker made it at the same moment
            continue
        made += 1
    return made
