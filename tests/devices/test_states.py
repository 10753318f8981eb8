"""A recorder's status follows one transition table (R-05): a retired device never comes back,
a lost one only by being found, and every loss, find and correction is a ledger entry with its
reason — from the page, the API and the command line."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bodycam.devices import registry, states
from bodycam.devices.checks import Reading, record_check
from bodycam.devices.models import Device, DeviceStatus, MaintenanceKind
from bodycam.ledger.models import LedgerEntry
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused
from tests.api import refused
from tests.devices.factories import make_device
from tests.ledger_entries import events_of

pytestmark = pytest.mark.django_db
S = DeviceStatus


def _fresh(device) -> Device:
    return Device.objects.get(pk=device.pk)


def test_every_change_outside_the_table_is_refused(device):
    for start in S.values:
        for wanted in S.values:
            Device.objects.filter(pk=device.pk).update(status=start)
            locked = states.locked(device)
            if start == wanted or wanted in states.TRANSITIONS[start]:
                states.change_status(locked, wanted)
                assert _fresh(device).status == wanted
            else:
                with pytest.raises(Refused) as refusal:
                    states.change_status(locked, wanted)
                assert refusal.value.code == "status_not_allowed"
                assert _fresh(device).status == start


def test_a_repair_never_brings_a_retired_device_back(custodian, device):
    spare = make_device(custodian, "TA-008")
    registry.record_maintenance(device, MaintenanceKind.REPLACEMENT, "换新", custodian, spare)
    assert _fresh(device).status == S.RETIRED
    with pytest.raises(Refused):
        registry.record_maintenance(device, MaintenanceKind.REPAIR, "修好了", custodian)
    assert _fresh(device).status == S.RETIRED
    with pytest.raises(Refused):
        registry.issue_device(device, device.custodian, custodian)


def test_a_device_lost_while_issued_is_no_longer_carried_and_found_again_in_stock(
    custodian, officer, issued
):
    states.mark_lost(issued, "现场遗失", custodian)
    device = _fresh(issued)
    assert device.status == S.LOST and device.current_issue is None
    with pytest.raises(Refused):
        registry.issue_device(device, officer, custodian)
    states.mark_found(device, "群众拾到送回", custodian)
    assert _fresh(device).status == S.IN_STOCK
    assert events_of(device)[-2:] == ["lost", "found"]


def test_losing_or_finding_needs_a_reason(custodian, device):
    with pytest.raises(Refused):
        states.mark_lost(device, " ", custodian)
    with pytest.raises(Refused):
        states.mark_found(device, "没丢", custodian)  # it was never lost
    assert _fresh(device).status == S.IN_STOCK


def test_a_correction_keeps_what_it_replaced_and_refuses_a_future_purchase_date(custodian, device):
    states.correct_device(device, "型号录错", custodian, model="DSJ-V10", manufacturer="某厂")
    device = _fresh(device)
    assert (device.model, device.manufacturer) == ("DSJ-V10", "某厂")
    entry = events_of(device)
    assert entry[-1] == "corrected"
    last = LedgerEntry.objects.about(device).order_by("-seq").first()
    assert last.payload["fields"]["model"] == ["DSJ-V9", "DSJ-V10"]
    assert last.payload["reason"] == "型号录错"
    tomorrow = wallclock.local_day() + timedelta(days=1)  # tomorrow in Beijing
    with pytest.raises(Refused) as refusal:
        states.correct_device(device, "补录", custodian, purchase_date=tomorrow)
    assert refusal.value.code == "date_in_future"
    assert entry == events_of(device)  # nothing more written


def test_the_device_page_never_says_usable_for_a_device_under_repair_lost_or_retired(
    client, custodian, device
):
    record_check(device, Reading(True, 90, 32, timezone.now()), custodian)
    client.force_login(custodian)
    assert "可以使用" in client.get(f"/devices/{device.pk}/").content.decode()
    for status in (S.REPAIR, S.LOST, S.RETIRED):
        Device.objects.filter(pk=device.pk).update(status=status)
        page = client.get(f"/devices/{device.pk}/").content.decode()
        assert "可以使用" not in page and "不能使用" in page, status


def test_lost_found_and_corrected_through_the_pages(client, custodian, device):
    client.force_login(custodian)
    client.post(f"/devices/{device.pk}/lost/", {"reason": "遗失在现场"})
    assert _fresh(device).status == S.LOST
    client.post(f"/devices/{device.pk}/found/", {"reason": "找到了"})
    assert _fresh(device).status == S.IN_STOCK
    client.post(
        f"/devices/{device.pk}/correct/",
        {"model": "DSJ-V11", "manufacturer": "", "purchase_date": "2025-03-01", "reason": "更正"},
    )
    assert _fresh(device).model == "DSJ-V11"
    assert events_of(device)[-3:] == ["lost", "found", "corrected"]


def test_lost_found_and_corrected_through_the_api(api, custodian, officer, device):
    api.force_authenticate(officer)  # not their device to manage
    assert api.post(f"/api/v1/devices/{device.pk}/lost/", {"reason": "x"}).status_code == 403
    api.force_authenticate(custodian)
    lost = api.post(f"/api/v1/devices/{device.pk}/lost/", {"reason": "遗失"}, format="json")
    assert lost.status_code == 200 and lost.json()["status"] == "lost"
    refused(lambda **lang: api.post(f"/api/v1/devices/{device.pk}/lost/", {"reason": "又丢了"},
                                    format="json", **lang), 409, "status_not_allowed")  # fmt: skip
    found = api.post(f"/api/v1/devices/{device.pk}/found/", {"reason": "找回"}, format="json")
    assert found.json()["status"] == "in_stock"
    body = {"reason": "购置日期录错", "purchase_date": "2024-06-01"}
    corrected = api.post(f"/api/v1/devices/{device.pk}/correct/", body, format="json")
    assert corrected.status_code == 200 and corrected.json()["purchase_date"] == "2024-06-01"


def test_lost_found_and_corrected_on_the_command_line(device, capsys):
    call_command("device", "lost", device.serial, "--reason", "遗失")
    assert _fresh(device).status == S.LOST
    call_command("device", "found", device.serial, "--reason", "找回")
    call_command("device", "correct", device.serial, "--reason", "更正", "--model", "X1")
    assert _fresh(device).model == "X1"
    with pytest.raises(CommandError, match=r"没有登记遗失.*not"):
        call_command("device", "found", device.serial, "--reason", "again")
