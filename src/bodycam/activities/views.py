"""Pages for enforcement activities and exemptions: list, open, detail, close, file, review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bodycam.activities import corrections, exemptions, export, lifecycle
from bodycam.activities.forms import (
    CancelActivityForm,
    CloseActivityForm,
    CorrectActivityForm,
    ExemptionForm,
    OpenActivityForm,
    ReturnForm,
    ReviewForm,
)
from bodycam.activities.models import EnforcementActivity, Exemption, ExemptionStatus
from bodycam.compliance.coverage import activity_coverage
from bodycam.compliance.models import Finding
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response


@login_required
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    activities = export.search(
        EnforcementActivity.objects.restrict(request.user).prefetch_related("officers"),
        request.GET,
    )
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/list.html",
        {"page": page, "status": request.GET.get("status", ""), "q": request.GET.get("q", "")},
    )


@require_GET
@login_required
def activity_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    activities = export.search(EnforcementActivity.objects.restrict(request.user), request.GET)
    return xlsx_response("activities", _("执法活动"), export.headers(), export.rows(activities),
                         request.user, request.GET)  # fmt: skip


@permission_required("activities.add_enforcementactivity")
def activity_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OpenActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            activity = lifecycle.open_activity(
                data.pop("type"), data.pop("officers"), data.pop("started_at"), request.user, **data
            )
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(
                request, _("执法活动已开始。请先说告知用语，全程不间断录像（R-08、R-09）。")
            )
            return redirect("activity", pk=activity.pk)
    return render(request, "activities/new.html", {"form": form})


@login_required
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = restricted_object(EnforcementActivity.objects, request.user, "view", pk)
    mine = EnforcementActivity.objects.restrict(request.user, "change").filter(pk=pk).exists()
    recordings = list(
        activity.recordings.cleared_for(request.user).select_related("device", "officer")
    )
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "mine": mine,
            "close_form": CloseActivityForm(),
            "return_form": ReturnForm(),
            "exemptions": activity.exemptions.select_related("filed_by", "reviewed_by"),
            "needs_recording": exemptions.needs_recording(activity),
            "may_file": mine and exemptions.may_file(activity),
            "judged": lifecycle.is_judged(activity),
            "entries": custody_history(request.user, activity),
            "recording_count": len(recordings),
            "coverage": activity_coverage(activity, recordings),
            "findings": Finding.objects.restrict(request.user).filter(activity=activity),
            "may_correct": corrections.may_correct(activity, request.user),
            "corrections": corrections.corrections_of(activity),
            "cancel_form": CancelActivityForm(),
        },
    )


def _correctable(request: AuthenticatedHttpRequest, pk: int) -> EnforcementActivity:
    return restricted_object(EnforcementActivity.objects, request.user, "correct", pk)


@login_required
def activity_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = _correctable(request, pk)
    form = CorrectActivityForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrections.correct_activity(
                activity, request.user, data["reason"], late_reason=data["late_reason"],
                device_reason=data["device_reason"], **form.changes(),
            )  # fmt: skip
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, _("已更正。原来的内容和更正理由已记入记录。"))
            return redirect("activity", pk=pk)
    return render(request, "activities/correct.html", {"activity": activity, "form": form})


@require_POST
@login_required
def activity_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = _correctable(request, pk)
    form = CancelActivityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤销须写明理由。"))
        return redirect("activity", pk=pk)
    try:
        corrections.cancel_activity(activity, request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("执法活动已撤销，不再要求录像。"))
    return redirect("activity", pk=pk)


def _mine(request: AuthenticatedHttpRequest, pk: int) -> EnforcementActivity:
    return restricted_object(EnforcementActivity.objects, request.user, "change", pk)


@require_POST
@login_required
def activity_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = _mine(request, pk)
    form = CloseActivityForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.close_activity(
                activity,
                form.cleaned_data["ended_at"],
                request.user,
                form.cleaned_data["returned_at"],
            )
        except Refused as refusal:
            messages.error(request, refusal.text())
        else:
            messages.success(request, _("执法活动已结束。请当天把记录仪交综合科采集入库（R-13）。"))
    else:
        messages.error(request, _("请填写有效的结束时间。"))
    return redirect("activity", pk=pk)


@require_POST
@login_required
def activity_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = _mine(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.record_return(activity, form.cleaned_data["returned_at"], request.user)
        except Refused as refusal:
            messages.error(request, refusal.text())
        else:
            messages.success(request, _("已登记返回时间：请在 24 小时内移交记录（R-13）。"))
    else:
        messages.error(request, _("请填写有效的返回时间。"))
    return redirect("activity", pk=pk)


@login_required
def exemption_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = _mine(request, pk)
    form = ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exemptions.file_exemption(
                activity, data["ground"], data["legal_basis"], data["facts"], request.user
            )
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            messages.success(request, _("已报送编委办，等待签收（R-04）。"))
            return redirect("activity", pk=pk)
    return render(request, "activities/exemption_new.html", {"activity": activity, "form": form})


@permission_required("activities.review_exemption")
def exemption_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = Exemption.objects.restrict(request.user, "review").select_related(
        "activity", "filed_by"
    )
    pending = items.filter(status=ExemptionStatus.FILED)
    return render(
        request,
        "activities/inbox.html",
        {
            "pending": [(e, ReviewForm(prefix=f"e{e.pk}")) for e in pending],
            "done": items.exclude(status=ExemptionStatus.FILED)[:50],
        },
    )


@require_POST
@permission_required("activities.review_exemption")
def exemption_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exemption = restricted_object(Exemption.objects, request.user, "review", pk)
    accept = request.POST.get("decision") == "acknowledge"
    form = ReviewForm(request.POST, prefix=f"e{pk}")
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        exemptions.review_exemption(exemption, request.user, accept, comment)
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("已签收。") if accept else _("已退回执法人员。"))
    return redirect("exemptions")
