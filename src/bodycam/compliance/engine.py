"""Running the rules and keeping the findings: after each ingest, link change and activity change
(jobs queued by triggers.py in the same transaction), and nightly over everything.

A run is idempotent: the same facts leave the same finding untouched (no new row, no ledger
entry); changed facts update it; a breach that no longer holds clears it; one that holds again
reopens it. Findings a person decided (accepted, escalated, dismissed) are left as decided.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bodycam.activities.lifecycle import is_judged
from bodycam.activities.models import EnforcementActivity
from bodycam.compliance import speech
from bodycam.compliance.models import (
    DECIDED,
    REQUIREMENT,
    Finding,
    FindingEvent,
    Rule,
    SpeechAnalysis,
    Status,
)
from bodycam.compliance.rules import (
    Breach,
    ChecksByDay,
    activity_breaches,
    devices_of,
    recording_breaches,
    recordings_of,
)
from bodycam.devices.models import PreUseCheck
from bodycam.ledger.entries import record, record_many
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.recordings.models import Kind, Recording
from bodycam.recordings.processing import local_original

ACTIVITY_RULES = frozenset({
    Rule.MISSING_RECORDING, Rule.INTERRUPTION, Rule.LATE_START, Rule.EARLY_STOP,
    Rule.NO_PRE_USE_CHECK, Rule.EXEMPTION_PENDING, Rule.NO_NOTIFICATION_SPEECH,
    Rule.NO_SPOKEN_EXPLANATION,
})  # fmt: skip
RECORDING_RULES = frozenset(Rule.values) - ACTIVITY_RULES
BATCH = 500


@dataclass
class Tally:
    """What a run did."""

    found: int = 0
    updated: int = 0
    cleared: int = 0
    reopened: int = 0
    unchanged: int = 0

    def add(self, other: "Tally") -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# --- speech -----------------------------------------------------------------------------------


def analyse_speech(recording: Recording) -> SpeechAnalysis | None:
    """Where someone speaks in the recording: measured once, then kept."""
    if recording.kind == Kind.PHOTO:
        return None
    existing = SpeechAnalysis.objects.filter(recording=recording).first()
    if existing is not None:
        return existing
    try:
        with local_original(recording) as path:
            found = speech.detect(path)
    except OSError as exc:
        found = speech.Speech(has_audio=False, damaged=True)
        problem = str(exc)[:300]
    else:
        problem = ""
    try:
        with transaction.atomic():
            return SpeechAnalysis.objects.create(
                recording=recording, has_audio=found.has_audio, analysed_seconds=found.seconds,
                spans=[list(span) for span in found.spans], analysed_at=timezone.now(),
                problem=problem,
            )  # fmt: skip
    except IntegrityError:  # another worker measured it meanwhile
        return SpeechAnalysis.objects.get(recording=recording)


# --- loading ----------------------------------------------------------------------------------


# What the rules read of a recording: the nightly run loads only these, into plain records.
SEGMENT_FIELDS = (
    "id", "kind", "recorded_at", "duration", "device_id", "officer_id", "activity_id",
    "ingested_at", "upload_deadline", "deadline_met", "condition", "damage_reason", "review_notes",
    "mistaken_at",
)  # fmt: skip


class Segment:
    """A recording as the rules see it, without building a model instance for each row."""

    __slots__ = (*SEGMENT_FIELDS, "pk", "activity")

    def __init__(self, row: dict[str, Any], activity: EnforcementActivity | None) -> None:
        for name in SEGMENT_FIELDS:
            setattr(self, name, row[name])
        self.pk, self.activity = row["id"], activity


class DeviceRow(NamedTuple):
    """A device of an activity as the rules read it."""

    pk: int
    serial: str


def _recordings() -> QuerySet[Recording]:
    return Recording.objects.defer("metadata", "source_path").order_by("pk")


def _loaded(ids: list[int]) -> list[EnforcementActivity]:
    """These activities with what the rules read (their recordings as `segments`), in a few
    queries whatever their number."""
    if not ids:
        return []
    activities = list(
        EnforcementActivity.objects.filter(pk__in=ids).prefetch_related("exemptions").order_by("pk")
    )
    by_id = {activity.pk: activity for activity in activities}
    for activity in activities:
        activity.segments = []  # type: ignore[attr-defined]
        activity.officer_ids = []  # type: ignore[attr-defined]
        activity.device_rows = []  # type: ignore[attr-defined]
    officers = EnforcementActivity.officers.through.objects.filter(enforcementactivity_id__in=ids)
    for activity_id, user_id in officers.order_by("user__username").values_list(
        "enforcementactivity_id", "user_id"
    ):
        by_id[activity_id].officer_ids.append(user_id)  # type: ignore[attr-defined]
    devices = EnforcementActivity.devices.through.objects.filter(enforcementactivity_id__in=ids)
    for activity_id, device_id, serial in devices.values_list(
        "enforcementactivity_id", "device_id", "device__serial"
    ):
        by_id[activity_id].device_rows.append(DeviceRow(device_id, serial))  # type: ignore[attr-defined]
    rows = Recording.objects.filter(activity_id__in=ids).order_by("pk").values(*SEGMENT_FIELDS)
    for row in rows:
        owner = by_id[row["activity_id"]]
        owner.segments.append(Segment(row, owner))  # type: ignore[attr-defined]
    return activities


def _checks(device_ids: set[int], moments: list[datetime]) -> ChecksByDay:
    """The pre-use checks of these devices on the Beijing days of these moments (one range per
    run of consecutive days: a recording whose clock says 2001 does not load 25 years)."""
    if not device_ids or not moments:
        return ChecksByDay([])
    days = sorted({wallclock.local_day(moment) for moment in moments})
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days <= 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    zone = wallclock.zone()
    ranges = Q()
    for first, last in runs:
        ranges |= Q(checked_at__range=(datetime.combine(first, time.min, tzinfo=zone),
                                       datetime.combine(last, time.max, tzinfo=zone)))  # fmt: skip
    rows = PreUseCheck.objects.filter(ranges, device_id__in=device_ids)
    return ChecksByDay(rows.only("device_id", "checked_at", "clock_offset", "problems"))


class Heard:
    """A recording's speech analysis as the rules read it (see SpeechAnalysis)."""

    __slots__ = ("analysed_seconds", "has_audio", "spans")

    def __init__(self, has_audio: bool, spans: list, analysed_seconds: float) -> None:
        self.has_audio, self.spans, self.analysed_seconds = has_audio, spans, analysed_seconds

    def speech_within(self, first: float, last: float) -> bool:
        return any(start < last and end > first for start, end in self.spans)


def _speech(recording_ids: list[int]) -> dict[int, Heard]:
    rows = SpeechAnalysis.objects.filter(recording_id__in=recording_ids).values_list(
        "recording_id", "has_audio", "spans", "analysed_seconds"
    )
    return {row[0]: Heard(*row[1:]) for row in rows}


def _batches(rows: QuerySet, size: int = BATCH, key=lambda row: row.pk) -> Iterator[list]:
    """The rows in pk order, `size` at a time (keyset pagination: no OFFSET)."""
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = key(batch[-1])


# --- keeping findings -------------------------------------------------------------------------


def _subject(kind: str, number: int) -> dict[str, Any]:
    return {"subject_kind": kind, "subject_id": str(number)}


def findings_about(kind: str, numbers: list[int], rules: frozenset[str]) -> dict[int, dict]:
    """The findings of `rules` about each subject, by (rule, key): one query for a batch."""
    found: dict[int, dict] = {number: {} for number in numbers}
    rows = Finding.objects.filter(
        subject_kind=kind, subject_id__in=[str(n) for n in numbers], rule__in=rules
    )
    for finding in rows:
        found[int(finding.subject_id)][(finding.rule, finding.key)] = finding
    return found


class NewFindings:
    """Findings a batch made, written together at its end: one INSERT of the findings and one
    of their ledger entries (ledger.entries.record_many)."""

    def __init__(self) -> None:
        self.made: list[Finding] = []

    def flush(self) -> None:
        rows = Finding.objects.bulk_create(self.made)
        record_many([
            (Action.COMPLIANCE, finding, None, {
                "event": FindingEvent.FOUND, "rule": finding.rule,
                "requirement": finding.requirement, "facts": finding.facts,
            })
            for finding in rows
        ])  # fmt: skip
        self.made = []


def reconcile(kind: str, number: int, breaches: list[Breach], existing: dict,
              now: datetime, new: NewFindings) -> Tally:  # fmt: skip
    """Make the findings about one subject (`existing`, by rule and key) say what the rules
    found now; new findings are added to `new`, written when it is flushed."""
    tally = Tally()
    seen = set()
    for breach in breaches:
        seen.add((breach.rule, breach.key))
        finding = existing.get((breach.rule, breach.key))
        if finding is None:
            new.made.append(_new(kind, number, breach, now))
            tally.found += 1
        elif finding.status == Status.CLEARED:
            _change(finding, breach, now, Status.OPEN, FindingEvent.REOPENED)
            tally.reopened += 1
        elif finding.facts != breach.facts and finding.status not in DECIDED:
            _change(finding, breach, now, finding.status, FindingEvent.UPDATED)
            tally.updated += 1
        else:
            tally.unchanged += 1
    for identity, finding in existing.items():
        if identity not in seen and finding.status in (Status.OPEN, Status.EXPLAINED):
            finding.status, finding.updated_at = Status.CLEARED, now
            finding.save(update_fields=["status", "updated_at"])
            record(Action.COMPLIANCE, finding, None, event=FindingEvent.CLEARED,
                   rule=finding.rule)  # fmt: skip
            tally.cleared += 1
    return tally


def _new(kind: str, number: int, breach: Breach, now: datetime) -> Finding:
    return Finding(
        rule=breach.rule, requirement=REQUIREMENT[Rule(breach.rule)], key=breach.key,
        **_subject(kind, number), activity=breach.activity,
        recording_id=breach.recording.pk if breach.recording is not None else None,
        device_id=breach.device_id, officer_id=breach.officer_id, facts=breach.facts,
        severity=breach.severity, found_at=now, updated_at=now,
    )  # fmt: skip


def _change(finding: Finding, breach: Breach, now: datetime, status: str, event: str) -> None:
    finding.facts, finding.status, finding.updated_at = breach.facts, status, now
    finding.save(update_fields=["facts", "status", "updated_at"])
    record(Action.COMPLIANCE, finding, None, event=event, rule=finding.rule, facts=finding.facts)


# --- runs -------------------------------------------------------------------------------------


@transaction.atomic
def _check_activities(ids: list[int], now: datetime, with_recordings: bool = False) -> Tally:
    """The activity rules over the batch, and with `with_recordings` the recording rules over
    their recordings too (the nightly run loads each recording once)."""
    tally = Tally()
    loaded = _loaded(ids)
    recordings = [r for a in loaded for r in recordings_of(a)]
    devices = {d.pk for a in loaded for d in devices_of(a)}
    devices |= {r.device_id for r in recordings if r.device_id}
    moments = [a.started_at for a in loaded] + [r.recorded_at for r in recordings if r.recorded_at]
    checks = _checks(devices, moments)
    speech_by = _speech([r.pk for r in recordings])
    if with_recordings:
        tally.add(_judge_recordings(recordings, checks, speech_by, now))
    existing = findings_about("activity", [a.pk for a in loaded], ACTIVITY_RULES)
    new = NewFindings()
    for activity in loaded:
        breaches = activity_breaches(activity, is_judged(activity), checks, speech_by, now)
        tally.add(reconcile("activity", activity.pk, breaches, existing[activity.pk], now, new))
    new.flush()
    return tally


@transaction.atomic
def _check_recordings(batch: list, now: datetime) -> Tally:
    devices = {r.device_id for r in batch if r.device_id}
    checks = _checks(devices, [r.recorded_at for r in batch if r.recorded_at is not None])
    return _judge_recordings(batch, checks, _speech([r.pk for r in batch]), now)


def _judge_recordings(
    batch: list, checks: ChecksByDay, speech_by: dict[int, Heard],
    now: datetime,
) -> Tally:  # fmt: skip
    tally = Tally()
    existing = findings_about("recording", [r.pk for r in batch], RECORDING_RULES)
    new = NewFindings()
    for recording in batch:
        breaches = recording_breaches(recording, checks, speech_by.get(recording.pk), now)
        tally.add(reconcile("recording", recording.pk, breaches, existing[recording.pk], now, new))
    new.flush()
    return tally


def check_activity(activity_id: int, now: datetime | None = None) -> Tally:
    return _check_activities([activity_id], now or timezone.now())


def check_recording(recording_id: int, now: datetime | None = None) -> Tally:
    """Measure its speech if not yet measured, judge it, then judge its activity."""
    recording = Recording.objects.select_related("activity").filter(pk=recording_id).first()
    if recording is None:
        return Tally()
    analyse_speech(recording)
    moment = now or timezone.now()
    tally = _check_recordings([recording], moment)
    if recording.activity_id:
        tally.add(check_activity(recording.activity_id, moment))
    return tally


def run_all(now: datetime | None = None, analyse: bool = True) -> Tally:
    """Every rule over everything (the nightly run); speech is measured where it is missing."""
    moment = now or timezone.now()
    tally = Tally()
    if analyse:
        unmeasured = Recording.objects.exclude(kind=Kind.PHOTO).filter(speech__isnull=True)
        for recording in unmeasured.iterator():
            analyse_speech(recording)
    activities = EnforcementActivity.objects.order_by("pk").values_list("pk", flat=True)
    for ids in _batches(activities, key=lambda pk: pk):
        tally.add(_check_activities(ids, moment, with_recordings=True))
    for batch in _batches(_recordings().filter(activity__isnull=True)):
        tally.add(_check_recordings(batch, moment))
    return tally
