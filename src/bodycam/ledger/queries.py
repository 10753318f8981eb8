"""Filtering ledger entries the same way on the page and in the API."""

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from bodycam.ledger.models import LedgerEntry

FILTERS = ("action", "actor", "subject_kind", "subject_id", "sha256", "since", "until")


def _moment(text: str, end_of_day: bool) -> datetime | None:
    """A date or date-time typed by a user, read in the display time zone."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            return None
        moment = datetime.combine(day, time.max if end_of_day else time.min)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def filter_entries(entries: QuerySet[LedgerEntry], params: Any) -> QuerySet[LedgerEntry]:
    """Apply the filters present in `params` (a QueryDict or dict); unknown values are ignored
    rather than guessed, except bad dates, which raise ValueError with a bilingual message."""
    if value := params.get("action"):
        entries = entries.filter(action=value)
    if value := params.get("actor"):
        match = Q(actor_badge=value) | Q(actor_name=value)
        entries = entries.filter(match | Q(actor_id=int(value)) if value.isdigit() else match)
    if value := params.get("subject_kind"):
        entries = entries.filter(subject_kind=value)
    if value := params.get("subject_id"):
        entries = entries.filter(subject_id=value)
    if value := params.get("sha256"):
        entries = entries.filter(subject_sha256=value.lower())
    for name, lookup, end_of_day in (("since", "time__gte", False), ("until", "time__lte", True)):
        if value := params.get(name):
            moment = _moment(value, end_of_day)
            if moment is None:
                raise ValueError(f"日期格式应为 YYYY-MM-DD：{value!r} / bad date {value!r}")
            entries = entries.filter(**{lookup: moment})
    return entries
