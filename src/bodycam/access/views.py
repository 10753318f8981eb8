"""Pages of the viewing workflow: ask (on a recording or an activity), the requests to decide
or register, one request with what can be done to it next, the register, my grants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bodycam.access import register, secrecy
from bodycam.access import requests as workflow
from bodycam.access.forms import OpinionForm, RegisterForm, RequestForm, RevokeForm
from bodycam.access.models import (
    RequestState,
    SecrecyChange,
    SecrecyChangeState,
    ViewingRequest,
    may_approve,
)
from bodycam.access.queue import awaiting_decision, awaiting_registration
from bodycam.activities.models import EnforcementActivity
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.fonts import NO_FONT, NoChineseFont
from bodycam.lib.parsing import parse_int
from bodycam.lib.spreadsheets import XLSX
from bodycam.recordings.models import Recording


def _target(request: AuthenticatedHttpRequest) -> dict:
    """What is asked for: ?recording=ID (one or more) or ?activity=ID, each one the user may
    see (404 otherwise, as for any object they may not see)."""
    source = request.POST if request.method == "POST" else request.GET
    if activity := source.get("activity"):
        found = restricted_object(EnforcementActivity.objects, request.user, "view", activity)
        return {"activity": found, "recordings": list(found.recordings.cleared_for(request.user))}
    chosen = [
        restricted_object(Recording.objects, request.user, "view", number)
        for number in source.getlist("recording")[: workflow.MAX_RECORDINGS]
    ]
    return {"activity": None, "recordings": chosen}


@login_required
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    target = _target(request)
    outside_allowed = request.user.has_perm("access.file_outside_request")
    form = RequestForm(request.POST or None, outside_allowed=outside_allowed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outside = None
        if data.get("outside_body") or data.get("viewer_name") or data.get("letter_number"):
            outside = workflow.Outside(
                body=data.get("outside_body", ""), name=data.get("viewer_name", ""),
                unit=data.get("viewer_unit", ""), letter_number=data.get("letter_number", ""),
                id_number=data.get("id_number", ""), badge=data.get("viewer_badge", ""),
            )  # fmt: skip
        try:
            viewing = workflow.submit_request(
                request.user,
                route=data["route"],
                reason=data["reason"],
                recordings=[r.pk for r in target["recordings"]] if not target["activity"] else None,
                activity=target["activity"].pk if target["activity"] else None,
                rights=["view", "download"] if data["download"] else ["view"],
                hours=data["hours"],
                outside=outside,
            )
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            messages.success(
                request, _("查阅申请已提交，等待主要负责人审批；批准并登记后即可查看。")
            )
            return redirect("viewing-request", pk=viewing.pk)
    return render(request, "access/request_new.html", {"form": form, **target})


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    mine = ViewingRequest.objects.filter(requester=user).select_related("requester")
    context = {
        "to_decide": awaiting_decision(user).select_related("requester")[:100],
        "to_register": awaiting_registration(user).select_related("requester")[:100],
        "may_decide": may_approve(user) or user.has_perm("access.approve_secrecy"),
        "may_register": user.has_perm("access.register_viewingrequest"),
        "mine": Paginator(mine, 50).get_page(request.GET.get("page")),
    }
    return render(request, "access/requests.html", context)


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    viewing = restricted_object(
        ViewingRequest.objects.select_related("requester", "activity"), request.user, "view", pk
    )
    user = request.user
    state = viewing.state
    context = {
        "viewing": viewing,
        "recordings": viewing.recordings.cleared_for(user).select_related("officer"),
        "needs_secrecy": workflow.needs_secrecy_approval(viewing),
        "may_decide": state == RequestState.SUBMITTED
        and viewing.requester_id != user.pk
        and (may_approve(user) or user.has_perm("access.approve_secrecy")),
        "may_register": state == RequestState.APPROVED
        and user.has_perm("access.register_viewingrequest"),
        "may_revoke": (may_approve(user) or viewing.requester_id == user.pk)
        and (state in (RequestState.SUBMITTED, RequestState.APPROVED) or viewing.is_active),
        "holds_grant": viewing.is_active and viewing.requester_id == user.pk,
        "opinion_form": OpinionForm(),
        "register_form": RegisterForm(
            initial={"manner": "download" if viewing.download else "view"}
        ),
        "revoke_form": RevokeForm(),
        "entries": custody_history(user, viewing),
    }
    return render(request, "access/request_detail.html", context)


def _step(request: AuthenticatedHttpRequest, pk: int, restriction: str, act, done: str):
    viewing = restricted_object(ViewingRequest.objects, request.user, restriction, pk)
    try:
        act(viewing)
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, done)
    return redirect("viewing-request", pk=viewing.pk)


@require_POST
@login_required
def request_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opinion = request.POST.get("opinion", "")[:2000]
    return _step(request, pk, "decide", lambda v: workflow.approve(v, request.user, opinion),
                 _("已批准。"))  # fmt: skip


@require_POST
@login_required
def request_deny(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opinion = request.POST.get("opinion", "")[:2000]
    return _step(request, pk, "decide", lambda v: workflow.deny(v, request.user, opinion),
                 _("已不予批准，申请人会看到您的意见。"))  # fmt: skip


@require_POST
@permission_required("access.register_viewingrequest")
def request_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = RegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择查阅方式，复制份数应为 0 至 20。"))
        return redirect("viewing-request", pk=pk)
    data = form.cleaned_data

    def act(viewing: ViewingRequest) -> None:
        workflow.register(viewing, request.user, manner=data["manner"], copies=data["copies"],
                          remarks=data["remarks"])  # fmt: skip

    return _step(request, pk, "register", act, _("已登记，查阅授权即时生效。"))


@require_POST
@login_required
def request_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:2000]
    return _step(request, pk, "revoke", lambda v: workflow.revoke(v, request.user, reason),
                 _("已撤销，此后无法再查看。"))  # fmt: skip


@login_required
def my_grants(request: AuthenticatedHttpRequest) -> HttpResponse:
    grants = (
        ViewingRequest.objects.filter(requester=request.user, state=RequestState.REGISTERED)
        .prefetch_related("recordings")
        .order_by("-ends_at")
    )
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(request, "access/grants.html", {"page": page})


def _register_rows(request: AuthenticatedHttpRequest):
    try:
        return register.entries(request.user, request.GET), None
    except Refused as refusal:
        return register.entries(request.user, {}), refusal.text()


@require_safe
@permission_required("access.view_viewingrequest")
def viewing_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows, problem = _register_rows(request)
    if problem:
        messages.error(request, problem)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "access/register.html",
        {"page": page, "rows": [(entry, register.row(entry)) for entry in page],
         "headers": register.headers(), "query": request.GET.urlencode()},
    )  # fmt: skip


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@permission_required("access.view_viewingrequest")
def register_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows, problem = _register_rows(request)
    if problem:
        messages.error(request, problem)
        return redirect("viewing-register")
    name = f"viewing-register-{timezone.localdate():%Y%m%d}.xlsx"
    return _download(register.register_xlsx(request.user, rows), XLSX, name)


@require_safe
@permission_required("access.view_viewingrequest")
def register_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows, problem = _register_rows(request)
    if problem:
        messages.error(request, problem)
        return redirect("viewing-register")
    try:
        data = register.register_pdf(request.user, rows)
    except NoChineseFont:
        messages.error(request, str(NO_FONT))
        return redirect("viewing-register")
    name = f"viewing-register-{timezone.localdate():%Y%m%d}.pdf"
    return _download(data, "application/pdf", name)


@require_POST
@permission_required("recordings.change_secrecy")
def recording_secrecy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(Recording.objects, request.user, "view", pk)
    try:
        level = parse_int(request.POST.get("level", ""), 0, 9)
        change = secrecy.change_secrecy(
            recording, level, request.user, request.POST.get("reason", "")
        )
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        done = SecrecyChangeState.APPLIED
        messages.success(
            request,
            _("密级已提高，立即生效。") if change.state == done
            else _("降密申请已提交，经主要负责人和保密员审批后生效。"),
        )  # fmt: skip
    return redirect("recording", pk=recording.pk)


@require_POST
@login_required
def secrecy_change_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change = restricted_object(SecrecyChange.objects, request.user, "approve", pk)
    comment = request.POST.get("comment", "")[:2000]
    try:
        if request.POST.get("decision") == "approve":
            secrecy.approve_lowering(change, request.user)
        else:
            secrecy.refuse_lowering(change, request.user, comment)
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("已处理。"))
    return redirect("recording", pk=change.recording_id)
