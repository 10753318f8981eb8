"""Yearly numbers ("2026-00042") for registers and discs, compared as numbers so that 100000
follows 99999."""

from django.db.models import IntegerField, Manager, Max, QuerySet
from django.db.models.functions import Cast, Substr


def next_number(rows: "QuerySet | Manager", year: int, width: int, field: str = "number") -> str:
    """The year's next number among `rows`' `field`."""
    prefix = f"{year}-"
    last = (
        rows.filter(**{f"{field}__startswith": prefix})
        .annotate(serial=Cast(Substr(field, len(prefix) + 1), IntegerField()))
        .aggregate(last=Max("serial"))["last"]
    )
    return f"{prefix}{(last or 0) + 1:0{width}d}"
