"""Devices as givens for tests, made through the registry so they are real (ledger included)."""

from bodycam.devices import registry


def make_device(custodian, serial: str = "TA00716", **fields):
    return registry.register_device(serial, custodian, None, **fields)
