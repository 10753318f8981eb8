"""Pre-use checks (R-07): thresholds, clock offset, not-ready devices, bad values."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bodycam.devices import checks, registry
from bodycam.devices.models import PreUseCheck
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from tests.devices.factories import make_device

pytestmark = pytest.mark.django_db


def _reading(battery=80, free="30", ahead=timedelta(0), fault=False):
    return checks.Reading(
        no_fault=not fault,
        battery_percent=battery,
        free_storage_gb=Decimal(free),
        device_clock=timezone.now() + ahead,
    )


def test_a_good_device_passes_and_its_clock_offset_is_kept(custodian, officer):
    device = make_device(custodian)
    check = checks.record_check(device, _reading(ahead=timedelta(seconds=4)), officer)
    assert check.passed
    assert 3.5 < check.clock_offset.total_seconds() < 4.5
    assert device.latest_check.clock_offset == check.clock_offset
    entry = LedgerEntry.objects.filter(subject_kind="device").order_by("-seq").first()
    assert entry.payload["event"] == "pre_use_check" and entry.payload["passed"] is True


def test_each_problem_is_named_with_its_value(custodian, officer, settings):
    settings.CHECK_MIN_BATTERY_PERCENT = 50
    device = make_device(custodian)
    check = checks.record_check(
        device, _reading(battery=49, free="7.5", ahead=timedelta(minutes=-3), fault=True), officer
    )
    assert [p["code"] for p in check.problems] == ["fault", "battery", "storage", "clock"]
    text = [checks.describe(p) for p in check.problems]
    assert text[1] == "电量 49% 低于 50%"
    assert "7.5 GB" in text[2] and "-180" in text[3]


def test_thresholds_are_settings(custodian, officer, settings):
    settings.CHECK_MIN_BATTERY_PERCENT = 90
    device = make_device(custodian)
    assert not checks.record_check(device, _reading(battery=80), officer).passed


@pytest.mark.parametrize(("battery", "free"), [(120, "30"), (-1, "30"), (80, "-0.5")])
def test_impossible_readings_are_refused_and_not_stored(custodian, officer, battery, free):
    device = make_device(custodian)
    with pytest.raises(Refused):
        checks.record_check(device, _reading(battery=battery, free=free), officer)
    assert not PreUseCheck.objects.exists()


def test_a_failed_check_makes_issuing_need_a_written_reason(custodian, officer):
    device = make_device(custodian)
    checks.record_check(device, _reading(battery=10), custodian)
    with pytest.raises(Refused, match="须填写理由"):
        registry.issue_device(device, officer, custodian)
    issue = registry.issue_device(device, officer, custodian, override_reason="备用电池随身携带")
    assert issue.override_reason == "备用电池随身携带"


def test_a_later_passing_check_makes_the_device_ready_again(custodian, officer):
    device = make_device(custodian)
    checks.record_check(device, _reading(battery=10), custodian)
    checks.record_check(device, _reading(), custodian)
    assert registry.issue_device(device, officer, custodian).override_reason == ""
