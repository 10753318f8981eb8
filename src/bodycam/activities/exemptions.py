"""Exemptions from recording (R-04): filed by an officer after the activity, acknowledged or
returned by the oversight office. Each step is a ledger entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.activities.models import (
    ActivityEvent,
    ActivityStatus,
    EnforcementActivity,
    Exemption,
    ExemptionStatus,
)
from bodycam.activities.vocabulary import ExemptionGround
from bodycam.compliance import triggers
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused


@transaction.atomic
def file_exemption(
    activity: EnforcementActivity,
    ground: str,
    legal_basis: str,
    facts: str,
    actor: User,
) -> Exemption:
    """File the work record of an unrecorded activity (R-04), for the oversight office."""
    activity = EnforcementActivity.objects.select_for_update().get(pk=activity.pk)
    if ground not in ExemptionGround.values:
        raise Refused(_("情形 %(ground)r 不是规定的四种之一。"), ground=ground)
    if not activity.officers.filter(pk=actor.pk).exists():
        raise Refused(_("只有参加该活动的执法人员可以报送。"))
    if activity.status != ActivityStatus.CLOSED:
        raise Refused(_("不予记录情形应在执法活动结束后报送，请先结束该活动。"))
    if not may_file(activity):
        raise Refused(_("该活动已报送过不予记录情形，无需重复报送。"))
    if not legal_basis.strip():
        raise Refused(_("请写明法律依据。"))
    if not facts.strip():
        raise Refused(_("请写明事实和理由。"))
    if ground == ExemptionGround.EXPLOSION_HAZARD:
        proof = activity.devices.filter(explosion_proof=True).first()
        if proof is not None:
            raise Refused(
                _("本次活动使用的记录仪 %(serial)s 是防爆型，不能以“无防爆型记录仪”为由不予记录。"),
                serial=proof.serial,
            )
    exemption = Exemption.objects.create(
        activity=activity,
        ground=ground,
        legal_basis=legal_basis.strip(),
        facts=facts.strip(),
        filed_by=actor,
        filed_at=timezone.now(),
    )
    record(Action.ACTIVITY_EVENT, activity, actor, event=ActivityEvent.EXEMPTION_FILED,
           exemption=exemption.pk, ground=ground)  # fmt: skip
    triggers.activity_changed(activity.pk)
    return exemption


@transaction.atomic
def review_exemption(
    exemption: Exemption, actor: User, accept: bool, comment: str = ""
) -> Exemption:
    """Acknowledge (签收) or return (退回, with a comment) a filed exemption."""
    exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.status != ExemptionStatus.FILED:
        raise Refused(
            _("该报送已经处理过了（%(status)s）。"), status=ExemptionStatus(exemption.status).label
        )
    if not accept and not comment.strip():
        raise Refused(_("退回时请写明意见，告诉执法人员需要补充什么。"))
    exemption.status = ExemptionStatus.ACKNOWLEDGED if accept else ExemptionStatus.RETURNED
    exemption.reviewed_by = actor
    exemption.reviewed_at = timezone.now()
    exemption.review_comment = comment.strip()
    exemption.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    record(
        Action.ACTIVITY_EVENT,
        exemption.activity,
        actor,
        event=ActivityEvent.EXEMPTION_ACKNOWLEDGED if accept else ActivityEvent.EXEMPTION_RETURNED,
        exemption=exemption.pk,
        comment=exemption.review_comment,
    )
    triggers.activity_changed(exemption.activity_id)
    return exemption


def may_file(activity: EnforcementActivity) -> bool:
    """Whether an exemption can be filed now: after the activity, none pending or accepted."""
    return (
        activity.status == ActivityStatus.CLOSED
        and not activity.exemptions.exclude(status=ExemptionStatus.RETURNED).exists()
    )


def needs_recording(activity: EnforcementActivity) -> bool:
    """False once the oversight office acknowledged an exemption for the activity (R-04)."""
    return not activity.exemptions.filter(status=ExemptionStatus.ACKNOWLEDGED).exists()
