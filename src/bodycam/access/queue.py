"""Each person's work queue: what waits for them, with a count and the page that resolves it.
The home page lists it; the navigation shows the total."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import PROTECTED
from bodycam.access.models import RequestState, ViewingRequest, may_approve
from bodycam.accountability.models import CaseState as ViolationState
from bodycam.accountability.models import Sanction, ViolationCase
from bodycam.activities.models import (
    ActivityStatus,
    EnforcementActivity,
    Exemption,
    ExemptionStatus,
)
from bodycam.compliance.models import Finding, Status
from bodycam.lib import wallclock
from bodycam.recordings.models import MistakenUpload, MistakeStatus, Recording
from bodycam.supervision.models import Campaign, CampaignState, Candidate


@dataclass(frozen=True)
class Task:
    label: str | Promise
    count: int
    url: str
    work: bool = True  # False: worth knowing, nothing to do (the navigation does not count it)


def awaiting_decision(user: Any) -> QuerySet[ViewingRequest]:
    """Requests whose next approval is `user`'s: the head's first step, or the secrecy
    officer's approval when a recording is above ordinary and above what was approved so far
    (R-16, R-19). Only requests the user may know of, never their own."""
    visible = ViewingRequest.objects.cleared_for(user).exclude(requester=user)
    mine = ViewingRequest.objects.none()
    if may_approve(user):
        mine = mine | visible.filter(state=RequestState.SUBMITTED, head_decided_by__isnull=True)
    if user.has_perm("access.approve_secrecy"):
        above = Recording.viewing_requests.through.objects.filter(
            viewingrequest=OuterRef("pk"), recording__secrecy__gte=PROTECTED,
            recording__secrecy__gt=OuterRef("secrecy_level"),
        )  # fmt: skip
        live = Q(state__in=[RequestState.SUBMITTED, RequestState.APPROVED]) | Q(
            state=RequestState.REGISTERED, ends_at__gt=timezone.now()
        )
        mine = mine | visible.filter(live, Exists(above)).exclude(head_decided_by=user)
    return mine.distinct()


def awaiting_registration(user: Any) -> QuerySet[ViewingRequest]:
    if not user.has_perm("access.register_viewingrequest"):
        return ViewingRequest.objects.none()
    approved = ViewingRequest.objects.cleared_for(user).filter(state=RequestState.APPROVED)
    return approved.exclude(requester=user)


def _end_of_today() -> datetime:
    today = wallclock.local_day()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def tasks_for(user: Any) -> list[Task]:
    """The user's open work, only the items with something in them."""
    requests, recordings = reverse("viewing-requests"), reverse("recordings")
    found = [
        Task(_("待审批的查阅申请"), awaiting_decision(user).count(), requests),
        Task(_("待登记的查阅申请"), awaiting_registration(user).count(), requests),
    ]
    if user.has_perm("recordings.change_recording"):
        rows = Recording.objects.restrict(user).filter(mistaken_at__isnull=True)
        found += [
            Task(_("待核实的音像记录"), rows.filter(needs_review=True).count(),
                 f"{recordings}?review=1"),
            Task(_("未关联执法活动的音像记录"), rows.filter(activity__isnull=True).count(),
                 f"{recordings}?unlinked=1"),
        ]  # fmt: skip
    if user.has_perm("recordings.decide_mistaken_upload"):
        pending = MistakenUpload.objects.filter(status=MistakeStatus.PROPOSED).count()
        found.append(Task(_("待审批的误传"), pending, f"{recordings}?mistaken=proposed"))
    if user.has_perm("activities.review_exemption"):
        filed = Exemption.objects.filter(status=ExemptionStatus.FILED).count()
        found.append(Task(_("待签收的不予记录情形"), filed, reverse("exemptions")))
    if user.has_perm("compliance.decide_finding"):
        explained = Finding.objects.filter(status=Status.EXPLAINED).exclude(officer=user)
        found.append(Task(_("待处理的合规问题（已说明）"), explained.count(),
                          f"{reverse('findings')}?status=explained"))  # fmt: skip
    if user.has_perm("supervision.start_campaign"):
        proposed = Campaign.objects.filter(state=CampaignState.PROPOSED).count()
        found.append(Task(_("待批准的抽查"), proposed, reverse("campaigns")))
    if user.has_perm("supervision.add_review"):
        assigned = Candidate.objects.filter(reviewer=user, sampled=True, review__isnull=True,
                                            campaign__state=CampaignState.STARTED)  # fmt: skip
        found.append(Task(_("待我评查的抽查记录"), assigned.count(), reverse("campaigns")))
    violations = reverse("violations")
    if user.has_perm("accountability.decide_violationcase"):
        due = ViolationCase.objects.filter(state=ViolationState.INVESTIGATING)
        found += [
            Task(_("待作出决定的执法过错案件"), due.count(), f"{violations}?state=investigating"),
            Task(_("超过决定期限的执法过错案件"),
                 due.filter(deadline__lt=timezone.now()).count(),
                 f"{violations}?state=investigating"),
        ]  # fmt: skip
    if user.has_perm("accountability.issue_criticism"):
        to_issue = ViolationCase.objects.exclude(state=ViolationState.INVESTIGATING).filter(
            responsibilities__sanction=Sanction.PUBLIC_CRITICISM,
            responsibilities__criticism_at__isnull=True,
        )
        found.append(Task(_("待发布的通报批评"), to_issue.distinct().count(),
                          f"{violations}?criticism=pending"))  # fmt: skip
    mine = Finding.objects.filter(officer=user, status=Status.OPEN).count()
    found.append(Task(_("需要我说明的合规问题"), mine, f"{reverse('findings')}?status=open"))
    own = ViewingRequest.objects.filter(requester=user)
    found += [
        Task(_("我的查阅申请（处理中）"),
             own.filter(state__in=[RequestState.SUBMITTED, RequestState.APPROVED]).count(),
             requests, work=False),
        Task(_("我的有效查看授权"), own.active().count(), reverse("my-grants"), work=False),
        Task(_("今天到期的查看授权"), own.active().filter(ends_at__lt=_end_of_today()).count(),
             reverse("my-grants")),
        Task(_("被退回的不予记录情形"),
             Exemption.objects.filter(filed_by=user, status=ExemptionStatus.RETURNED)
             .exclude(activity__exemptions__status__in=[ExemptionStatus.FILED,
                                                        ExemptionStatus.ACKNOWLEDGED])
             .count(),
             reverse("activities")),
        Task(_("尚未结束的执法活动"),
             EnforcementActivity.objects.filter(officers=user, status=ActivityStatus.OPEN).count(),
             f"{reverse('activities')}?status=open"),
    ]  # fmt: skip
    return [task for task in found if task.count]


def open_count(user: Any) -> int:
    """What the navigation shows: how many things wait for the user (grants in force are
    not work, so they are not counted)."""
    return sum(task.count for task in tasks_for(user) if task.work)
