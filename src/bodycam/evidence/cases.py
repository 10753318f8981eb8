"""Case files and evidence (R-14, R-15): each step one function that writes its ledger entry
and recomputes the retention of the recordings it concerns."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.evidence.models import Case, CaseEvent, EvidenceUse
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording
from bodycam.retention import periods

NO_RECORDING = _("找不到编号为 %(ids)s 的音像记录。")
NO_CASE = _("没有案件编号为 %(number)s 的案卷。")
NO_USER = _("没有用户名为 %(name)s 的在职用户。")
EDITABLE = ("title", "case_type", "unit", "opened_on", "closed_on", "retention")


def _may_change(actor: User | None) -> None:
    """None is the server's operator on the command line."""
    if actor is not None and not actor.has_perm("evidence.change_case"):
        raise Refused(_("您的角色不能建立或修改案卷。"), code="not_permitted", http_status=403)


def _check(fields: dict[str, Any]) -> None:
    retention = fields.get("retention")
    if retention is not None and retention not in settings.CASE_RETENTION_PERIODS:
        raise Refused(
            _("案卷保管期限“%(value)s”不在本单位的期限表中，可选：%(choices)s。"),
            code="invalid_retention",
            value=retention,
            choices="、".join(settings.CASE_RETENTION_PERIODS),
        )
    opened, closed = fields.get("opened_on"), fields.get("closed_on")
    if isinstance(opened, date) and isinstance(closed, date) and closed < opened:
        raise Refused(_("结案日期不能早于立案日期。"), code="closed_before_opened")
    if "title" in fields and not str(fields["title"]).strip():
        raise Refused(_("请填写案由。"), code="title_required")


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "pk", value)


@transaction.atomic
def open_case(number: str, actor: User | None, **fields: Any) -> Case:
    """A new case file (案卷) with its retention period; a ledger entry."""
    _may_change(actor)
    number = (number or "").strip()
    if not number:
        raise Refused(_("请填写案件编号。"), code="number_required")
    fields.setdefault("opened_on", wallclock.local_day())
    fields.setdefault("title", "")
    fields.setdefault("retention", next(iter(settings.CASE_RETENTION_PERIODS)))
    _check(fields)
    if Case.objects.filter(number=number).exists():
        raise Refused(_("案件编号 %(number)s 已存在。"), code="case_exists", number=number)
    case = Case.objects.create(
        number=number,
        created_by=actor,
        created_at=timezone.now(),
        **{k: v for k, v in fields.items() if k in EDITABLE},
    )
    record(
        Action.RETENTION_CHANGE,
        case,
        actor,
        event=CaseEvent.OPENED,
        number=number,
        **{k: _shown(v) for k, v in fields.items() if k in EDITABLE},
    )
    return case


@transaction.atomic
def change_case(case: Case, actor: User | None, reason: str, **changes: Any) -> Case:
    """Correct or close a case file: what it replaced stays in the ledger; the retention of
    its evidence follows (a closing date starts the case's period)."""
    _may_change(actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    changes = {k: v for k, v in changes.items() if k in EDITABLE and getattr(case, k) != v}
    if not changes:
        return case
    if not (reason or "").strip():
        raise Refused(_("修改案卷须写明理由。"), code="reason_required")
    _check({**{k: getattr(case, k) for k in EDITABLE}, **changes})
    before = {k: _shown(getattr(case, k)) for k in changes}
    for name, value in changes.items():
        setattr(case, name, value)
    case.save(update_fields=list(changes))
    record(
        Action.RETENTION_CHANGE,
        case,
        actor,
        event=CaseEvent.CHANGED,
        before=before,
        after={k: _shown(v) for k, v in changes.items()},
        reason=reason,
    )
    for recording in case.recordings.all():
        periods.refresh(recording, actor, reason=f"case:{case.number}")
    return case


def case_numbered(number: str, rows: QuerySet[Case]) -> Case:
    """The case file numbered `number` among `rows` (what the caller may see), or Refused."""
    found = rows.filter(number=number).first()
    if found is None:
        raise Refused(NO_CASE, code="no_case", http_status=404, number=number)
    return found


def active_user(username: str) -> User:
    """The active user of that name (a maker, extractor or marker named on the command line
    or in a request), or Refused."""
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise Refused(NO_USER, code="no_user", name=username)
    return found


def recordings_numbered(numbers: list[int], rows: QuerySet[Recording]) -> list[Recording]:
    """The recordings with these numbers among `rows` (what the caller may see), once each in the
    order given; Refused naming every number that names none."""
    found = {recording.pk: recording for recording in rows.filter(pk__in=numbers)}
    missing = [str(n) for n in numbers if n not in found]
    if missing or not numbers:
        raise Refused(NO_RECORDING, code="not_found", ids="、".join(missing) or "—")
    return [found[n] for n in dict.fromkeys(numbers)]


@transaction.atomic
def mark_evidence(case: Case, recordings: list[Recording], actor: User, reason: str) -> list:
    """Recordings used as evidence in the case (作为证据使用): each kept at least as long as the
    case file (R-14); one ledger entry per recording."""
    _may_change(actor)
    if not (reason or "").strip():
        raise Refused(_("请写明作为证据使用的理由（证明对象）。"), code="reason_required")
    if not recordings:
        raise Refused(_("请选择作为证据使用的音像记录。"), code="recordings_required")
    made = []
    for recording in recordings:
        if recording.disposed_at is not None:
            raise Refused(
                _("音像记录 %(id)s 已销毁，不能作为证据使用。"), code="disposed", id=recording.pk
            )
        if EvidenceUse.objects.filter(case=case, recording=recording).exists():
            continue
        use = EvidenceUse.objects.create(
            case=case,
            recording=recording,
            marked_by=actor,
            marked_at=timezone.now(),
            reason=reason.strip(),
        )
        record(
            Action.RETENTION_CHANGE,
            recording,
            actor,
            event=CaseEvent.EVIDENCE_MARKED,
            case=case.number,
            reason=reason.strip(),
        )
        periods.refresh(recording, actor, reason=f"evidence:{case.number}")
        made.append(use)
    return made
