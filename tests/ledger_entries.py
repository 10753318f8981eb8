"""Reading back the ledger entries a test's actions wrote about one thing."""

from bodycam.ledger.entries import Subject
from bodycam.ledger.models import LedgerEntry


def entries_about(thing):
    """The ledger entries whose subject is `thing` (a device, an activity …), oldest first."""
    subject = Subject.of(thing)
    return LedgerEntry.objects.filter(subject_kind=subject.kind, subject_id=subject.id).order_by(
        "seq"
    )


def events_of(thing) -> list[str]:
    """The `event` of each device or activity entry about `thing`, oldest first."""
    return [e.payload["event"] for e in entries_about(thing) if "event" in e.payload]


def last_entry_of(thing) -> LedgerEntry:
    return entries_about(thing).last()
