"""Violation case pages (R-21, R-22): the list with the form to open a case, the case with the
form of each step its reader may take now, and the one-step escalation of a finding or a
review."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.accountability import violations
from bodycam.accountability.forms import DecideForm, EscalateForm, OpenCaseForm, TextForm
from bodycam.accountability.models import CaseState, Responsibility, Sanction, ViolationCase
from bodycam.compliance.models import Finding
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import NOT_FOUND, restricted_object
from bodycam.lib.errors import Refused
from bodycam.supervision.models import Review

# The steps that take one text; each rule says who may take it.
STEPS: dict[str, Callable] = {
    "statement": violations.take_statement,
    "extend": violations.extend_deadline,
    "close": violations.close_case,
    "appeal": violations.note_appeal,
}


@permission_required("accountability.view_violationcase")
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_open = request.user.has_perm("accountability.add_violationcase")
    form = OpenCaseForm(request.POST or None) if may_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        shares = [violations.Share(person, part) for person, part in form.shares()]
        try:
            case = violations.open_case(request.user, data["category"], data["facts"], shares)
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            messages.success(request, _("已立案：%(number)s。") % {"number": case.number})
            return redirect("violation", pk=case.pk)
    rows = ViolationCase.objects.restrict(request.user).order_by("-opened_at", "-pk")
    state = request.GET.get("state", "")
    if state in CaseState.values:
        rows = rows.filter(state=state)
    if request.GET.get("criticism") == "pending":
        rows = rows.filter(responsibilities__sanction=Sanction.PUBLIC_CRITICISM,
                           responsibilities__criticism_at__isnull=True).distinct()  # fmt: skip
    page = Paginator(rows.select_related("opened_by"), 50).get_page(request.GET.get("page"))
    return render(
        request, "accountability/list.html",
        {"page": page, "form": form, "states": CaseState.choices, "state": state,
         "now": timezone.now()},
        status=400 if form is not None and form.is_bound else 200,
    )  # fmt: skip


@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = restricted_object(ViolationCase.objects, request.user, "view", pk)
    user = request.user
    shares = list(case.responsibilities.select_related("person__unit", "criticism_by"))
    investigating = case.state == CaseState.INVESTIGATING
    carries = user.has_perm("accountability.add_violationcase")
    decides = user.has_perm("accountability.decide_violationcase")
    return render(
        request,
        "accountability/detail.html",
        {
            "case": case,
            "shares": shares,
            "overdue": investigating and case.deadline < timezone.now(),
            "findings": case.findings.all(),
            "reviews": case.reviews.select_related("candidate__campaign"),
            "may_state": investigating and carries,
            "may_extend": investigating and decides and not case.extension_reason,
            "decide_form": DecideForm(shares) if investigating and decides else None,
            "may_notify": case.state == CaseState.DECIDED and carries,
            "may_close": case.state == CaseState.NOTIFIED and carries,
            "may_appeal": not investigating and carries,
            "may_criticise": user.has_perm("accountability.issue_criticism"),
            "faults": {s.person_id: violations.faults_this_year(s.person) for s in shares},
            "entries": custody_history(user, case),
        },
    )


def _done(request, case_pk: int, action: Callable[[], object], said: str) -> HttpResponse:
    try:
        action()
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, said)
    return redirect("violation", pk=case_pk)


@require_POST
@login_required
def case_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS and step != "notify":
        raise Http404(NOT_FOUND)
    case = restricted_object(ViolationCase.objects, request.user, "view", pk)
    if step == "notify":
        return _done(request, case.pk, lambda: violations.notify(case, request.user),
                     _("已登记送达。"))  # fmt: skip
    function = STEPS[step]
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写内容后再提交。"))
        return redirect("violation", pk=case.pk)
    text = form.cleaned_data["text"]
    return _done(request, case.pk, lambda: function(case, request.user, text), _("已保存。"))


@require_POST
@login_required
def case_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = restricted_object(ViolationCase.objects, request.user, "decide", pk)
    form = DecideForm(list(case.responsibilities.select_related("person")), request.POST)
    if not form.is_valid():
        for problem in form.readable_errors():
            messages.error(request, problem)
        return redirect("violation", pk=case.pk)
    data = form.cleaned_data
    sanctions = {
        s.person_id: violations.Decided(data[f"sanction-{s.person_id}"],
                                        data[f"administrative-{s.person_id}"])
        for s in form.shares
    }  # fmt: skip
    return _done(
        request, case.pk,
        lambda: violations.decide(case, request.user, data["decision"], sanctions,
                                  mitigating=data["mitigating"]),
        _("追究决定已作出，请督察人员送达责任人。"),
    )  # fmt: skip


@require_POST
@login_required
def criticism_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = Responsibility.objects.filter(pk=pk).select_related("case").first()
    if share is None:
        raise Http404(NOT_FOUND)
    case = restricted_object(ViolationCase.objects, request.user, "criticise", share.case_id)
    form = TextForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _done(request, case.pk, lambda: violations.issue_criticism(share, request.user, text),
                 _("通报批评已发布。"))  # fmt: skip


def _escalated(request, opening: Callable) -> HttpResponse | None:
    form = EscalateForm(request.POST)
    if not form.is_valid():
        for problem in form.readable_errors():
            messages.error(request, problem)
        return None
    try:
        case = opening(form.cleaned_data["category"], form.cleaned_data["facts"])
    except Refused as refusal:
        messages.error(request, refusal.text())
        return None
    messages.success(request, _("已立案：%(number)s。") % {"number": case.number})
    return redirect("violation", pk=case.pk)


@require_POST
@login_required
def escalate_finding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = restricted_object(Finding.objects, request.user, "decide", pk)
    opened = _escalated(request, lambda category, facts: violations.open_from_finding(
        finding, request.user, category, facts))  # fmt: skip
    return opened or redirect("finding", pk=finding.pk)


@require_POST
@login_required
def escalate_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = restricted_object(Review.objects.select_related("candidate"), request.user, "view", pk)
    opened = _escalated(request, lambda category, facts: violations.open_from_review(
        review, request.user, category, facts))  # fmt: skip
    candidate = review.candidate
    return opened or redirect("campaign-review", pk=candidate.campaign_id,
                              recording=candidate.recording_id)  # fmt: skip
