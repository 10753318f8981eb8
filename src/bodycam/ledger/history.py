"""An object's custody history as its pages show it: the entries about it that the reader may
see (LedgerEntry.objects.restrict), newest first."""

from typing import Any

from django.db.models import QuerySet

from bodycam.ledger.models import LedgerEntry

SHOWN = 50


def custody_history(user: Any, thing: Any) -> QuerySet[LedgerEntry]:
    """The newest entries about `thing` that `user` may read."""
    return LedgerEntry.objects.restrict(user).about(thing).order_by("-seq")[:SHOWN]
