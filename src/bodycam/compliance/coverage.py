"""How much of an activity was recorded (R-09), where nothing was, and when its recordings are
due (R-13): the figures the activity page shows beside its findings."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from bodycam.activities.models import EnforcementActivity
from bodycam.recordings.models import Kind, Recording
from bodycam.recordings.timing import upload_deadline


@dataclass
class Gap:
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class Bar:
    """A stretch drawn on the activity's timeline, in percent of its span."""

    left: float
    width: float
    start: datetime
    end: datetime
    recording: Recording | None = None  # None: a gap


@dataclass
class Coverage:
    span: timedelta  # the activity's length, to now while it is open
    recorded: timedelta  # the part of it inside at least one recording
    gaps: list[Gap] = field(default_factory=list)  # unrecorded stretches over the threshold
    deadline: datetime | None = None
    late: int = 0  # recordings handed over after their deadline
    bars: list[Bar] = field(default_factory=list)  # recordings, then gaps, for the timeline

    @property
    def percent(self) -> float | None:
        if self.span <= timedelta(0):
            return None
        return round(100 * self.recorded / self.span, 1)


def activity_coverage(activity: EnforcementActivity, recordings: list[Recording]) -> Coverage:
    """Coverage of the activity's span by the union of its recordings' spans, every device
    together (two officers filming the same scene cover it once)."""
    start, end = activity.started_at, activity.ended_at or timezone.now()
    spans = sorted(
        (max(r.recorded_at, start), min(r.recorded_at + r.duration, end))
        for r in recordings
        if r.kind != Kind.PHOTO and r.recorded_at is not None and r.duration is not None
    )
    threshold = timedelta(seconds=settings.COMPLIANCE_GAP_SECONDS)
    recorded, gaps, cursor = timedelta(0), [], start
    for span_start, span_end in spans:
        if span_end <= max(span_start, cursor):
            continue
        if span_start - cursor > threshold:
            gaps.append(Gap(cursor, span_start))
        recorded += span_end - max(span_start, cursor)
        cursor = span_end
    if activity.ended_at is not None and end - cursor > threshold:
        gaps.append(Gap(cursor, end))
    return Coverage(
        bars=_bars(start, end, recordings, gaps),
        span=max(end - start, timedelta(0)),
        recorded=recorded,
        gaps=gaps,
        deadline=upload_deadline(activity.ended_at or start, activity),
        late=sum(1 for r in recordings if r.deadline_met is False),
    )


def _bars(start: datetime, end: datetime, recordings: list[Recording], gaps: list[Gap]) -> list:
    """Where each recording (in time order) and each gap lies on the timeline (each at least
    a sliver wide, so a two-second clip can still be seen and clicked)."""
    total = (end - start).total_seconds()
    if total <= 0:
        return []

    def bar(a: datetime, b: datetime, recording: Recording | None = None) -> Bar:
        a, b = max(a, start), min(b, end)
        left = 100 * (a - start).total_seconds() / total
        width = max(100 * (b - a).total_seconds() / total, 0.5)
        return Bar(round(left, 2), round(min(width, 100 - left), 2), a, b, recording)

    spans = sorted(
        (r.recorded_at, r.recorded_at + r.duration, r.pk, r)
        for r in recordings
        if r.kind != Kind.PHOTO and r.recorded_at is not None and r.duration is not None
    )
    shown = [bar(a, b, r) for a, b, _pk, r in spans if a < end and b > start]
    return shown + [bar(gap.start, gap.end) for gap in gaps]
