"""Devices as givens for tests, made through the registry so they are real (ledger included)."""

from bodycam.devices import registry


def make_device(custodian, serial: str = "TA00716", **fields):
    return registry.register_device(serial, custodian, None, **fields)


def device_events(device) -> list[str]:
    """The device's ledger events, oldest first."""
    from bodycam.ledger.models import Action, LedgerEntry

    entries = LedgerEntry.objects.filter(
        action=Action.DEVICE_EVENT, subject_kind="device", subject_id=str(device.pk)
    ).order_by("seq")
    return [entry.payload["event"] for entry in entries]


def last_device_entry(device):
    """The device's latest ledger entry."""
    from bodycam.ledger.models import Action, LedgerEntry

    return LedgerEntry.objects.filter(
        action=Action.DEVICE_EVENT, subject_kind="device", subject_id=str(device.pk)
    ).latest("seq")
