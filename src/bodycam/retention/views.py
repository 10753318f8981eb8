"""Retention pages: a recording's retention panel with its holds, the disposal batches and
the two approvals each needs (R-14)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording
from bodycam.retention import disposal, holds
from bodycam.retention.models import BatchState, DisposalBatch, Hold, HoldKind

DISPOSED = _("两方均已批准，清单中的音像记录已销毁，记录行和哈希值保留。")
ONE_OF_TWO = _("已批准，还须另一方（主要负责人或综合科）批准后才会销毁。")


def retention_panel(user, recording: Recording) -> dict:
    """What the recording page shows about how long it is kept and what holds it."""
    return {
        "cases": recording.evidence_uses.select_related("case").order_by("pk")
        if user.has_perm("evidence.view_case")
        else [],
        "holds": recording.holds.select_related("placed_by", "released_by")
        if user.has_perm("retention.view_hold")
        else [],
        "may_hold": user.has_perm("retention.add_hold") and recording.disposed_at is None,
        "hold_kinds": HoldKind.choices,
    }


@require_POST
@permission_required("retention.add_hold")
def recording_hold(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recording = restricted_object(Recording.objects, request.user, "view", pk)
    try:
        holds.place_hold(
            recording,
            request.POST.get("kind", ""),
            request.POST.get("reason", "")[:2000],
            request.user,
        )
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("已保全：解除之前这条音像记录不会被销毁。"))
    return redirect("recording", pk=recording.pk)


@require_POST
@permission_required("retention.add_hold")
def hold_release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hold = restricted_object(Hold.objects, request.user, "add", pk)
    try:
        holds.release_hold(hold, request.POST.get("reason", "")[:2000], request.user)
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("保全已解除。"))
    return redirect("recording", pk=hold.recording_id)


@permission_required("retention.view_disposalbatch")
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(DisposalBatch.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "retention/list.html", {"page": page, "due": disposal.due().count()})


@permission_required("retention.view_disposalbatch")
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = restricted_object(DisposalBatch.objects, request.user, "view", pk)
    user = request.user
    waiting = batch.state == BatchState.COLLECTED
    return render(
        request,
        "retention/detail.html",
        {
            "batch": batch,
            "recordings": Paginator(batch.recordings.order_by("pk"), 100).get_page(
                request.GET.get("page")
            ),
            "may_approve": waiting
            and user.has_perm("retention.approve_disposalbatch")
            and user.pk not in (batch.head_approved_by_id, batch.records_approved_by_id),
            "entries": custody_history(user, batch),
        },
    )


@require_POST
@login_required
def batch_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = restricted_object(DisposalBatch.objects, request.user, "view", pk)
    comment = request.POST.get("comment", "")[:2000]
    try:
        if request.POST.get("decision") == "reject":
            disposal.reject(batch, request.user, comment)
            messages.success(request, _("未批准：清单已办结，其中的音像记录保持原样。"))
        elif request.POST.get("confirmed") != "1":
            messages.error(request, _("请先勾选“我已核对清单，确认批准销毁”。"))
        else:
            batch = disposal.approve(batch, request.user, comment)
            if batch.state == BatchState.DISPOSED:
                messages.success(
                    request, _("两方均已批准，清单中的音像记录已销毁，记录行和哈希值保留。")
                )
            else:
                messages.success(
                    request, _("已批准，还须另一方（主要负责人或综合科）批准后才会销毁。")
                )
    except Refused as refusal:
        messages.error(request, refusal.text())
    return redirect("disposal-batch", pk=batch.pk)
