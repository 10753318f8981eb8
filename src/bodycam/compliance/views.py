"""Pages of the compliance engine: the findings inbox, one finding with its facts and what can
be done next, and the thresholds in force."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from bodycam.accountability.forms import EscalateForm
from bodycam.accountability.models import ViolationCase
from bodycam.compliance import handling, rates
from bodycam.compliance.facts import moments, readable_facts
from bodycam.compliance.models import DECIDED, Cause, Finding, Rule, Status
from bodycam.compliance.queries import FILTERS, filter_findings
from bodycam.ledger.entries import record
from bodycam.ledger.history import custody_history
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response
from bodycam.lib.parsing import parse_day, parse_int
from bodycam.lib.spreadsheets import XLSX, write_xlsx


@login_required
def finding_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    findings: QuerySet[Finding] = Finding.objects.restrict(request.user).select_related(
        "officer", "activity"
    )
    try:
        findings = filter_findings(findings, request.GET)
    except Refused as refusal:
        messages.error(request, refusal.text())
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/list.html",
        {"page": page, "rules": Rule.choices, "statuses": Status.choices,
         "filters": {name: request.GET.get(name, "") for name in FILTERS}},
    )  # fmt: skip


@require_GET
@login_required
def finding_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The inbox as filtered, as .xlsx, each finding's facts in words."""
    try:
        findings = filter_findings(Finding.objects.restrict(request.user), request.GET)
    except Refused as refusal:
        messages.error(request, refusal.text())
        return redirect("findings")
    headers = [_("编号"), _("问题"), _("依据"), _("执法人员"), _("执法活动"), _("严重程度"),
               _("状态"), _("发现时间（北京时间）"), _("事实"), _("说明")]  # fmt: skip
    rows = (
        [f.pk, f.get_rule_display(), f.requirement,
         f.officer.display_name if f.officer else "", f.activity_id or "",
         f.get_severity_display(), f.get_status_display(),
         wallclock.local(f.found_at).strftime("%Y-%m-%d %H:%M"),
         "；".join(f"{label}：{text}" for label, text, _link in readable_facts(f)),
         f.explanation]
        for f in findings.select_related("officer").order_by("-found_at", "-pk")
        .iterator(chunk_size=2000)
    )  # fmt: skip
    return xlsx_response("findings", _("合规问题"), headers, rows, request.user, request.GET)


@login_required
def finding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = restricted_object(
        Finding.objects.select_related("officer", "activity", "recording", "device"),
        request.user, "view", pk,
    )  # fmt: skip
    user = request.user
    open_now = finding.status in (Status.OPEN, Status.EXPLAINED)
    return render(
        request,
        "compliance/detail.html",
        {
            "finding": finding,
            "facts": readable_facts(finding),
            "moments": moments(finding),
            "may_explain": open_now and finding.officer_id == user.pk,
            "may_decide": open_now
            and finding.officer_id != user.pk
            and user.has_perm("compliance.decide_finding"),
            "decisions": [(s, Status(s).label) for s in sorted(DECIDED)],
            "causes": Cause.choices,
            "cases": ViolationCase.objects.filter(findings=finding),
            "escalate_form": EscalateForm()
            if user.has_perm("accountability.add_violationcase")
            and finding.officer_id not in (None, user.pk)
            and not ViolationCase.objects.filter(findings=finding).exists()
            else None,
            "entries": custody_history(user, finding),
        },
    )


@require_POST
@login_required
def finding_explain(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = restricted_object(Finding.objects, request.user, "explain", pk)
    offset = request.POST.get("spoken_at_seconds", "").strip()
    try:
        spoken = parse_int(offset, 0, 24 * 3600) if offset else None
        handling.explain(finding, request.user, request.POST.get("explanation", "")[:4000],
                         request.POST.get("cause", ""), spoken)  # fmt: skip
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("说明已提交，等待督察人员或主要负责人处理。"))
    return redirect("finding", pk=finding.pk)


@require_POST
@login_required
def finding_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = restricted_object(Finding.objects, request.user, "decide", pk)
    try:
        handling.decide(finding, request.user, request.POST.get("status", ""),
                        request.POST.get("reason", "")[:4000])  # fmt: skip
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("已处理。"))
    return redirect("finding", pk=finding.pk)


@require_safe
@permission_required("compliance.view_finding")
def compliance_rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Compliance rates per officer or per unit over a period, on the page or as .xlsx."""
    since, until = rates.default_period()
    try:
        since = parse_day(request.GET["since"]) if request.GET.get("since") else since
        until = parse_day(request.GET["until"]) if request.GET.get("until") else until
    except Refused as refusal:
        messages.error(request, refusal.text())
    by_unit = request.GET.get("by") == "unit"
    table = (rates.unit_rates if by_unit else rates.officer_rates)(since, until)
    if request.GET.get("format") == "xlsx":
        return _rates_xlsx(request, table, by_unit, since, until)
    return render(
        request,
        "compliance/rates.html",
        {"table": table, "by_unit": by_unit, "since": since, "until": until,
         "headers": rates.headers(by_unit), "query": request.GET.urlencode()},
    )  # fmt: skip


def _rates_xlsx(request, table, by_unit: bool, since, until) -> HttpResponse:
    data = write_xlsx(rates.headers(by_unit), [rates.row(rate) for rate in table])
    record(Action.EXPORT, None, request.user, what="compliance_rates",
           by="unit" if by_unit else "officer", since=since.isoformat(),
           until=until.isoformat(), rows=len(table), format="xlsx")  # fmt: skip
    response = HttpResponse(data, content_type=XLSX)
    name = f"compliance-rates-{since:%Y%m%d}-{until:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The thresholds the rules use now (they are settings: BODYCAM_COMPLIANCE_*)."""
    rows = [
        (_("两段录像间隔超过即为中断（秒，R-09）"), settings.COMPLIANCE_GAP_SECONDS),
        (_("开始录像晚于或提前停止超过（秒，R-09）"), settings.COMPLIANCE_LATE_START_SECONDS),
        (_("在录像开头多少秒内检测告知语音或中断说明（R-08、R-11）"),
         settings.COMPLIANCE_SPEECH_SECONDS),
        (_("记录仪时钟偏差超过（秒，R-07）"), settings.CHECK_MAX_CLOCK_OFFSET_SECONDS),
        (_("文件内时间与文件名时间相差超过（秒，另加文件时长，R-07）"),
         settings.CLOCK_AGREEMENT_SECONDS),
        (_("录制时间早于执法活动开始超过（分钟，R-07）"),
         settings.COMPLIANCE_CLOCK_BEFORE_ACTIVITY_MINUTES),
        (_("入库后多少天仍未关联执法活动（R-02）"), settings.COMPLIANCE_UNLINKED_DAYS),
        (_("不予记录情形报送后多少天未签收（R-04）"), settings.COMPLIANCE_EXEMPTION_DAYS),
    ]  # fmt: skip
    return render(request, "compliance/thresholds.html", {"rows": rows})
