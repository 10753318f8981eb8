"""Filtering recordings the same way on the page and in the API."""

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date

from bodycam.recordings.models import Recording

FILTERS = (
    "officer", "device", "unit", "since", "until", "activity", "kind", "condition",
    "deadline", "review", "unlinked", "sha256",
)  # fmt: skip


def _day(text: str, end: bool) -> datetime:
    day = parse_date(text or "")
    if day is None:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{text!r} / bad date {text!r}")
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    return datetime.combine(day, time.max if end else time.min, tzinfo=zone)


def filter_recordings(recordings: QuerySet[Recording], params: Any) -> QuerySet[Recording]:
    """Filters present in `params`; a bad date raises ValueError with a bilingual message."""
    if value := params.get("officer"):
        recordings = recordings.filter(
            Q(officer__badge_number=value) | Q(officer__username=value) | Q(badge_raw=value)
        )
    if value := params.get("device"):
        recordings = recordings.filter(
            Q(device__serial=value.upper()) | Q(serial_raw=value.upper())
        )
    if (value := params.get("unit") or "").isdigit():
        recordings = recordings.filter(officer__unit_id=int(value))
    if value := params.get("since"):
        recordings = recordings.filter(recorded_at__gte=_day(value, end=False))
    if value := params.get("until"):
        recordings = recordings.filter(recorded_at__lte=_day(value, end=True))
    if (value := params.get("activity") or "").isdigit():
        recordings = recordings.filter(activity_id=int(value))
    if value := params.get("kind"):
        recordings = recordings.filter(kind=value)
    if value := params.get("condition"):
        recordings = recordings.filter(condition=value)
    if (value := params.get("deadline")) in ("met", "missed"):
        recordings = recordings.filter(deadline_met=value == "met")
    if params.get("review") in ("1", "true"):
        recordings = recordings.filter(needs_review=True)
    if params.get("unlinked") in ("1", "true"):
        recordings = recordings.filter(activity__isnull=True)
    if value := params.get("sha256"):
        recordings = recordings.filter(sha256=value.strip().lower())
    return recordings
