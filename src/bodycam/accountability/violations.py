"""The procedure of a violation case (R-21, R-22), one function per step, each writing its
ledger entry with the change: open (from scratch, or in one step from a finding or a review,
carrying its evidence), the person's statement, one extension of the deadline, the head's
decision with each person's sanction, the notice, the oversight office's public criticism,
closing, an appeal note. `suspension_of` answers whether someone may do enforcement work."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accountability.models import (
    AdministrativeSanction,
    CaseEvent,
    CaseState,
    Category,
    Part,
    Responsibility,
    Sanction,
    ViolationCase,
)
from bodycam.accounts.models import User
from bodycam.compliance import handling
from bodycam.compliance.models import Finding, Status
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused
from bodycam.lib.numbering import next_number
from bodycam.supervision.models import Review

SUSPENSION_DAYS = 7  # R-22 (3): one week


@dataclass(frozen=True)
class Share:
    """A person named in a case and their part in the act."""

    person: User
    part: str = Part.HANDLER


@dataclass(frozen=True)
class Decided:
    """The head's sanction for one person; `administrative` when referred and decided."""

    sanction: str
    administrative: str = ""


def _must(actor: User, permission: str, message) -> None:
    if not actor.has_perm(permission):
        raise Refused(message, code="not_permitted", http_status=403)


def _locked(case: ViolationCase, *states: str) -> ViolationCase:
    locked = ViolationCase.objects.select_for_update().get(pk=case.pk)
    if locked.state not in states:
        raise Refused(
            _("案件 %(number)s 现在是“%(state)s”，不能办理这一步。"), code="wrong_state",
            http_status=409, number=locked.number, state=locked.get_state_display(),
        )  # fmt: skip
    return locked


def faults_this_year(person: User, day: date | None = None) -> int:
    """Sanctioned faults of `person` decided in the calendar year of `day` (today)."""
    year = (day or wallclock.local_day()).year
    return (
        Responsibility.objects.filter(person=person, case__decided_at__year=year)
        .exclude(sanction__in=["", Sanction.NONE])
        .count()
    )


@transaction.atomic
def open_case(
    actor: User, category: str, facts: str, shares: list[Share], *,
    findings: Sequence[Finding] = (), reviews: Sequence[Review] = (),
    ledger_seqs: Sequence[int] = (),
) -> ViolationCase:  # fmt: skip
    """立案: a supervisor opens a case naming the people responsible and its evidence."""
    _must(actor, "accountability.add_violationcase", _("只有督察人员可以立案追究执法过错。"))
    if category not in Category.values:
        raise Refused(_("请选择过错情形（R-21 所列七种之一）。"), code="invalid_category")
    if not facts.strip():
        raise Refused(_("请写明过错事实。"), code="facts_required")
    if not shares or any(share.part not in Part.values for share in shares):
        raise Refused(
            _("请写明责任人及其责任角色（承办人、审核人或批准人）。"), code="people_required"
        )
    if any(share.person.pk == actor.pk for share in shares):
        raise Refused(_("不能对本人立案，请由其他督察人员办理。"), code="own_case")
    known = set(LedgerEntry.objects.filter(seq__in=ledger_seqs).values_list("seq", flat=True))
    if missing := sorted(set(ledger_seqs) - known):
        raise Refused(_("监管链日志中没有第 %(seqs)s 条。"), code="not_found",
                      seqs="、".join(map(str, missing)))  # fmt: skip
    now = timezone.now()
    case = ViolationCase.objects.create(
        number=next_number(ViolationCase.objects, wallclock.local(now).year, 3),
        category=category, facts=facts.strip(), opened_by=actor, opened_at=now,
        deadline=now + timedelta(days=settings.ACCOUNTABILITY_DECISION_DAYS),
        ledger_seqs=sorted(known),
    )  # fmt: skip
    for share in shares:
        Responsibility.objects.create(case=case, person=share.person, part=share.part)
    case.findings.set(findings)
    case.reviews.set(reviews)
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.OPENED, category=category,
           facts=case.facts, people={s.person.username: s.part for s in shares},
           findings=sorted(f.pk for f in findings), reviews=sorted(r.pk for r in reviews),
           ledger=case.ledger_seqs, deadline=case.deadline.isoformat())  # fmt: skip
    return case


def open_from_finding(
    finding: Finding, actor: User, category: str, facts: str = ""
) -> ViolationCase:
    """A finding becomes a case in one step: its officer responsible, the finding marked
    移交追责, its facts carried."""
    if finding.officer is None:
        raise Refused(
            _("这个合规问题没有对应的执法人员，请手工立案并写明责任人。"), code="people_required"
        )
    text = facts.strip() or f"{finding.get_rule_display()}（{finding.requirement}）"
    with transaction.atomic():
        if finding.status in (Status.OPEN, Status.EXPLAINED):
            handling.decide(finding, actor, Status.ESCALATED, text)
        return open_case(actor, category, text, [Share(finding.officer)], findings=[finding])


def open_from_review(review: Review, actor: User, category: str, facts: str = "") -> ViolationCase:
    """A spot-check review becomes a case in one step: the recording's officer responsible,
    the failed items as the facts."""
    recording = review.candidate.recording
    if recording.officer is None:
        raise Refused(
            _("这条记录没有核实执法人员，请手工立案并写明责任人。"), code="people_required"
        )
    failed = [a.comment or a.item for a in review.answers.filter(verdict="fail")]
    text = facts.strip() or "；".join(failed) or review.comment
    return open_case(actor, category, text, [Share(recording.officer)], reviews=[review])


@transaction.atomic
def take_statement(case: ViolationCase, actor: User, statement: str) -> ViolationCase:
    """The person's statement (陈述、申辩), as the investigator wrote it down."""
    _must(actor, "accountability.add_violationcase", _("只有督察人员可以记录陈述。"))
    case = _locked(case, CaseState.INVESTIGATING)
    if not statement.strip():
        raise Refused(_("请填写当事人的陈述。"), code="statement_required")
    before = case.statement
    case.statement, case.statement_at = statement.strip(), timezone.now()
    case.save(update_fields=["statement", "statement_at"])
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.STATEMENT,
           statement=case.statement, before=before)  # fmt: skip
    return case


@transaction.atomic
def extend_deadline(case: ViolationCase, actor: User, reason: str) -> ViolationCase:
    """Once, by ACCOUNTABILITY_EXTENSION_DAYS, with the head's reason."""
    _must(actor, "accountability.decide_violationcase", _("只有主要负责人可以延长决定期限。"))
    case = _locked(case, CaseState.INVESTIGATING)
    if case.extension_reason:
        raise Refused(_("决定期限只能延长一次。"), code="already_extended")
    if not reason.strip():
        raise Refused(_("请写明延期理由。"), code="reason_required")
    case.deadline += timedelta(days=settings.ACCOUNTABILITY_EXTENSION_DAYS)
    case.extension_reason = reason.strip()
    case.save(update_fields=["deadline", "extension_reason"])
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.EXTENDED,
           reason=case.extension_reason, deadline=case.deadline.isoformat())  # fmt: skip
    return case


@transaction.atomic
def decide(
    case: ViolationCase, actor: User, decision: str, sanctions: dict[int, Decided], *,
    mitigating: bool = False,
) -> ViolationCase:  # fmt: skip
    """The head decides each person's sanction (keyed by the person's id)."""
    _must(actor, "accountability.decide_violationcase", _("只有主要负责人可以作出追究决定。"))
    case = _locked(case, CaseState.INVESTIGATING)
    if not decision.strip():
        raise Refused(_("请写明决定的内容和理由。"), code="decision_required")
    shares = list(case.responsibilities.select_related("person"))
    if sorted(sanctions) != sorted(s.person_id for s in shares):
        raise Refused(_("请对每一名责任人作出决定。"), code="sanctions_missing")
    today = wallclock.local_day()
    aggravating = any(faults_this_year(s.person, today) >= 2 for s in shares)  # this is the third
    for share in shares:
        chosen = sanctions[share.person_id]
        if chosen.sanction not in Sanction.values or (
            chosen.administrative and chosen.administrative not in AdministrativeSanction.values
        ):
            raise Refused(_("追究方式只能是 R-22 所列方式或不予追究。"), code="invalid_sanction")
        share.sanction, share.administrative = chosen.sanction, chosen.administrative
        if chosen.sanction == Sanction.SUSPENSION:
            share.suspended_from = today
            share.suspended_until = today + timedelta(days=SUSPENSION_DAYS - 1)
        share.save()
    case.state, case.decided_by, case.decided_at = CaseState.DECIDED, actor, timezone.now()
    case.decision, case.aggravating, case.mitigating = decision.strip(), aggravating, mitigating
    case.save()
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.DECIDED, decision=case.decision,
           sanctions={s.person.username: [s.sanction, s.administrative] for s in shares},
           aggravating=aggravating, mitigating=mitigating,
           late=case.decided_at > case.deadline)  # fmt: skip
    return case


@transaction.atomic
def notify(case: ViolationCase, actor: User) -> ViolationCase:
    """The decision was served on the people responsible (送达)."""
    _must(actor, "accountability.add_violationcase", _("只有督察人员可以登记送达。"))
    case = _locked(case, CaseState.DECIDED)
    case.state, case.notified_at = CaseState.NOTIFIED, timezone.now()
    case.save(update_fields=["state", "notified_at"])
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.NOTIFIED)
    return case


@transaction.atomic
def issue_criticism(share: Responsibility, actor: User, text: str) -> Responsibility:
    """The oversight office issues the public criticism the head decided (R-22 (2))."""
    _must(actor, "accountability.issue_criticism", _("通报批评由市编委办发布。"))
    share = (
        Responsibility.objects.select_for_update().select_related("case", "person").get(pk=share.pk)
    )
    if share.sanction != Sanction.PUBLIC_CRITICISM or share.case.state == CaseState.INVESTIGATING:
        raise Refused(_("该责任人没有被决定通报批评。"), code="not_decided")
    if share.criticism_at is not None:
        raise Refused(_("通报批评已经发布。"), code="already_issued", http_status=409)
    if not text.strip():
        raise Refused(_("请填写通报内容。"), code="text_required")
    share.criticism, share.criticism_by, share.criticism_at = text.strip(), actor, timezone.now()
    share.save(update_fields=["criticism", "criticism_by", "criticism_at"])
    record(Action.ACCOUNTABILITY, share.case, actor, event=CaseEvent.CRITICISM,
           person=share.person.username, text=share.criticism)  # fmt: skip
    return share


@transaction.atomic
def close_case(case: ViolationCase, actor: User, report: str) -> ViolationCase:
    """结案, with the closing report, once the notice is served and any criticism issued."""
    _must(actor, "accountability.add_violationcase", _("只有督察人员可以结案。"))
    case = _locked(case, CaseState.NOTIFIED)
    pending = case.responsibilities.filter(
        sanction=Sanction.PUBLIC_CRITICISM, criticism_at__isnull=True
    )
    if pending.exists():
        raise Refused(_("市编委办还没有发布通报批评，暂不能结案。"), code="criticism_pending")
    if not report.strip():
        raise Refused(_("请填写结案报告。"), code="report_required")
    case.state, case.closing_report, case.closed_at = (
        CaseState.CLOSED,
        report.strip(),
        timezone.now(),
    )
    case.save(update_fields=["state", "closing_report", "closed_at"])
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.CLOSED, report=case.closing_report)
    return case


@transaction.atomic
def note_appeal(case: ViolationCase, actor: User, note: str) -> ViolationCase:
    """An appeal and how it went, after the decision; the ledger keeps earlier notes."""
    _must(actor, "accountability.add_violationcase", _("只有督察人员可以登记申诉情况。"))
    case = _locked(case, CaseState.DECIDED, CaseState.NOTIFIED, CaseState.CLOSED)
    if not note.strip():
        raise Refused(_("请填写申诉情况。"), code="note_required")
    before, case.appeal_note = case.appeal_note, note.strip()
    case.save(update_fields=["appeal_note"])
    record(Action.ACCOUNTABILITY, case, actor, event=CaseEvent.APPEAL, note=case.appeal_note,
           before=before)  # fmt: skip
    return case
