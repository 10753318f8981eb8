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
class Coverage:
    span: timedelta  # the activity's length, to now while it is open
    recorded: timedelta  # the part of it inside at least one recording
    gaps: list[Gap] = field(default_factory=list)  # unrecorded stretches over the threshold
    deadline: datetime | None = None
    late: int = 0  # recordings handed over after their deadline

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
        span=max(end - start, timedelta(0)),
        recorded=recorded,
        gaps=gaps,
        deadline=upload_deadline(activity.ended_at or start, activity),
        late=sum(1 for r in recordings if r.deadline_met is False),
    )
