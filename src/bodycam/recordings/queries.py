"""Filtering recordings the same way on the page and in the API."""

from typing import Any

from django.db.models import Q, QuerySet

from bodycam.lib.parsing import day_bound, filter_by_id
from bodycam.recordings.models import ContentMark, MistakeStatus, Recording

FILTERS = (
    "officer", "device", "unit", "since", "until", "activity", "kind", "condition",
    "deadline", "review", "unlinked", "sha256", "tag", "mistaken", "q",
)  # fmt: skip


def filter_recordings(recordings: QuerySet[Recording], params: Any) -> QuerySet[Recording]:
    """Filters present in `params`; a bad date is Refused, an id that is no id matches none.
    Mistaken uploads (误传) are left out unless asked for (`mistaken=1`: only those;
    `mistaken=proposed`: those proposed and awaiting the head)."""
    mistaken = params.get("mistaken")
    recordings = recordings.filter(mistaken_at__isnull=mistaken not in ("1", "true"))
    if mistaken == "proposed":
        recordings = recordings.filter(mistakes__status=MistakeStatus.PROPOSED)
    if value := (params.get("q") or "").strip():  # the search box: any of what people know
        recordings = recordings.filter(
            Q(original_name__icontains=value) | Q(officer__full_name__icontains=value)
            | Q(officer__badge_number__iexact=value) | Q(badge_raw__iexact=value)
            | Q(device__serial__iexact=value) | Q(serial_raw__iexact=value)
            | Q(sha256__startswith=value.lower())
        )  # fmt: skip
    if value := params.get("officer"):
        recordings = recordings.filter(
            Q(officer__badge_number=value) | Q(officer__username=value) | Q(badge_raw=value)
        )
    if value := params.get("device"):
        recordings = recordings.filter(
            Q(device__serial=value.upper()) | Q(serial_raw=value.upper())
        )
    if value := params.get("unit"):
        recordings = filter_by_id(recordings, "officer__unit_id", value)
    if value := params.get("since"):
        recordings = recordings.filter(recorded_at__gte=day_bound(value, end=False))
    if value := params.get("until"):
        recordings = recordings.filter(recorded_at__lte=day_bound(value, end=True))
    if value := params.get("activity"):
        recordings = filter_by_id(recordings, "activity_id", value)
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
    if value := params.get("tag"):  # a content tag someone marked in it
        recordings = recordings.filter(
            pk__in=ContentMark.objects.filter(tag=value).values("recording")
        )
    return recordings
