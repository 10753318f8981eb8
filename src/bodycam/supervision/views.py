"""Spot-check pages (R-20): the campaigns with the form to propose one, a campaign with its rule,
seed, sample and the head's decision, and the review of one sampled recording beside its
findings and speech."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.accountability.forms import EscalateForm
from bodycam.accountability.models import ViolationCase
from bodycam.compliance import rates
from bodycam.compliance.facts import moments, readable_facts
from bodycam.compliance.models import Finding, SpeechAnalysis
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import pdf
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import NOT_FOUND, restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response
from bodycam.lib.fonts import NO_FONT, NoChineseFont
from bodycam.lib.parsing import parse_day
from bodycam.supervision import campaigns, evaluation, reviews
from bodycam.supervision.forms import CampaignForm, CloseForm, DecisionForm, ReviewForm
from bodycam.supervision.models import Answer, Campaign, CampaignState, Candidate, Review


@permission_required("supervision.view_campaign")
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_propose = request.user.has_perm("supervision.add_campaign")
    form = CampaignForm(request.POST or None) if may_propose else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        plan = campaigns.Plan(
            title=data["title"], period_from=data["period_from"], period_to=data["period_to"],
            ratio=data["percent"] / 100, minimum=data["minimum"],
            reviewers=list(data["reviewers"]), units=list(data["units"]),
            review_until=data["review_until"],
        )  # fmt: skip
        try:
            campaign = campaigns.propose_campaign(plan, request.user)
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, _("抽查 %(number)s 已提出，待主要负责人批准。")
                             % {"number": campaign.number})  # fmt: skip
            return redirect("campaign", pk=campaign.pk)
    rows = (
        Campaign.objects.restrict(request.user)
        .annotate(
            sampled=Count("candidates", filter=Q(candidates__sampled=True)),
            reviewed=Count("candidates__review"),
        )
        .order_by("-proposed_at", "-pk")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "supervision/list.html", {"page": page, "form": form}, status=status)


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = restricted_object(Campaign.objects, request.user, "view", pk)
    user = request.user
    sampled = (
        campaign.candidates.filter(sampled=True)
        .select_related("recording__officer__unit", "reviewer", "review")
        .order_by("stratum", "recording_id")
    )
    reviewed = Review.objects.filter(candidate__campaign=campaign)
    strata = (
        campaign.candidates.values("stratum")
        .annotate(total=Count("pk"), taken=Count("pk", filter=Q(sampled=True)))
        .order_by("stratum")
    )
    started = campaign.state == CampaignState.STARTED
    return render(
        request,
        "supervision/detail.html",
        {
            "campaign": campaign,
            "ratio_percent": campaign.ratio * 100,
            "rule": campaigns.RULE,
            "units": campaign.units.order_by("code"),
            "reviewers": campaign.reviewers.select_related("unit").order_by("username"),
            "sampled": sampled,
            "strata": strata,
            "candidates": campaign.candidates.count(),
            "reviewed": reviewed.count(),
            "average": reviewed.aggregate(score=Avg("score"))["score"],
            "may_decide": campaign.state == CampaignState.PROPOSED
            and user.has_perm("supervision.start_campaign"),
            "may_close": started and user.has_perm("supervision.add_campaign"),
            "decision_form": DecisionForm(),
            "close_form": CloseForm(),
        },
    )


@require_POST
@login_required
def campaign_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = restricted_object(Campaign.objects, request.user, "start", pk)
    form = DecisionForm(request.POST)
    opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "start":
            campaigns.start_campaign(campaign, request.user, opinion)
            messages.success(request, _("抽查已开始：已公布随机种子、抽取样本并授权评查人员查看。"))
        else:
            campaigns.refuse_campaign(campaign, request.user, opinion)
            messages.success(request, _("已不批准该抽查，意见已告知提出人。"))
    except Refused as refusal:
        messages.error(request, refusal.text())
    return redirect("campaign", pk=campaign.pk)


@require_POST
@login_required
def campaign_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = restricted_object(Campaign.objects, request.user, "change", pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        for problem in form.readable_errors():
            messages.error(request, problem)
        return redirect("campaign", pk=campaign.pk)
    try:
        campaigns.close_campaign(campaign, request.user, form.cleaned_data["summary"])
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("抽查已结束：保全已解除，评查人员的查看授权已终止。"))
    return redirect("campaign", pk=campaign.pk)


def _initial(review: Review | None) -> dict:
    if review is None:
        return {}
    initial: dict[str, object] = {"comment": review.comment}
    for answer in review.answers.all():
        initial[f"{answer.item}-verdict"] = answer.verdict
        initial[f"{answer.item}-comment"] = answer.comment
        initial[f"{answer.item}-second"] = answer.at_second
    return initial


def _given(form: ReviewForm) -> dict[str, reviews.Given]:
    data = form.cleaned_data
    return {
        item.key: reviews.Given(data[f"{item.key}-verdict"], data[f"{item.key}-comment"],
                                data[f"{item.key}-second"])
        for item in form.items
    }  # fmt: skip


@login_required
def review_page(request: AuthenticatedHttpRequest, pk: int, recording: int) -> HttpResponse:
    campaign = restricted_object(Campaign.objects, request.user, "view", pk)
    candidate = (
        Candidate.objects.filter(campaign=campaign, sampled=True, recording_id=recording)
        .select_related("recording__officer", "recording__activity", "reviewer")
        .first()
    )
    if candidate is None:
        raise Http404(NOT_FOUND)
    review = Review.objects.filter(candidate=candidate).first()
    items = reviews.review_items()
    may_review = (
        candidate.reviewer_id == request.user.pk and campaign.state == CampaignState.STARTED
    )
    form = None
    if may_review:
        form = ReviewForm(items, request.POST or None, initial=_initial(review),
                          correcting=review is not None)  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            reviews.submit_review(candidate, request.user, _given(form),
                                  form.cleaned_data["comment"],
                                  form.cleaned_data.get("reason", ""))  # fmt: skip
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            messages.success(request, _("评查已保存。"))
            return redirect("campaign", pk=campaign.pk)
    return _review_page(request, campaign, candidate, review, form)


def _answered(review: Review | None) -> list[tuple[reviews.Item, Answer | None]]:
    given = {a.item: a for a in review.answers.all()} if review else {}
    return [(item, given.get(item.key)) for item in reviews.review_items()]


def _review_page(request, campaign, candidate, review, form) -> HttpResponse:
    recording = candidate.recording
    about = Q(recording=recording)
    if recording.activity_id:
        about |= Q(activity_id=recording.activity_id, recording__isnull=True)
    findings = Finding.objects.filter(about).order_by("found_at")
    speech = SpeechAnalysis.objects.filter(recording=recording).first()
    return render(
        request,
        "supervision/review.html",
        {
            "campaign": campaign,
            "candidate": candidate,
            "recording": recording,
            "review": review,
            "answers": _answered(review),
            "form": form,
            "findings": [(f, readable_facts(f), moments(f)) for f in findings],
            "cases": ViolationCase.objects.filter(reviews=review) if review else [],
            "escalate_form": EscalateForm()
            if review is not None
            and request.user.has_perm("accountability.add_violationcase")
            and recording.officer_id not in (None, request.user.pk)
            and not ViolationCase.objects.filter(reviews=review).exists()
            else None,
            "speech": speech,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@permission_required("supervision.view_campaign")
def evaluation_page(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """执法质量考评 per officer or unit over a period, on the page, as .xlsx or as PDF."""
    since, until = rates.default_period()
    try:
        since = parse_day(request.GET["since"]) if request.GET.get("since") else since
        until = parse_day(request.GET["until"]) if request.GET.get("until") else until
    except Refused as refusal:
        messages.error(request, refusal.text())
    by_unit = request.GET.get("by") == "unit"
    headers = evaluation.headers(by_unit)
    rows = evaluation.rows(evaluation.evaluate(since, until, by_unit), by_unit)
    title = _("执法质量考评 %(since)s 至 %(until)s") % {"since": since, "until": until}
    wanted = request.GET.get("format")
    if wanted == "xlsx":
        return xlsx_response("evaluation", title, headers, rows, request.user, request.GET)
    if wanted == "pdf":
        return _evaluation_pdf(request, title, headers, rows)
    return render(request, "supervision/evaluation.html", {
        "headers": headers, "rows": rows, "since": since, "until": until, "by_unit": by_unit,
        "query": request.GET.urlencode(), "weights": (settings.EVALUATION_REVIEW_WEIGHT,
                                                      settings.EVALUATION_COMPLIANCE_WEIGHT),
    })  # fmt: skip


def _evaluation_pdf(request, title: str, headers: list[str], rows: list[list]) -> HttpResponse:
    try:
        document = pdf.table_document(title, str(evaluation_basis()), headers,
                                      [[str(v) for v in row] for row in rows],
                                      [3] + [1.2] * (len(headers) - 1))  # fmt: skip
    except NoChineseFont:
        messages.error(request, str(NO_FONT))
        return redirect("evaluation")
    record(Action.EXPORT, None, request.user, list="evaluation", format="pdf", rows=len(rows))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="evaluation.pdf"'
    return response


def evaluation_basis() -> str:
    return _(
        "综合得分 =（抽查评查平均分 × %(review)s + 合规率 × %(compliance)s）÷（%(review)s + "
        "%(compliance)s）；缺少其中一项的，以另一项为准。"
    ) % {"review": settings.EVALUATION_REVIEW_WEIGHT,
         "compliance": settings.EVALUATION_COMPLIANCE_WEIGHT}  # fmt: skip
