"""Recording pages: the list with its filters, a recording's facts, the unlinked queue."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bodycam.access.panel import viewing_panel
from bodycam.activities.models import ActivityStatus, EnforcementActivity
from bodycam.activities.vocabulary import ContentTag
from bodycam.ledger.history import custody_history
from bodycam.lib import wallclock
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response
from bodycam.lib.parsing import day_bound
from bodycam.recordings import export, identification, jobs, linking, mistakes
from bodycam.recordings.forms import IdentifyForm
from bodycam.recordings.models import Condition, Kind, MistakeStatus, ProcessingJob, Recording
from bodycam.recordings.queries import FILTERS, filter_recordings
from bodycam.recordings.review import describe_note, how_time_was_read
from bodycam.retention.views import retention_panel


@login_required
def recording_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    recordings: QuerySet[Recording] = Recording.objects.restrict(request.user).select_related(
        "officer", "device"
    )
    try:
        recordings = filter_recordings(recordings, request.GET)
    except Refused as refusal:
        messages.error(request, refusal.text())
    page = Paginator(recordings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recordings/list.html",
        {
            "page": page,
            "filters": {name: request.GET.get(name, "") for name in FILTERS},
            "kinds": Kind.choices,
            "conditions": Condition.choices,
            "tags": ContentTag.choices,
        },
    )


@require_GET
@login_required
def recording_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The list as filtered, as .xlsx (the facts, never the content)."""
    recordings: QuerySet[Recording] = Recording.objects.restrict(request.user)
    try:
        recordings = filter_recordings(recordings, request.GET)
    except Refused as refusal:
        messages.error(request, refusal.text())
        return redirect("recordings")
    return xlsx_response("recordings", _("音像记录"), export.headers(),
                         export.rows(recordings), request.user, request.GET)  # fmt: skip


@login_required
def recording_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(
        Recording.objects.select_related("officer", "device", "activity"), request.user, "view", pk
    )
    may_link = request.user.has_perm("recordings.change_recording")
    return render(
        request,
        "recordings/detail.html",
        {
            "recording": recording,
            "notes": [describe_note(note) for note in recording.review_notes],
            "convention": how_time_was_read(recording),
            "entries": custody_history(request.user, recording),
            "may_link": may_link,
            **(_candidates(recording, request.GET) if may_link else {}),
            **_job(recording),
            **_mistake_panel(request.user, recording),
            "derived": recording.derived.order_by("kind"),
            **viewing_panel(request.user, recording),
            **retention_panel(request.user, recording),
        },
    )


def _mistake_panel(user, recording: Recording) -> dict:
    """The 误传 panel: a pending proposal, the decided one, and what this user may do."""
    proposals = list(recording.mistakes.select_related("proposed_by", "decided_by"))
    pending = next((p for p in proposals if p.status == MistakeStatus.PROPOSED), None)
    return {
        "mistakes": proposals,
        "pending_mistake": pending,
        "may_propose_mistake": pending is None
        and recording.mistaken_at is None
        and user.has_perm("recordings.change_recording"),
        "may_decide_mistake": pending is not None
        and pending.proposed_by_id != user.pk
        and user.has_perm("recordings.decide_mistaken_upload"),
    }


def _job(recording: Recording) -> dict:
    job = ProcessingJob.objects.filter(recording=recording).first()
    if job is None:
        return {"job": None}
    return {
        "job": job,
        "job_error": jobs.readable_error(job),
        "job_reasons": jobs.unavailable_reasons(job),
    }


def _candidates(recording: Recording, params) -> dict:
    """Activities to link by hand: by default the recording's officer's, on its Beijing day
    and the day either side; the records office may search another day or officer."""
    day = params.get("link_day") or (
        wallclock.local_day(recording.recorded_at) if recording.recorded_at else ""
    )
    who = params.get("link_officer", "")
    if "link_officer" not in params and recording.officer:
        who = recording.officer.badge_number or recording.officer.username
    activities = EnforcementActivity.objects.exclude(status=ActivityStatus.CANCELLED)
    try:
        if day:
            middle = day_bound(str(day), end=False)
            activities = activities.filter(
                started_at__gte=middle - timedelta(days=1),
                started_at__lt=middle + timedelta(days=2),
            )
    except Refused:
        day = ""
    if who:
        activities = activities.filter(
            Q(officers__badge_number=who) | Q(officers__username=who)
            | Q(officers__full_name=who)
        ).distinct()  # fmt: skip
    return {
        "candidates": activities.order_by("-started_at").prefetch_related("officers")[:200],
        "link_day": str(day),
        "link_officer": who,
    }


@require_POST
@login_required
def recording_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(Recording.objects, request.user, "change", pk)
    value = request.POST.get("activity", "")
    activity = (
        restricted_object(EnforcementActivity.objects, request.user, "view", value)
        if value
        else None
    )
    try:
        linking.link_by_hand(recording, activity, request.user)
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("已关联到执法活动。") if activity else _("已取消关联。"))
    return redirect("recording", pk=pk)


@login_required
def recording_identify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(Recording.objects, request.user, "change", pk)
    form = IdentifyForm(request.POST or None, recording=recording)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            identification.identify_recording(
                recording, request.user, data["reason"], officer=data["officer"],
                device=data["device"], recorded_at=data["recorded_at"],
            )  # fmt: skip
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(
                request, _("已核实。原始值和理由已记入记录，关联和移交时限已重新计算。")
            )
            return redirect("recording", pk=pk)
    return render(request, "recordings/identify.html", {"recording": recording, "form": form})


@require_POST
@login_required
def recording_mistaken(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(Recording.objects, request.user, "change", pk)
    try:
        mistakes.propose_mistaken(recording, request.user, request.POST.get("reason", ""))
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("已提出误传，等待主要负责人审批。"))
    return redirect("recording", pk=pk)


@require_POST
@permission_required("recordings.decide_mistaken_upload")
def recording_mistaken_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(Recording.objects, request.user, "view", pk)
    proposal = recording.mistakes.filter(status=MistakeStatus.PROPOSED).first()
    if proposal is None:
        messages.error(request, _("该文件没有待审批的误传申请。"))
        return redirect("recording", pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        mistakes.decide_mistaken(proposal, request.user, approve, request.POST.get("comment", ""))
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(
            request,
            _("已确认误传：该文件不再出现在列表和合规检查中，原始文件保留至保存期限届满。")
            if approve
            else _("已退回，该文件仍作为音像记录处理。"),
        )
    return redirect("recording", pk=pk)
