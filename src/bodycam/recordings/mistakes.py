"""A mistaken upload (误传): a file taken in that is no recording at all. The records office
proposes it with a reason, the head agrees or not (two people, each in the ledger). Once agreed
it leaves every list and rule; the original stays stored, its hash and ledger intact, until
retention allows its disposal like any other (R-14, R-18)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.compliance import triggers
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.recordings import linking
from bodycam.recordings.models import MistakenUpload, MistakeStatus, Recording, RecordingEvent


def _proposable(recording: Recording) -> None:
    if recording.mistaken_at is not None:
        raise Refused(_("该文件已确认为误传。"), code="already_mistaken")
    if recording.disposed_at is not None:
        raise Refused(_("该音像记录已销毁。"), code="disposed")
    if recording.mistakes.filter(status=MistakeStatus.PROPOSED).exists():
        raise Refused(_("已提出误传，正等待主要负责人审批。"), code="already_proposed")
    if recording.evidence_uses.exists():
        raise Refused(_("该音像记录已作为证据使用，不能作为误传处理。"), code="evidence")
    if recording.holds.filter(released_at__isnull=True).exists():
        raise Refused(_("该音像记录处于保全中，不能作为误传处理。"), code="held")


@transaction.atomic
def propose_mistaken(recording: Recording, actor: User, reason: str) -> MistakenUpload:
    """The records office says the file is no recording at all, and why."""
    if not actor.has_perm("recordings.change_recording"):
        raise Refused(_("只有综合科可以提出误传。"), code="not_permitted", http_status=403)
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    _proposable(recording)
    if not (reason or "").strip():
        raise Refused(_("提出误传须写明理由。"), code="reason_required")
    proposal = MistakenUpload.objects.create(
        recording=recording, reason=reason.strip(), proposed_by=actor, proposed_at=timezone.now()
    )
    record(Action.METADATA_CHANGE, recording, actor, event=RecordingEvent.MISTAKE_PROPOSED,
           proposal=proposal.pk, reason=proposal.reason)  # fmt: skip
    return proposal


@transaction.atomic
def decide_mistaken(
    proposal: MistakenUpload, actor: User, approve: bool, comment: str = ""
) -> MistakenUpload:
    """The head agrees (the file leaves every list and rule) or not (a comment says why)."""
    if not actor.has_perm("recordings.decide_mistaken_upload"):
        raise Refused(_("只有主要负责人可以审批误传。"), code="not_permitted", http_status=403)
    proposal = MistakenUpload.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != MistakeStatus.PROPOSED:
        raise Refused(_("该误传申请已经审批。"), code="already_decided")
    if proposal.proposed_by_id == actor.pk:
        raise Refused(_("提出人不能审批自己提出的误传。"), code="same_person", http_status=403)
    if not approve and not (comment or "").strip():
        raise Refused(_("不同意时请写明意见。"), code="comment_required")
    proposal.status = MistakeStatus.APPROVED if approve else MistakeStatus.REJECTED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.comment = (comment or "").strip()
    proposal.save()
    recording = Recording.objects.select_for_update().get(pk=proposal.recording_id)
    event = RecordingEvent.MISTAKE_APPROVED if approve else RecordingEvent.MISTAKE_REJECTED
    record(Action.METADATA_CHANGE, recording, actor, event=event, proposal=proposal.pk,
           comment=proposal.comment)  # fmt: skip
    if approve:
        _leave(recording, actor)
    return proposal


def _leave(recording: Recording, actor: User) -> None:
    recording.mistaken_at = timezone.now()
    recording.save(update_fields=["mistaken_at"])
    activity = recording.activity_id
    if activity is not None:
        linking.apply_link(recording, None, actor, how="mistaken upload")
        triggers.activity_changed(activity)
    triggers.recording_changed(recording.pk)  # its findings are cleared: it is no recording
