"""Case file pages: the list with a form to open one, a case with its evidence and the forms to
correct it and to mark recordings as evidence (R-14)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.evidence import cases
from bodycam.evidence.forms import CaseChangeForm, CaseForm, MarkForm
from bodycam.evidence.models import Case
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording

FIELDS = ("title", "case_type", "unit", "opened_on", "closed_on", "retention")


@permission_required("evidence.view_case")
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_open = request.user.has_perm("evidence.add_case")
    form = CaseForm(request.POST or None) if may_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.open_case(data["number"], request.user, **{k: data[k] for k in FIELDS})
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            messages.success(request, _("案卷 %(number)s 已建立。") % {"number": case.number})
            return redirect("case", pk=case.pk)
    rows = Case.objects.restrict(request.user).select_related("unit")
    if query := request.GET.get("q", "").strip():
        rows = rows.filter(number__icontains=query) | rows.filter(title__icontains=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "evidence/list.html", {"page": page, "form": form, "q": query})


@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = restricted_object(Case.objects.select_related("unit"), request.user, "view", pk)
    may_change = request.user.has_perm("evidence.change_case")
    initial = {name: getattr(case, name) for name in FIELDS}
    return render(
        request,
        "evidence/detail.html",
        {
            "case": case,
            "evidence": case.evidence.select_related("recording", "marked_by").order_by("pk"),
            "may_change": may_change,
            "change_form": CaseChangeForm(initial=initial) if may_change else None,
            "mark_form": MarkForm() if may_change else None,
            "entries": custody_history(request.user, case),
        },
    )


@require_POST
@login_required
def case_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = restricted_object(Case.objects, request.user, "change", pk)
    form = CaseChangeForm(request.POST)
    if not form.is_valid():
        for problem in form.readable_errors():
            messages.error(request, problem)
        return redirect("case", pk=case.pk)
    data = form.cleaned_data
    try:
        cases.change_case(case, request.user, data["reason"], **{k: data[k] for k in FIELDS})
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("案卷已修改，修改前的内容保留在监管链中。"))
    return redirect("case", pk=case.pk)


@require_POST
@login_required
def case_mark(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = restricted_object(Case.objects, request.user, "change", pk)
    form = MarkForm(request.POST)
    if not form.is_valid():
        for problem in form.readable_errors():
            messages.error(request, problem)
        return redirect("case", pk=case.pk)
    try:
        numbers = [int(n) for n in re.findall(r"\d+", form.cleaned_data["recordings"])][:200]
        chosen = cases.recordings_numbered(numbers, Recording.objects.restrict(request.user))
        made = cases.mark_evidence(case, chosen, request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(
            request,
            _("%(n)s 条音像记录已作为本案证据，保存至本案卷保管期限届满。") % {"n": len(made)},
        )
    return redirect("case", pk=case.pk)
