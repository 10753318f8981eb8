"""The dashboard (R-05, R-13, R-20 … at a glance): each figure a chart beside its table of
numbers, filtered by unit and period, each exportable as .xlsx. The home page shows the same
figures for the last 30 days."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBase
from django.http.response import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bodycam.accounts.models import Unit
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import NOT_FOUND
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response
from bodycam.lib.parsing import parse_day
from bodycam.reports.figures import FIGURES, Scope, figures, scope_for
from bodycam.reports.models import MonthlyReport
from bodycam.reports.monthly import last_month, monthly_pdf

DEFAULT_DAYS = 30
MAX_DAYS = 366


def last_days(days: int = DEFAULT_DAYS) -> Scope:
    today = wallclock.local_day()
    return Scope(today - timedelta(days=days - 1), today)


def _scope(params) -> tuple[Scope, list[str]]:
    """The scope the filters ask for, and what was wrong with them (then the default)."""
    problems: list[str] = []
    default = last_days()
    start, end = default.start, default.end
    try:
        start = parse_day(params["from"]) if params.get("from") else start
        end = parse_day(params["to"]) if params.get("to") else end
    except Refused as refusal:
        problems.append(refusal.text())
    if end < start or (end - start).days >= MAX_DAYS:
        problems.append(_("统计期间应在一年以内，结束日期不早于开始日期；已改为最近 30 天。"))
        start, end = default.start, default.end
    unit = Unit.objects.filter(code=params.get("unit", "")).first() if params.get("unit") else None
    return scope_for(unit, start, end), problems


@permission_required("reports.view_dashboard")
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope, problems = _scope(request.GET)
    return render(request, "reports/dashboard.html", {
        "figures": figures(scope), "scope": scope, "problems": problems,
        "units": Unit.objects.order_by("code"), "unit": request.GET.get("unit", ""),
        "query": request.GET.urlencode(),
    })  # fmt: skip


@permission_required("reports.view_dashboard")
def figure_export(request: AuthenticatedHttpRequest, key: str) -> HttpResponseBase:
    if key not in FIGURES:
        raise Http404(NOT_FOUND)
    scope, _problems = _scope(request.GET)
    figure = FIGURES[key](scope)
    headers = [str(column) for column in figure.columns]
    return xlsx_response(f"figure-{key}", str(figure.title), headers, figure.rows, request.user,
                         request.GET)  # fmt: skip


@permission_required("reports.view_dashboard")
def monthly(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The monthly reports made so far, and one made now for any unit and past month."""
    if request.GET.get("month"):
        try:
            first = parse_day(request.GET["month"] + "-01").replace(day=1)
        except Refused as refusal:
            messages.error(request, refusal.text())
        else:
            unit = Unit.objects.filter(code=request.GET.get("unit", "")).first()
            return _pdf(request, monthly_pdf(unit, first), f"monthly-{first:%Y%m}.pdf")
    reports = MonthlyReport.objects.select_related("unit").defer("pdf")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "reports/monthly.html", {
        "page": page, "units": Unit.objects.order_by("code"),
        "default_month": last_month().strftime("%Y-%m"),
    })  # fmt: skip


@permission_required("reports.view_dashboard")
def monthly_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = MonthlyReport.objects.filter(pk=pk).first()
    if report is None:
        raise Http404(NOT_FOUND)
    return _pdf(
        request, bytes(report.pdf), f"monthly-{report.month:%Y%m}-{report.unit_id or 0}.pdf"
    )


def _pdf(request: AuthenticatedHttpRequest, document: bytes, name: str) -> HttpResponse:
    record(Action.EXPORT, None, request.user, list="monthly_report", file=name)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
