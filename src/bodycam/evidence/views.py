"""Case file pages: the list with a form to open one, a case with its evidence and the forms to
correct it and to mark recordings as evidence (R-14)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header as content_disposition
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.evidence import cases, checking, discs
from bodycam.evidence import extraction as extraction_rules
from bodycam.evidence.extraction import KeyContent
from bodycam.evidence.forms import (
    CaseChangeForm,
    CaseForm,
    DiscCheckForm,
    ExtractionForm,
    MarkForm,
)
from bodycam.evidence.models import Case, Extraction, ExtractionState
from bodycam.ledger.history import custody_history
from bodycam.lib import disc
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.parsing import parse_id
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
    return _case_page(request, case)


def _case_page(
    request: AuthenticatedHttpRequest, case: Case, extraction_form: ExtractionForm | None = None
) -> HttpResponse:
    may_change = request.user.has_perm("evidence.change_case")
    may_extract = request.user.has_perm("evidence.extract_evidence")
    initial = {name: getattr(case, name) for name in FIELDS}
    evidence = list(case.evidence.select_related("recording", "marked_by").order_by("pk"))
    if may_extract and extraction_form is None:
        extraction_form = ExtractionForm(evidence=evidence, initial={"extractor": request.user})
    return render(
        request,
        "evidence/detail.html",
        {
            "case": case,
            "evidence": evidence,
            "may_change": may_change,
            "change_form": CaseChangeForm(initial=initial) if may_change else None,
            "mark_form": MarkForm() if may_change else None,
            "extraction_form": extraction_form,
            "chosen": {int(n) for n in request.POST.getlist("recording") if n.isdigit()},
            "extractions": case.extractions.select_related("maker", "extractor"),
            "entries": custody_history(request.user, case),
        },
        status=400 if extraction_form is not None and extraction_form.is_bound else 200,
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


@require_POST
@permission_required("evidence.extract_evidence")
def extraction_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = restricted_object(Case.objects.select_related("unit"), request.user, "view", pk)
    evidence = list(case.evidence.select_related("recording").order_by("pk"))
    form = ExtractionForm(request.POST, evidence=evidence)
    listed = {use.recording_id: use.recording for use in evidence}
    chosen = [listed[n] for n in map(parse_id, request.POST.getlist("recording")) if n in listed]
    if not form.is_valid():
        return _case_page(request, case, form)
    data = form.cleaned_data
    try:
        extraction = extraction_rules.extract(
            case, chosen, request.user, data["extractor"], data["purpose"],
            recipient=data["recipient"], copies=data["copies"],
            key_content={r.pk: KeyContent(data.get(f"key_{r.pk}") or "") for r in chosen},
        )  # fmt: skip
    except Refused as refusal:
        form.add_error(None, refusal.text())
        return _case_page(request, case, form)
    messages.success(request, _("证据光盘 %(number)s 正在制作，完成后可在本页下载和打印说明。")
                     % {"number": extraction.number})  # fmt: skip
    return redirect("extraction", pk=extraction.pk)


def _extraction(request: AuthenticatedHttpRequest, pk: int) -> Extraction:
    rows = Extraction.objects.select_related("case", "maker", "extractor", "grant", "head")
    return restricted_object(rows, request.user, "view", pk)


@login_required
def extraction_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    extraction = _extraction(request, pk)
    kept = discs.image_path(extraction).exists()
    return render(
        request,
        "evidence/extraction.html",
        {
            "extraction": extraction,
            "files": extraction.files.select_related("recording").order_by("pk"),
            "checks": [
                (check, [checking.problem_text(p) for p in check.problems])
                for check in extraction.checks.select_related("checked_by")
            ],
            "may_download": kept
            and extraction.state == ExtractionState.MADE
            and request.user.pk in (extraction.maker_id, extraction.extractor_id),
            "kept": kept,
            "check_form": DiscCheckForm(),
            "entries": custody_history(request.user, extraction),
        },
    )


@login_required
def extraction_image(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    extraction = _extraction(request, pk)
    path = discs.image_path(extraction)
    if extraction.state != ExtractionState.MADE or not path.exists():
        messages.error(request, _("光盘镜像还没有制作完成，或是在命令行制作、未保存在服务器上。"))
        return redirect("extraction", pk=extraction.pk)
    try:
        extraction_rules.record_download(extraction, request.user)
    except Refused as refusal:
        messages.error(request, refusal.text())
        return redirect("extraction", pk=extraction.pk)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"证据光盘_{extraction.number}.iso",
        content_type="application/x-iso9660-image",
    )  # fmt: skip


@login_required
def extraction_description(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """说明.pdf alone, for the paper case file: the very file on the disc."""
    extraction = _extraction(request, pk)
    path = discs.image_path(extraction)
    if extraction.state != ExtractionState.MADE or not path.exists():
        messages.error(
            request, _("光盘镜像还没有制作完成，说明.pdf 在镜像中；命令行制作的请从光盘打印。")
        )
        return redirect("extraction", pk=extraction.pk)
    with disc.Disc(path) as reader:
        pdf = reader.read(discs.DESCRIPTION, 256 << 20)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition(False, f"说明_{extraction.number}.pdf") or ""
    )
    return response


@require_POST
@login_required
def extraction_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    extraction = _extraction(request, pk)
    form = DiscCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        for problem in form.readable_errors():
            messages.error(request, problem)
        return redirect("extraction", pk=extraction.pk)
    check = checking.check_upload(form.cleaned_data["image"], request.user)
    if check.passed:
        messages.success(
            request, _("核验通过：%(n)s 个文件与签名清单一致。") % {"n": check.files_checked}
        )
    elif check.extraction_id != extraction.pk:
        messages.error(request, _("上传的镜像不是这张光盘的（清单不同）。"))
    else:
        messages.error(request, _("核验未通过，问题见下方核验记录。"))
    return redirect("extraction", pk=extraction.pk)
