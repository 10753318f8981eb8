"""Holds (R-14): a legal hold, a complaint under investigation or a spot check in progress keeps a
recording whatever its dates, until released with a reason. Each is a ledger entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.ledger.entries import record, record_many
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording
from bodycam.retention.models import Hold, HoldKind, RetentionEvent


def _may_hold(actor: User) -> None:
    if not actor.has_perm("retention.add_hold"):
        raise Refused(_("您的角色不能保全音像记录。"), code="not_permitted", http_status=403)


@transaction.atomic
def place_hold(recording: Recording, kind: str, reason: str, actor: User) -> Hold:
    _may_hold(actor)
    if kind not in HoldKind.values:
        raise Refused(
            _("请选择保全类型：%(choices)s。"),
            code="invalid_kind",
            choices="、".join(str(label) for label in HoldKind.labels),
        )
    if not (reason or "").strip():
        raise Refused(_("请写明保全理由。"), code="reason_required")
    if recording.disposed_at is not None:
        raise Refused(_("音像记录 %(id)s 已销毁。"), code="disposed", id=recording.pk)
    hold = Hold.objects.create(
        recording=recording,
        kind=kind,
        reason=reason.strip(),
        placed_by=actor,
        placed_at=timezone.now(),
    )
    record(
        Action.HOLD,
        recording,
        actor,
        event=RetentionEvent.HOLD_PLACED,
        hold=hold.pk,
        kind=kind,
        reason=hold.reason,
    )
    return hold


@transaction.atomic
def release_hold(hold: Hold, reason: str, actor: User) -> Hold:
    _may_hold(actor)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise Refused(
            _("该保全已于 %(at)s 解除。"),
            code="already_released",
            at=wallclock.local(hold.released_at).strftime("%Y-%m-%d %H:%M"),
        )
    if not (reason or "").strip():
        raise Refused(_("请写明解除保全的理由。"), code="reason_required")
    hold.released_by, hold.released_at = actor, timezone.now()
    hold.release_reason = reason.strip()
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    record(
        Action.HOLD,
        hold.recording,
        actor,
        event=RetentionEvent.HOLD_RELEASED,
        hold=hold.pk,
        reason=hold.release_reason,
    )
    return hold


def hold_many(recordings: list[Recording], kind: str, reason: str, actor: User) -> list[Hold]:
    """`place_hold` for many recordings at once (a spot check's sample): one INSERT and one
    batch of ledger entries, in the caller's transaction."""
    _may_hold(actor)
    now = timezone.now()
    holds = Hold.objects.bulk_create(
        Hold(recording=r, kind=kind, reason=reason, placed_by=actor, placed_at=now)
        for r in recordings
        if r.disposed_at is None
    )
    record_many([(Action.HOLD, hold.recording, actor, {"event": RetentionEvent.HOLD_PLACED,
                  "hold": hold.pk, "kind": kind, "reason": reason}) for hold in holds])  # fmt: skip
    return holds


def release_many(holds: list[Hold], reason: str, actor: User) -> None:
    """`release_hold` for many holds at once (a spot check that ended)."""
    _may_hold(actor)
    live = [hold for hold in holds if hold.released_at is None]
    now = timezone.now()
    Hold.objects.filter(pk__in=[hold.pk for hold in live]).update(
        released_by=actor, released_at=now, release_reason=reason
    )
    record_many([(Action.HOLD, hold.recording, actor, {"event": RetentionEvent.HOLD_RELEASED,
                  "hold": hold.pk, "reason": reason}) for hold in live])  # fmt: skip
