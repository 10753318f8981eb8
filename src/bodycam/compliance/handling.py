"""People's part in a finding: the officer explains it (for an interruption, R-11: the cause,
where in the next recording it is spoken, and, if recording could not resume, the written
report); a supervisor or the head accepts the explanation, escalates the finding for
accountability, or dismisses it — always with a reason. Each step is a ledger entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.compliance.models import Cause, Finding, FindingEvent, Rule, Status
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

DECISIONS = {
    Status.ACCEPTED: FindingEvent.ACCEPTED,
    Status.ESCALATED: FindingEvent.ESCALATED,
    Status.DISMISSED: FindingEvent.DISMISSED,
}


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().get(pk=finding.pk)


@transaction.atomic
def explain(
    finding: Finding,
    actor: User,
    explanation: str,
    cause: str = "",
    spoken_at_seconds: float | None = None,
) -> Finding:
    finding = _locked(finding)
    if finding.officer_id != actor.pk:
        raise Refused(_("只有涉及的执法人员本人可以说明。"), code="not_permitted", http_status=403)
    if finding.status not in (Status.OPEN, Status.EXPLAINED):
        raise Refused(
            _("该问题已处理（%(status)s），不能再说明。"), code="already_decided",
            status=finding.get_status_display(),
        )  # fmt: skip
    if not explanation.strip():
        raise Refused(_("请写明情况说明。"), code="explanation_required")
    if finding.rule == Rule.INTERRUPTION and cause not in Cause.values:
        raise Refused(
            _("请选择中断原因：设备故障、天气、电量、存储、转换场地或其他（R-11）。"),
            code="cause_required",
        )
    if spoken_at_seconds is not None and not 0 <= spoken_at_seconds <= 24 * 3600:
        raise Refused(_("语音说明的位置应是下一段录像中的秒数。"), code="invalid_offset")
    finding.cause = cause if cause in Cause.values else ""
    finding.spoken_at_seconds = spoken_at_seconds
    finding.explanation = explanation.strip()
    finding.explained_by, finding.explained_at = actor, timezone.now()
    finding.status = Status.EXPLAINED
    finding.save()
    record(Action.COMPLIANCE, finding, actor, event=FindingEvent.EXPLAINED, cause=finding.cause,
           spoken_at_seconds=spoken_at_seconds, explanation=finding.explanation)  # fmt: skip
    return finding


@transaction.atomic
def decide(finding: Finding, actor: User, status: str, reason: str) -> Finding:
    finding = _locked(finding)
    if not actor.has_perm("compliance.decide_finding"):
        raise Refused(_("您的角色不能处理合规问题。"), code="not_permitted", http_status=403)
    if status not in DECISIONS:
        raise Refused(_("处理结果只能是采纳说明、移交追责或不构成问题。"), code="invalid_decision")
    if finding.officer_id == actor.pk:
        raise Refused(_("不能处理涉及本人的问题。"), code="own_finding")
    if finding.status not in (Status.OPEN, Status.EXPLAINED):
        raise Refused(
            _("该问题已处理（%(status)s）。"), code="already_decided",
            status=finding.get_status_display(),
        )  # fmt: skip
    if status == Status.ACCEPTED and finding.status != Status.EXPLAINED:
        raise Refused(_("执法人员还没有说明，无可采纳。"), code="not_explained")
    if not reason.strip():
        raise Refused(_("请写明处理意见。"), code="reason_required")
    finding.status = status
    finding.decided_by, finding.decided_at = actor, timezone.now()
    finding.decision_reason = reason.strip()
    finding.save()
    record(Action.COMPLIANCE, finding, actor, event=DECISIONS[Status(status)],
           reason=reason.strip())  # fmt: skip
    return finding
