"""Pages of the compliance engine: the findings inbox, one finding with its facts and what can
be done next, and the thresholds in force."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.compliance import handling
from bodycam.compliance.facts import readable_facts
from bodycam.compliance.models import DECIDED, Cause, Finding, Rule, Status
from bodycam.compliance.queries import FILTERS, filter_findings
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.parsing import parse_int


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
            "may_explain": open_now and finding.officer_id == user.pk,
            "may_decide": open_now
            and finding.officer_id != user.pk
            and user.has_perm("compliance.decide_finding"),
            "decisions": [(s, Status(s).label) for s in sorted(DECIDED)],
            "causes": Cause.choices,
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


@login_required
def thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The thresholds the rules use now (they are settings: BODYCAM_COMPLIANCE_*)."""
    rows = [
        (_("两段录像间隔超过即为中断（秒，R-09）"), settings.COMPLIANCE_GAP_SECONDS),
        (_("开始录像晚于或提前停止超过（秒，R-09）"), settings.COMPLIANCE_LATE_START_SECONDS),
        (_("在录像开头多少秒内检测告知语音或中断说明（R-08、R-11）"),
         settings.COMPLIANCE_SPEECH_SECONDS),
        (_("记录仪时钟偏差超过（秒，R-07）"), settings.CHECK_MAX_CLOCK_OFFSET_SECONDS),
        (_("录制时间早于执法活动开始超过（分钟，R-07）"),
         settings.COMPLIANCE_CLOCK_BEFORE_ACTIVITY_MINUTES),
        (_("入库后多少天仍未关联执法活动（R-02）"), settings.COMPLIANCE_UNLINKED_DAYS),
        (_("不予记录情形报送后多少天未签收（R-04）"), settings.COMPLIANCE_EXEMPTION_DAYS),
    ]  # fmt: skip
    return render(request, "compliance/thresholds.html", {"rows": rows})
