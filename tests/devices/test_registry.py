"""The registry (R-05): one custodian per device; issue and return; maintenance; all ledgered."""

import pytest

from bodycam.devices import registry
from bodycam.devices.models import DeviceIssue, DeviceStatus
from bodycam.lib.errors import Refused
from tests.devices.factories import make_device
from tests.ledger_entries import events_of

pytestmark = pytest.mark.django_db


def test_registering_names_the_one_custodian_and_is_ledgered(custodian):
    device = make_device(custodian, "ta00716 ", model="DSJ-X1", explosion_proof=True)
    assert device.serial == "TA00716"  # trimmed, upper case
    assert device.custodian == custodian and device.status == DeviceStatus.IN_STOCK
    assert events_of(device) == ["registered"]


def test_only_a_custodian_can_keep_a_device(officer):
    with pytest.raises(Refused, match="不是保管员"):
        make_device(officer)


def test_a_serial_is_registered_once(custodian):
    make_device(custodian, "TA00716")
    with pytest.raises(Refused, match="已经登记过"):
        make_device(custodian, "ta00716")


@pytest.mark.parametrize("serial", ["", "   ", "../etc", "TA 0716", "TA\x00716", "A" * 41, "<b>"])
def test_hostile_serials_are_refused(custodian, serial):
    with pytest.raises(Refused, match="产品序号"):
        make_device(custodian, serial)


def test_issue_and_return_keep_the_history(custodian, officer):
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    device.refresh_from_db()
    assert device.status == DeviceStatus.ISSUED and device.current_issue.officer == officer
    registry.return_device(device, custodian)
    registry.issue_device(device, officer, custodian)
    registry.return_device(device, custodian)
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK and device.current_issue is None
    assert DeviceIssue.objects.filter(device=device).count() == 2
    assert events_of(device) == ["registered", "issued", "returned", "issued", "returned"]


def test_a_device_is_issued_to_one_officer_at_a_time(custodian, officer):
    from tests.factories import UserFactory

    other = UserFactory(roles=["officer"], full_name="王五")
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    with pytest.raises(Refused, match="已发放给 李明"):
        registry.issue_device(device, other, custodian)
    assert DeviceIssue.objects.filter(device=device).count() == 1


def test_a_device_goes_only_to_an_officer(custodian, head):
    device = make_device(custodian)
    with pytest.raises(Refused, match="不是执法人员"):
        registry.issue_device(device, head, custodian)


@pytest.mark.parametrize("kind", ["fault", "replacement"])
def test_a_retired_or_broken_device_cannot_be_issued(custodian, officer, kind):
    device = make_device(custodian)
    spare = make_device(custodian, "TA00717")
    registry.record_maintenance(device, kind, "屏幕损坏", custodian, replacement=spare)
    device.refresh_from_db()
    assert device.status in (DeviceStatus.REPAIR, DeviceStatus.RETIRED)
    with pytest.raises(Refused, match="不能发放"):
        registry.issue_device(device, officer, custodian)


def test_returning_a_device_that_is_not_out_is_refused(custodian):
    with pytest.raises(Refused, match="无需归还"):
        registry.return_device(make_device(custodian), custodian)


def test_maintenance_needs_a_description_and_a_returned_device(custodian, officer):
    device = make_device(custodian)
    with pytest.raises(Refused, match="说明"):
        registry.record_maintenance(device, "repair", "  ", custodian)
    registry.issue_device(device, officer, custodian)
    with pytest.raises(Refused, match="请先归还"):
        registry.record_maintenance(device, "fault", "不开机", custodian)
    registry.record_maintenance(device, "battery", "换电池", custodian)  # no status change: fine
    assert events_of(device)[-1] == "maintenance"
