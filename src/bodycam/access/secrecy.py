"""Secrecy levels of recordings and clearances of people (R-19).

Raising a recording's level applies at once (it only ever narrows who sees it); lowering it
waits for two approvals, the head's and the secrecy officer's, by two people other than the
proposer. Every change is a ledger entry about the recording; clearances are set by the
secrecy officer and are ledger entries about the account.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import SecrecyLevel
from bodycam.access.models import SecrecyChange, SecrecyChangeState, may_approve
from bodycam.accounts.models import AccountChange, User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording


def _level(value: int) -> SecrecyLevel:
    if value not in SecrecyLevel.values:
        raise Refused(_("密级只能是普通、个人隐私、商业秘密或国家秘密。"), code="invalid_level")
    return SecrecyLevel(value)


@transaction.atomic
def change_secrecy(recording: Recording, level: int, actor: User, reason: str) -> SecrecyChange:
    """Raise the level now, or propose lowering it for approval."""
    if not actor.has_perm("recordings.change_secrecy"):
        raise Refused(_("您的角色不能变更密级。"), code="not_permitted", http_status=403)
    new = _level(level)
    if not reason.strip():
        raise Refused(_("请写明变更密级的理由。"), code="reason_required")
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    if new == recording.secrecy:
        raise Refused(_("密级没有变化。"), code="unchanged")
    if recording.secrecy_changes.filter(state=SecrecyChangeState.PENDING).exists():
        raise Refused(_("这条记录已有待审批的降密申请，请先处理它。"), code="pending_change")
    now = timezone.now()
    change = SecrecyChange.objects.create(
        recording=recording, from_level=recording.secrecy, to_level=new, reason=reason.strip(),
        proposed_by=actor, proposed_at=now,
        state=SecrecyChangeState.APPLIED if new > recording.secrecy else SecrecyChangeState.PENDING,
        decided_at=now if new > recording.secrecy else None,
    )  # fmt: skip
    if change.state == SecrecyChangeState.APPLIED:
        _apply(recording, change, actor, event="secrecy_raised")
    else:
        record(Action.METADATA_CHANGE, recording, actor, event="secrecy_lowering_proposed",
               change=change.pk, old=change.from_level, new=change.to_level,
               reason=change.reason)  # fmt: skip
    return change


def _apply(recording: Recording, change: SecrecyChange, actor: User, event: str) -> None:
    recording.secrecy = change.to_level
    recording.save(update_fields=["secrecy"])
    record(Action.METADATA_CHANGE, recording, actor, event=event, change=change.pk,
           old=change.from_level, new=change.to_level, reason=change.reason)  # fmt: skip


@transaction.atomic
def approve_lowering(change: SecrecyChange, actor: User) -> SecrecyChange:
    """One of the two approvals a lowering needs; the second applies it."""
    change = SecrecyChange.objects.select_for_update().get(pk=change.pk)
    if change.state != SecrecyChangeState.PENDING:
        raise Refused(_("该密级变更已经处理过了。"), code="already_decided")
    if actor.pk in (
        change.proposed_by_id,
        change.head_approved_by_id,
        change.secrecy_approved_by_id,
    ):
        raise Refused(_("降密须由提出人以外的两个人分别审批。"), code="same_person")
    if change.head_approved_by_id is None and may_approve(actor):
        change.head_approved_by = actor
    elif change.secrecy_approved_by_id is None and actor.has_perm("access.approve_secrecy"):
        change.secrecy_approved_by = actor
    else:
        raise Refused(_("这项降密现在不需要您审批。"), code="not_your_step", http_status=403)
    both = change.head_approved_by_id is not None and change.secrecy_approved_by_id is not None
    if both:
        change.state, change.decided_at = SecrecyChangeState.APPLIED, timezone.now()
    change.save()
    recording = Recording.objects.select_for_update().get(pk=change.recording_id)
    if both:
        _apply(recording, change, actor, event="secrecy_lowered")
    else:
        record(Action.APPROVE, recording, actor, event="secrecy_lowering_approved",
               change=change.pk)  # fmt: skip
    return change


@transaction.atomic
def refuse_lowering(change: SecrecyChange, actor: User, comment: str) -> SecrecyChange:
    change = SecrecyChange.objects.select_for_update().get(pk=change.pk)
    if change.state != SecrecyChangeState.PENDING:
        raise Refused(_("该密级变更已经处理过了。"), code="already_decided")
    if not (may_approve(actor) or actor.has_perm("access.approve_secrecy")):
        raise Refused(_("您的角色不能审批密级变更。"), code="not_permitted", http_status=403)
    if not comment.strip():
        raise Refused(_("请写明不予批准的理由。"), code="reason_required")
    change.state, change.decided_at, change.comment = (
        SecrecyChangeState.REFUSED, timezone.now(), comment.strip(),
    )  # fmt: skip
    change.save()
    record(Action.DENY, change.recording, actor, event="secrecy_lowering_refused",
           change=change.pk, comment=change.comment)  # fmt: skip
    return change


@transaction.atomic
def set_clearance(person: User, level: int, actor: User, reason: str) -> User:
    """The highest level `person` may see listed (the secrecy officer sets it, R-19)."""
    if not actor.has_perm("accounts.change_clearance"):
        raise Refused(_("只有保密员可以设定涉密资格。"), code="not_permitted", http_status=403)
    if person.pk == actor.pk:
        raise Refused(_("不能为本人设定涉密资格。"), code="own_account")
    new = _level(level)
    if not reason.strip():
        raise Refused(_("请写明设定涉密资格的依据。"), code="reason_required")
    old = person.clearance
    person.clearance = new
    person.save(update_fields=["clearance"])
    record(Action.USER_CHANGE, person, actor, change=AccountChange.CLEARANCE, old=old,
           new=int(new), reason=reason.strip())  # fmt: skip
    return person
