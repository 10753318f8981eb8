"""The rules, each a small function with its article: given one activity or one recording (with
what it needs already loaded), what breaches hold now, each with the facts that show it.

Pure judgement: no writes here. engine.py turns what the rules say into findings.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from django.conf import settings

from bodycam.activities.models import ActivityStatus, EnforcementActivity, ExemptionStatus
from bodycam.compliance.models import Rule, Severity
from bodycam.devices.models import PreUseCheck
from bodycam.lib import wallclock
from bodycam.recordings.models import Condition, Kind, Recording


@dataclass
class Breach:
    """What a rule found: `key` tells this breach from another of the same rule."""

    rule: str
    key: str
    severity: int
    facts: dict[str, Any]
    activity: EnforcementActivity | None = None
    recording: Any = None  # a Recording, or the nightly run's plain record of one
    device_id: int | None = None
    officer_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ChecksByDay:
    """Pre-use checks by device and Beijing day, each day's in time order (R-07)."""

    def __init__(self, checks: Iterable[PreUseCheck]) -> None:
        self._by: dict[tuple[int, date], list[PreUseCheck]] = {}
        for check in sorted(checks, key=lambda c: c.checked_at):
            day = wallclock.local_day(check.checked_at)
            self._by.setdefault((check.device_id, day), []).append(check)

    def on(self, device_id: int | None, day: date) -> list[PreUseCheck]:
        return self._by.get((device_id or 0, day), [])


def recordings_of(activity: EnforcementActivity) -> list[Any]:
    """The activity's recordings: as the nightly run loaded them (plain records with the fields
    the rules read), or from the database."""
    loaded = getattr(activity, "segments", None)
    return loaded if loaded is not None else list(activity.recordings.all())


def _iso(moment: datetime | None) -> str | None:
    return wallclock.local(moment).isoformat(timespec="seconds") if moment else None


def _end(recording: Recording) -> datetime | None:
    if recording.recorded_at is None or recording.duration is None:
        return None
    return recording.recorded_at + recording.duration


def _timed(recordings: list[Recording]) -> list[Recording]:
    """Audio and video with a start and a length, in order (photos have no span)."""
    timed = [r for r in recordings if r.kind != Kind.PHOTO and _end(r) is not None]
    return sorted(timed, key=lambda r: (r.recorded_at, r.pk))


def _first_officer(activity: EnforcementActivity) -> int | None:
    """The first of the activity's officers by username (as `activity.officers.all()` orders)."""
    loaded = getattr(activity, "officer_ids", None)
    officers = loaded if loaded is not None else [o.pk for o in activity.officers.all()]
    return officers[0] if officers else None


def devices_of(activity: EnforcementActivity) -> list[Any]:
    """The activity's devices (each with `pk` and `serial`), as loaded or from the database."""
    loaded = getattr(activity, "device_rows", None)
    return loaded if loaded is not None else list(activity.devices.all())


# --- activities -------------------------------------------------------------------------------


def missing_recording(activity: EnforcementActivity, judged: bool) -> Iterator[Breach]:
    """R-03, R-04: a closed activity that must be recorded, with no recording and no
    acknowledged exemption (activities before R-23's effective date are not judged)."""
    if activity.status != ActivityStatus.CLOSED or not judged:
        return
    if recordings_of(activity):
        return
    if any(e.status == ExemptionStatus.ACKNOWLEDGED for e in activity.exemptions.all()):
        return
    yield Breach(
        Rule.MISSING_RECORDING, f"activity:{activity.pk}", Severity.HIGH,
        {"type": activity.type, "started_at": _iso(activity.started_at),
         "ended_at": _iso(activity.ended_at)},
        activity=activity, officer_id=_first_officer(activity),
    )  # fmt: skip


def interruptions(activity: EnforcementActivity) -> Iterator[Breach]:
    """R-09, R-11: per device, consecutive segments more than the threshold apart (recorders
    split long recordings into files that follow within a second or two: not a gap)."""
    threshold = timedelta(seconds=settings.COMPLIANCE_GAP_SECONDS)
    by_device: dict[Any, list[Recording]] = {}
    for recording in _timed(recordings_of(activity)):
        by_device.setdefault(recording.device_id or f"officer-{recording.officer_id}", []).append(
            recording
        )
    for segments in by_device.values():
        for before, after in pairwise(segments):
            gap_start, gap_end = _end(before), after.recorded_at
            assert gap_start is not None and gap_end is not None
            if gap_end - gap_start <= threshold:
                continue
            yield Breach(
                Rule.INTERRUPTION, f"activity:{activity.pk}:{before.pk}-{after.pk}",
                Severity.HIGH,
                {"gap_seconds": round((gap_end - gap_start).total_seconds(), 1),
                 "gap_start": _iso(gap_start), "gap_end": _iso(gap_end),
                 "before": before.pk, "after": after.pk},
                activity=activity, recording=after,
                device_id=after.device_id, officer_id=after.officer_id,
            )  # fmt: skip


def late_start_and_early_stop(activity: EnforcementActivity) -> Iterator[Breach]:
    """R-09: recording runs from arrival to the end of the activity."""
    segments = _timed(recordings_of(activity))
    if not segments:
        return
    late = timedelta(seconds=settings.COMPLIANCE_LATE_START_SECONDS)
    first = segments[0]
    assert first.recorded_at is not None
    if first.recorded_at - activity.started_at > late:
        yield Breach(
            Rule.LATE_START, f"activity:{activity.pk}", Severity.MEDIUM,
            {"late_seconds": round((first.recorded_at - activity.started_at).total_seconds()),
             "started_at": _iso(activity.started_at), "first_recording": first.pk,
             "recorded_at": _iso(first.recorded_at)},
            activity=activity, recording=first, officer_id=first.officer_id,
        )  # fmt: skip
    if activity.status != ActivityStatus.CLOSED or activity.ended_at is None:
        return
    last_end = max(e for e in (_end(r) for r in segments) if e is not None)
    if activity.ended_at - last_end > late:
        last = max(segments, key=lambda r: _end(r) or activity.started_at)
        yield Breach(
            Rule.EARLY_STOP, f"activity:{activity.pk}", Severity.MEDIUM,
            {"early_seconds": round((activity.ended_at - last_end).total_seconds()),
             "ended_at": _iso(activity.ended_at), "last_recording": last.pk,
             "recording_ended_at": _iso(last_end)},
            activity=activity, recording=last, officer_id=last.officer_id,
        )  # fmt: skip


def no_pre_use_check(activity: EnforcementActivity, checks: ChecksByDay) -> Iterator[Breach]:
    """R-07: every device used was checked, and passed, on the day of the activity."""
    day = wallclock.local_day(activity.started_at)
    for device in devices_of(activity):
        if any(check.passed for check in checks.on(device.pk, day)):
            continue
        yield Breach(
            Rule.NO_PRE_USE_CHECK, f"activity:{activity.pk}:device:{device.pk}", Severity.MEDIUM,
            {"device": device.serial, "day": day.isoformat()},
            activity=activity, device_id=device.pk, officer_id=_first_officer(activity),
        )  # fmt: skip


def exemption_pending(activity: EnforcementActivity, now: datetime) -> Iterator[Breach]:
    """R-04: a filed exemption the oversight office has not acknowledged in N days."""
    limit = timedelta(days=settings.COMPLIANCE_EXEMPTION_DAYS)
    for exemption in activity.exemptions.all():
        if exemption.status == ExemptionStatus.FILED and now - exemption.filed_at > limit:
            yield Breach(
                Rule.EXEMPTION_PENDING, f"exemption:{exemption.pk}", Severity.LOW,
                {"filed_at": _iso(exemption.filed_at), "exemption": exemption.pk,
                 "limit_days": settings.COMPLIANCE_EXEMPTION_DAYS},
                activity=activity, officer_id=exemption.filed_by_id,
            )  # fmt: skip


def speech_at_starts(
    activity: EnforcementActivity, gaps: list[Breach], speech: dict[int, Any]
) -> Iterator[Breach]:
    """R-08: the notification sentence is spoken at the start of the activity's first
    recording; R-11: after an interruption the cause is spoken at the start of the next."""
    window = settings.COMPLIANCE_SPEECH_SECONDS
    segments = _timed(recordings_of(activity))
    analysis = speech.get(segments[0].pk) if segments else None
    if analysis is not None and not (analysis.has_audio and analysis.speech_within(0, window)):
        yield Breach(
            Rule.NO_NOTIFICATION_SPEECH, f"activity:{activity.pk}", Severity.MEDIUM,
            {"recording": segments[0].pk, "seconds": window,
             "has_audio": analysis.has_audio, "spans": analysis.spans[:5]},
            activity=activity, recording=segments[0], officer_id=segments[0].officer_id,
        )  # fmt: skip
    for gap in gaps:
        after = gap.recording
        assert after is not None
        analysis = speech.get(after.pk)
        if analysis is None or (analysis.has_audio and analysis.speech_within(0, window)):
            continue
        yield Breach(
            Rule.NO_SPOKEN_EXPLANATION, gap.key, Severity.MEDIUM,
            {"recording": after.pk, "seconds": window, "gap_seconds": gap.facts["gap_seconds"],
             "has_audio": analysis.has_audio},
            activity=activity, recording=after, officer_id=after.officer_id,
        )  # fmt: skip


def activity_breaches(
    activity: EnforcementActivity,
    judged: bool,
    checks: ChecksByDay,
    speech: dict[int, Any],
    now: datetime,
) -> list[Breach]:
    """Every activity rule, for an activity whose recordings, devices, officers and exemptions
    are loaded. An activity cancelled as opened by mistake is judged by none (R-03)."""
    if activity.status == ActivityStatus.CANCELLED:
        return []
    gaps = list(interruptions(activity))
    return [
        *missing_recording(activity, judged),
        *gaps,
        *late_start_and_early_stop(activity),
        *no_pre_use_check(activity, checks),
        *exemption_pending(activity, now),
        *speech_at_starts(activity, gaps, speech),
    ]


# --- recordings -------------------------------------------------------------------------------


def late_upload(recording: Recording) -> Iterator[Breach]:
    """R-13: ingested after its deadline (the activity's day, or 24 h after return)."""
    deadline = recording.upload_deadline
    if recording.deadline_met is not False or deadline is None:
        return
    yield Breach(
        Rule.LATE_UPLOAD, f"recording:{recording.pk}", Severity.MEDIUM,
        {"deadline": _iso(deadline), "ingested_at": _iso(recording.ingested_at),
         "late_seconds": round((recording.ingested_at - deadline).total_seconds())},
        activity=recording.activity, recording=recording, device_id=recording.device_id,
        officer_id=recording.officer_id,
    )  # fmt: skip


def clock(recording: Recording, checks: ChecksByDay) -> Iterator[Breach]:
    """R-07: the recorder's clock was off: by its pre-use check that day, or evidently (the
    file says it was recorded after it was ingested, or long before its activity began, or its
    container and its file name disagree under either reading of the container's stamp)."""
    threshold = settings.CHECK_MAX_CLOCK_OFFSET_SECONDS
    facts: dict[str, Any] = {}
    if recording.recorded_at is not None:
        day = wallclock.local_day(recording.recorded_at)
        that_day = checks.on(recording.device_id, day)
        if that_day and abs(that_day[-1].clock_offset.total_seconds()) > threshold:
            facts["offset_seconds"] = round(that_day[-1].clock_offset.total_seconds(), 1)
        if recording.recorded_at > recording.ingested_at + timedelta(seconds=threshold):
            facts["recorded_after_ingest_seconds"] = round(
                (recording.recorded_at - recording.ingested_at).total_seconds()
            )
        for note in recording.review_notes:
            if note.get("code") == "name_time_disagrees":
                facts["name_difference_seconds"] = note.get("difference_seconds")
                facts["name_time"] = note.get("value")
        before = timedelta(minutes=settings.COMPLIANCE_CLOCK_BEFORE_ACTIVITY_MINUTES)
        activity = recording.activity
        if activity is not None and activity.started_at - recording.recorded_at > before:
            facts["before_activity_seconds"] = round(
                (activity.started_at - recording.recorded_at).total_seconds()
            )
    if facts:
        facts["recorded_at"] = _iso(recording.recorded_at)
        yield Breach(
            Rule.CLOCK, f"recording:{recording.pk}", Severity.MEDIUM, facts,
            activity=recording.activity, recording=recording, device_id=recording.device_id,
            officer_id=recording.officer_id,
        )  # fmt: skip


def unlinked(recording: Recording, now: datetime) -> Iterator[Breach]:
    """R-02: every recording belongs to an activity; N days after ingest one that does not is
    a finding (the records office links it, or it shows an activity nobody opened)."""
    age = now - recording.ingested_at
    if recording.activity_id is None and age > timedelta(days=settings.COMPLIANCE_UNLINKED_DAYS):
        yield Breach(
            Rule.UNLINKED, f"recording:{recording.pk}", Severity.LOW,
            {"ingested_at": _iso(recording.ingested_at),
             "limit_days": settings.COMPLIANCE_UNLINKED_DAYS},
            recording=recording, device_id=recording.device_id, officer_id=recording.officer_id,
        )  # fmt: skip


def damaged_file(recording: Recording) -> Iterator[Breach]:
    """R-11: the recorder produced a file that cannot be read whole (often a dying battery)."""
    if recording.condition == Condition.DAMAGED:
        yield Breach(
            Rule.DAMAGED_FILE, f"recording:{recording.pk}", Severity.HIGH,
            {"reason": recording.damage_reason},
            activity=recording.activity, recording=recording, device_id=recording.device_id,
            officer_id=recording.officer_id,
        )  # fmt: skip


def silent_recording(recording: Recording, analysis: Any) -> Iterator[Breach]:
    """R-08: a video without sound, or in which nobody speaks at all."""
    if recording.kind != Kind.VIDEO or analysis is None:
        return
    if analysis.has_audio and analysis.spans:
        return
    yield Breach(
        Rule.SILENT_RECORDING, f"recording:{recording.pk}", Severity.MEDIUM,
        {"has_audio": analysis.has_audio, "analysed_seconds": analysis.analysed_seconds},
        activity=recording.activity, recording=recording, device_id=recording.device_id,
        officer_id=recording.officer_id,
    )  # fmt: skip


def recording_breaches(
    recording: Recording, checks: ChecksByDay, analysis: Any, now: datetime
) -> list[Breach]:
    """Every recording rule, for a recording with its activity loaded; a mistaken upload
    (误传, agreed by the head) is no recording and is judged by none."""
    if recording.mistaken_at is not None:
        return []
    return [
        *late_upload(recording),
        *clock(recording, checks),
        *unlinked(recording, now),
        *damaged_file(recording),
        *silent_recording(recording, analysis),
    ]
