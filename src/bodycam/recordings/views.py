"""Recording pages: the list with its filters, a recording's facts, the unlinked queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.access.panel import viewing_panel
from bodycam.activities.models import EnforcementActivity
from bodycam.activities.vocabulary import ContentTag
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.recordings import identification, jobs, linking
from bodycam.recordings.forms import IdentifyForm
from bodycam.recordings.models import Condition, Kind, ProcessingJob, Recording
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
            "candidates": _candidates(recording) if may_link else [],
            **_job(recording),
            "derived": recording.derived.order_by("kind"),
            **viewing_panel(request.user, recording),
            **retention_panel(request.user, recording),
        },
    )


def _job(recording: Recording) -> dict:
    job = ProcessingJob.objects.filter(recording=recording).first()
    if job is None:
        return {"job": None}
    return {
        "job": job,
        "job_error": jobs.readable_error(job),
        "job_reasons": jobs.unavailable_reasons(job),
    }


def _candidates(recording: Recording):
    """Activities of the same officer around that day, newest first, for linking by hand."""
    activities = EnforcementActivity.objects.order_by("-started_at")
    if recording.officer_id:
        activities = activities.filter(officers=recording.officer_id)
    return activities[:30]


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
