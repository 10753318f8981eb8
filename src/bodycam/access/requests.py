"""The viewing workflow (R-16 .. R-19), one function per step, each writing its ledger entry in
the same transaction as the change: submit, approve (the head; then the secrecy officer when a
recording is above ordinary), deny, register (the statutory register entry, which opens the
grant's window), revoke. `grant_for` answers whether someone may see a recording now."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import PROTECTED, STATE_SECRET, SecrecyLevel
from bodycam.access.models import (
    DOWNLOAD_ROUTES,
    AccessEvent,
    Manner,
    OutsideBody,
    RequestState,
    Right,
    Route,
    ViewingRequest,
    may_approve,
)
from bodycam.accounts.models import User
from bodycam.activities.models import EnforcementActivity
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.api import NOT_FOUND
from bodycam.lib.errors import Refused
from bodycam.lib.numbering import next_number
from bodycam.recordings.models import Recording

MAX_RECORDINGS = 500
NO_GRANT = _(
    "您没有查看这条音像记录的有效授权。请先提交查阅申请，经主要负责人批准、登记后在授权时间内查看（R-16）。"
)
NO_SECRECY_APPROVAL = _("这条音像记录涉密，您的授权还缺保密员的审批（R-19）。")
NO_DOWNLOAD = _("您的授权不包括下载原始记录。")
# The right to the watermarked copy a grant for provision outside the bureau gives.
PROVIDED_COPY = "copy"


@dataclass(frozen=True)
class Outside:
    """Someone from outside the bureau, as their letter and ID name them."""

    body: str
    name: str
    unit: str
    letter_number: str
    id_number: str
    badge: str = ""


def _recordings_for(
    requester: User, recordings: Iterable[Any] | None, activity: Any
) -> tuple[list[Recording], EnforcementActivity | None]:
    visible = Recording.objects.restrict(requester, "view")
    if activity is not None:
        found = EnforcementActivity.objects.restrict(requester, "view").filter(pk=activity).first()
        if found is None:
            raise Refused(NOT_FOUND, code="not_found", http_status=404)
        # All of the activity's recordings, a colleague's too: the approval decides what is seen.
        chosen = list(Recording.objects.cleared_for(requester).filter(activity=found))
        if not chosen:
            raise Refused(_("该执法活动还没有关联的音像记录，无可查阅的内容。"), code="empty")
        return chosen, found
    ids = sorted({int(number) for number in recordings or []})
    if not ids:
        raise Refused(_("请选择要查阅的音像记录。"), code="empty")
    if len(ids) > MAX_RECORDINGS:
        raise Refused(
            _("一次最多申请 %(limit)s 条音像记录。"), code="too_many", limit=MAX_RECORDINGS
        )
    chosen = list(visible.filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise Refused(NOT_FOUND, code="not_found", http_status=404)
    return chosen, None


def _check_rights(requester: User, route: str, rights: Iterable[str], chosen: list) -> bool:
    rights = set(rights) or {Right.VIEW}
    if not rights <= set(Right.values):
        raise Refused(_("权限只能是“查看”或“下载”。"), code="invalid_rights")
    if Right.DOWNLOAD not in rights:
        return False
    if route not in DOWNLOAD_ROUTES:
        raise Refused(_("工作查看只能在线查看，不能下载（R-16）。"), code="download_not_allowed")
    if not requester.has_perm("access.take_copies"):
        raise Refused(
            _("执法人员不得自行复制或留存音像记录（R-13）；需要副本时请由综合科申请。"),
            code="download_not_allowed",
        )
    if any(recording.secrecy >= PROTECTED for recording in chosen):
        raise Refused(_("涉密的音像记录不能下载（R-19）。"), code="download_not_allowed")
    return True


def _check_outside(requester: User, route: str, outside: Outside | None) -> None:
    if outside is None:
        if route == Route.EXTERNAL:
            raise Refused(
                _("对外提供须由综合科代为申请，并填写调阅单位、介绍信编号和证件号码（R-18）。"),
                code="outside_details_required",
            )
        return
    if not requester.has_perm("access.file_outside_request"):
        raise Refused(
            _("只有综合科可以代外单位提交查阅申请。"), code="not_permitted", http_status=403
        )
    if outside.body not in OutsideBody.values:
        raise Refused(_("请选择调阅单位的类别。"), code="outside_details_required")
    missing = [
        label
        for label, value in (
            (_("查阅人"), outside.name),
            (_("查阅人单位"), outside.unit),
            (_("介绍信/调阅函编号"), outside.letter_number),
            (_("身份证件号码"), outside.id_number),
        )
        if not value.strip()
    ]
    if missing:
        raise Refused(
            _("请填写：%(fields)s。"), code="outside_details_required",
            fields="、".join(str(label) for label in missing),
        )  # fmt: skip


def _hours(hours: int | None) -> int:
    value = settings.VIEWING_DEFAULT_HOURS if hours is None else hours
    if not 1 <= value <= settings.VIEWING_MAX_HOURS:
        raise Refused(
            _("查阅时长应为 1 至 %(most)s 小时。"), code="invalid_hours",
            most=settings.VIEWING_MAX_HOURS,
        )  # fmt: skip
    return value


@transaction.atomic
def submit_request(
    requester: User,
    *,
    route: str,
    reason: str,
    recordings: Iterable[Any] | None = None,
    activity: Any = None,
    rights: Iterable[str] = (Right.VIEW,),
    hours: int | None = None,
    outside: Outside | None = None,
) -> ViewingRequest:
    """File a request to view recordings (or all recordings of an activity)."""
    if route not in Route.values:
        raise Refused(_("请选择调阅途径。"), code="invalid_route")
    if not reason.strip():
        raise Refused(_("请写明查阅事由。"), code="reason_required")
    chosen, found = _recordings_for(requester, recordings, activity)
    _check_outside(requester, route, outside)
    download = _check_rights(requester, route, rights, chosen)
    request = ViewingRequest.objects.create(
        requester=requester,
        requested_at=timezone.now(),
        route=route,
        reason=reason.strip(),
        download=download,
        hours=_hours(hours),
        activity=found,
        outside_body=outside.body if outside else "",
        viewer_name=outside.name.strip() if outside else "",
        viewer_unit=outside.unit.strip() if outside else "",
        viewer_badge=outside.badge.strip() if outside else "",
        letter_number=outside.letter_number.strip() if outside else "",
        id_number=outside.id_number.strip() if outside else "",
    )
    request.recordings.set(chosen)
    record(
        Action.REQUEST, request, requester, event=AccessEvent.SUBMITTED, route=route,
        recordings=sorted(r.pk for r in chosen), download=download, hours=request.hours,
        activity=found.pk if found else None, letter=request.letter_number,
    )  # fmt: skip
    return request


def highest_level(request: ViewingRequest) -> int:
    """The highest secrecy level among the request's recordings, as the levels are now."""
    found = request.recordings.aggregate(level=Max("secrecy"))["level"]
    return found or SecrecyLevel.ORDINARY


def needs_secrecy_approval(request: ViewingRequest) -> bool:
    """Whether the secrecy officer's approval is (still) wanted (R-19): a recording is above
    ordinary and above the level approved so far (raised since, perhaps)."""
    highest = highest_level(request)
    return highest >= PROTECTED and highest > request.secrecy_level


def _locked(request: ViewingRequest) -> ViewingRequest:
    return ViewingRequest.objects.select_for_update().get(pk=request.pk)


def _not_own(request: ViewingRequest, actor: User) -> None:
    if request.requester_id == actor.pk:
        raise Refused(_("不能审批本人提交的申请，请由其他有权审批的人处理。"), code="own_request")


def _cleared(request: ViewingRequest, actor: User) -> None:
    """Deciding on or registering a state secret needs the clearance for it (R-19)."""
    if highest_level(request) > actor.clearance and highest_level(request) >= STATE_SECRET:
        raise Refused(
            _("这份申请涉及国家秘密，您没有相应的涉密资格，不能办理。"), code="not_cleared",
            http_status=403,
        )  # fmt: skip


def _already(request: ViewingRequest) -> Refused:
    return Refused(
        _("该申请已经处理过了（%(state)s）。"), code="already_decided",
        state=request.status_label,
    )  # fmt: skip


def _step(request: ViewingRequest, actor: User) -> str:
    """Which decision `actor` makes on the request now: "head" or "secrecy". The secrecy
    officer may also be asked after approval, when a level was raised since (R-19)."""
    secrecy_wanted = needs_secrecy_approval(request) and actor.has_perm("access.approve_secrecy")
    if request.state == RequestState.SUBMITTED:
        if request.head_decided_by_id is None and may_approve(actor):
            return "head"
    elif request.state not in (RequestState.APPROVED, RequestState.REGISTERED) or not (
        secrecy_wanted and (request.state == RequestState.APPROVED or request.is_active)
    ):
        raise _already(request)
    if secrecy_wanted:
        if request.head_decided_by_id == actor.pk:
            raise Refused(
                _("保密审批须由另一人完成：您已作为主要负责人批准了这份申请。"), code="same_person"
            )
        return "secrecy"
    if request.head_decided_by_id is not None and may_approve(actor):
        raise Refused(
            _("主要负责人已经批准，正在等待保密员审批（R-19）。"), code="awaiting_secrecy"
        )
    raise Refused(_("这份申请现在不需要您审批。"), code="not_your_step", http_status=403)


@transaction.atomic
def approve(request: ViewingRequest, actor: User, opinion: str = "") -> ViewingRequest:
    """The head's approval (R-16), or the secrecy officer's second approval (R-19)."""
    request = _locked(request)
    _not_own(request, actor)
    _cleared(request, actor)
    step = _step(request, actor)
    now = timezone.now()
    if step == "head":
        request.head_decided_by, request.head_decided_at = actor, now
        request.head_opinion = opinion.strip()
        event = AccessEvent.APPROVED
    else:
        request.secrecy_decided_by, request.secrecy_decided_at = actor, now
        request.secrecy_opinion = opinion.strip()
        request.secrecy_level = highest_level(request)
        event = AccessEvent.SECRECY_APPROVED
    ready = request.head_decided_by_id is not None and not needs_secrecy_approval(request)
    if request.state == RequestState.SUBMITTED and ready:
        request.state = RequestState.APPROVED
    request.save()
    record(Action.APPROVE, request, actor, event=event, opinion=opinion.strip(),
           state=request.state, secrecy_level=request.secrecy_level)  # fmt: skip
    return request


@transaction.atomic
def deny(request: ViewingRequest, actor: User, opinion: str) -> ViewingRequest:
    """Refuse the request (the head, or the secrecy officer at their step), saying why."""
    request = _locked(request)
    _not_own(request, actor)
    _cleared(request, actor)
    if not opinion.strip():
        raise Refused(_("不予批准时请写明意见，告诉申请人原因。"), code="opinion_required")
    step = _step(request, actor)
    now = timezone.now()
    if step == "head":
        request.head_decided_by, request.head_decided_at = actor, now
        request.head_opinion = opinion.strip()
    else:
        request.secrecy_decided_by, request.secrecy_decided_at = actor, now
        request.secrecy_opinion = opinion.strip()
    request.state = RequestState.DENIED
    request.save()
    record(Action.DENY, request, actor, event=AccessEvent.DENIED, opinion=opinion.strip(),
           step=step)  # fmt: skip
    return request


def register(
    request: ViewingRequest,
    actor: User,
    *,
    manner: str = "",
    copies: int = 0,
    remarks: str = "",
) -> ViewingRequest:
    """Enter the approved request in the viewing register (R-16): the grant opens now and
    lasts the hours approved."""
    for attempt in range(3):  # two registrars at the same moment: the second takes the next number
        try:
            return _register(request, actor, manner, copies, remarks)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _register(
    request: ViewingRequest, actor: User, manner: str, copies: int, remarks: str
) -> ViewingRequest:
    request = _locked(request)
    if request.state != RequestState.APPROVED:
        if request.state == RequestState.SUBMITTED:
            raise Refused(_("该申请还没有批准，批准后才能登记。"), code="not_approved")
        raise _already(request)
    if request.requester_id == actor.pk:  # outside parties' requests too: a second person
        raise Refused(
            _("不能为本人提交的申请登记，请由其他保管员或综合科人员登记。"), code="own_request"
        )
    _cleared(request, actor)
    manner = manner or (Manner.DOWNLOAD if request.download else Manner.VIEW)
    if manner not in Manner.values:
        raise Refused(_("请选择查阅方式。"), code="invalid_manner")
    if manner != Manner.VIEW and not request.download:
        raise Refused(_("批准的权限只有查看，不能登记为下载或刻录。"), code="download_not_allowed")
    if not 0 <= copies <= 20:
        raise Refused(_("复制份数应为 0 至 20。"), code="invalid_copies")
    now = timezone.now()
    with transaction.atomic():
        request.number = next_number(ViewingRequest.objects, wallclock.local(now).year, 5)
        request.registered_by, request.registered_at = actor, now
        request.manner, request.copies, request.remarks = manner, copies, remarks.strip()
        request.starts_at, request.ends_at = now, now + timedelta(hours=request.hours)
        request.state = RequestState.REGISTERED
        request.save()
    record(
        Action.REGISTER, request, actor, event=AccessEvent.REGISTERED, number=request.number,
        manner=manner, copies=copies, starts=now.isoformat(), ends=request.ends_at.isoformat(),
    )  # fmt: skip
    if request.gives_copy:
        from bodycam.access.copies import queue_copies

        queue_copies(request)
    return request


def supervision_grant(
    reviewer: User,
    recordings: list[Recording],
    approver: User | None,
    *,
    reason: str,
    ends_at: Any,
    campaign: str,
) -> ViewingRequest:
    """The grant a started spot check gives one reviewer for the recordings assigned to them
    (R-20): a request under the supervision route, approved by whoever started the campaign
    and entered in the viewing register at once, its window ending with the review period.
    Each step is its ledger entry; a recording above ordinary still waits for the secrecy
    officer (R-19), as in any grant. Called inside the campaign's transaction."""
    now = timezone.now()
    request = ViewingRequest.objects.create(
        requester=reviewer, requested_at=now, route=Route.SUPERVISION, reason=reason,
        hours=max(1, math.ceil((ends_at - now).total_seconds() / 3600)),
        head_decided_by=approver, head_decided_at=now, head_opinion=reason,
    )  # fmt: skip
    request.recordings.set(recordings)
    ids = sorted(r.pk for r in recordings)
    # Made by the approval itself (the reviewer asked for nothing): the approver is its actor.
    record(Action.REQUEST, request, approver, event=AccessEvent.SUBMITTED, route=request.route,
           recordings=ids, download=False, hours=request.hours, campaign=campaign,
           requester=reviewer.username)  # fmt: skip
    record(Action.APPROVE, request, approver, event=AccessEvent.APPROVED, opinion=reason,
           state=RequestState.APPROVED, secrecy_level=request.secrecy_level,
           campaign=campaign)  # fmt: skip
    for attempt in range(3):  # a registrar numbering at the same moment: take the next number
        try:
            with transaction.atomic():
                request.number = next_number(ViewingRequest.objects, wallclock.local(now).year, 5)
                request.registered_by, request.registered_at = approver, now
                request.manner, request.starts_at, request.ends_at = Manner.VIEW, now, ends_at
                request.remarks, request.state = reason, RequestState.REGISTERED
                request.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    record(Action.REGISTER, request, approver, event=AccessEvent.REGISTERED,
           number=request.number, manner=Manner.VIEW, copies=0, starts=now.isoformat(),
           ends=ends_at.isoformat(), campaign=campaign)  # fmt: skip
    return request


@transaction.atomic
def revoke(request: ViewingRequest, actor: User, reason: str) -> ViewingRequest:
    """End a request or grant before its time: an approver, or the requester withdrawing."""
    request = _locked(request)
    if request.requester_id != actor.pk and not may_approve(actor):
        raise Refused(
            _("只有主要负责人或申请人本人可以撤销。"), code="not_permitted", http_status=403
        )
    open_states = (RequestState.SUBMITTED, RequestState.APPROVED, RequestState.REGISTERED)
    if request.state not in open_states or (
        request.state == RequestState.REGISTERED and not request.is_active
    ):
        raise Refused(
            _("该申请已经结束（%(state)s），无需撤销。"), code="already_ended",
            state=request.status_label,
        )  # fmt: skip
    if not reason.strip():
        raise Refused(_("请写明撤销原因。"), code="reason_required")
    request.state = RequestState.REVOKED
    request.revoked_by, request.revoked_at = actor, timezone.now()
    request.revoke_reason = reason.strip()
    request.save()
    record(Action.REVOKE, request, actor, event=AccessEvent.REVOKED, reason=reason.strip())
    return request


def grant_for(
    user: User, recording: Recording, right: str = Right.VIEW, grant_id: int | None = None
) -> ViewingRequest:
    """The active grant (`grant_id`, or any) under which `user` may see (or download)
    `recording` now; Refused (403, code access_denied) otherwise, saying what is missing."""
    grants = ViewingRequest.objects.active().filter(requester=user, recordings=recording)
    if grant_id is not None:
        grants = grants.filter(pk=grant_id)
    if not grants.exists():
        raise Refused(NO_GRANT, code="access_denied", http_status=403)
    if recording.secrecy >= PROTECTED:  # approved by the secrecy officer at this level or above
        grants = grants.filter(
            secrecy_decided_by__isnull=False, secrecy_level__gte=recording.secrecy
        )
        if not grants.exists():
            raise Refused(NO_SECRECY_APPROVAL, code="access_denied", http_status=403)
    if right in (Right.DOWNLOAD, PROVIDED_COPY):
        grants = grants.filter(download=True)
        leaves = Q(route=Route.EXTERNAL) | ~Q(outside_body="")
        # the original never leaves the bureau: outside parties get the watermarked copy
        grants = grants.exclude(leaves) if right == Right.DOWNLOAD else grants.filter(leaves)
        if recording.secrecy >= PROTECTED or not grants.exists():
            raise Refused(NO_DOWNLOAD, code="access_denied", http_status=403)
    grant = grants.order_by("-ends_at").first()
    assert grant is not None
    return grant


def active_grant(user: User, recording: Recording) -> ViewingRequest | None:
    """The grant under which `user` may watch `recording` now, or None."""
    try:
        return grant_for(user, recording)
    except Refused:
        return None
