"""How long a recording is kept (R-14): the later of its recording time plus the minimum
period (never under a year), its retention class (by activity type or content tag), and the
end of every case file it is evidence in. None means for ever."""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.recordings.models import Recording
from bodycam.retention import locks
from bodycam.retention.models import RetentionEvent

FOREVER = None


def _years_after(moment: datetime, years: int) -> datetime:
    local = wallclock.local(moment)
    try:
        return local.replace(year=local.year + years)
    except ValueError:  # 29 February
        return local.replace(year=local.year + years, day=28)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=wallclock.zone())


def case_end(case) -> datetime | None:
    """When a case file's retention ends: None while the case is open or kept for ever."""
    years = settings.CASE_RETENTION_PERIODS.get(case.retention, FOREVER)
    if years is FOREVER or case.closed_on is None:
        return FOREVER
    return _years_after(_end_of_day(case.closed_on), years)


def _classes(recording: Recording) -> list[str]:
    """The retention classes a recording falls in: its activity's type and its content tags."""
    names = list(recording.marks.values_list("tag", flat=True))
    if recording.activity is not None:
        names.append(recording.activity.type)
    return [name for name in names if name in settings.RETENTION_CLASSES]


def retain_until(recording: Recording) -> datetime | None:
    """The date before which the recording may not be disposed of; None for ever."""
    start = recording.recorded_at or recording.ingested_at
    ends: list[datetime | None] = [start + timedelta(days=settings.MINIMUM_RETENTION_DAYS)]
    for name in _classes(recording):
        years = settings.RETENTION_CLASSES[name]
        ends.append(FOREVER if years is FOREVER else _years_after(start, years))
    for use in recording.evidence_uses.select_related("case"):
        ends.append(case_end(use.case))
    dated = [end for end in ends if end is not None]
    if len(dated) < len(ends):
        return FOREVER
    return max(dated)


def refresh(recording: Recording, actor, reason: str) -> bool:
    """Recompute the recording's retain-until; a change is a ledger entry and extends the store's
    lock (never shortens it) once the transaction commits. True if it changed."""
    until = retain_until(recording)
    if until is not None:
        until = until.astimezone(UTC)
    if until == recording.retain_until:
        return False
    before = recording.retain_until
    Recording.objects.filter(pk=recording.pk).update(retain_until=until)
    recording.retain_until = until
    record(
        Action.RETENTION_CHANGE,
        recording,
        actor,
        event=RetentionEvent.RETAIN_UNTIL,
        before=_iso(before),
        after=_iso(until),
        reason=reason,
    )
    transaction.on_commit(lambda: locks.extend(recording.pk))
    return True


def _iso(moment: datetime | None) -> str:
    return "permanent" if moment is None else wallclock.local(moment).isoformat(timespec="seconds")
