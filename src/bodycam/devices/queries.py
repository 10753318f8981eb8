"""Filtering the device registry the same way on the page and in the API."""

from typing import Any

from django.db.models import Q, QuerySet

from bodycam.devices.models import Device
from bodycam.lib.parsing import filter_by_id

FILTERS = ("q", "status", "unit", "custodian")


def filter_devices(devices: QuerySet[Device], params: Any) -> QuerySet[Device]:
    """Search (serial, model, manufacturer) and filter by status, unit and custodian."""
    if text := (params.get("q") or "").strip():
        devices = devices.filter(
            Q(serial__icontains=text) | Q(model__icontains=text) | Q(manufacturer__icontains=text)
        )
    if value := params.get("status"):
        devices = devices.filter(status=value)
    if value := params.get("unit"):
        devices = filter_by_id(devices, "unit_id", value)
    if value := params.get("custodian"):
        devices = devices.filter(
            Q(custodian__username=value) | Q(custodian__badge_number=value)
            | Q(custodian__full_name=value)
        )  # fmt: skip
    return devices
