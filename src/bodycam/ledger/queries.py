"""Filtering ledger entries the same way on the page and in the API."""

from typing import Any

from django.db.models import Q, QuerySet

from bodycam.ledger.models import LedgerEntry
from bodycam.lib.parsing import parse_id, parse_moment

FILTERS = ("action", "actor", "subject_kind", "subject_id", "sha256", "since", "until")


def filter_entries(entries: QuerySet[LedgerEntry], params: Any) -> QuerySet[LedgerEntry]:
    """Apply the filters present in `params` (a QueryDict or dict); unknown values are ignored
    rather than guessed, except bad dates, which are Refused."""
    if value := params.get("action"):
        entries = entries.filter(action=value)
    if value := params.get("actor"):
        match = Q(actor_badge=value) | Q(actor_name=value)
        number = parse_id(value)
        entries = entries.filter(match | Q(actor_id=number) if number is not None else match)
    if value := params.get("subject_kind"):
        entries = entries.filter(subject_kind=value)
    if value := params.get("subject_id"):
        entries = entries.filter(subject_id=value)
    if value := params.get("sha256"):
        entries = entries.filter(subject_sha256=value.lower())
    for name, lookup, end_of_day in (("since", "time__gte", False), ("until", "time__lte", True)):
        if value := params.get(name):
            entries = entries.filter(**{lookup: parse_moment(value, end_of_day)})
    return entries
