"""The device registry through the API (R-05, R-07): who may do what, what is refused and why,
and that every change leaves its ledger entry, exactly as on the pages."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bodycam.devices import checks, registry
from bodycam.devices.models import (
    Device,
    DeviceIssue,
    DeviceStatus,
    MaintenanceRecord,
    PreUseCheck,
)
from bodycam.ledger.models import Action, LedgerEntry
from tests.api import refused
from tests.factories import UserFactory
from tests.ledger_entries import events_of, last_entry_of

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/devices/"


def _as(api, user):
    api.force_authenticate(user)
    return api


def _text(response) -> str:
    """Everything the response says, as one string (refusals and field errors alike)."""
    return json.dumps(response.json(), ensure_ascii=False)


def _reading(**overrides) -> dict:
    body = {
        "no_fault": True,
        "battery_percent": 80,
        "free_storage_gb": "30",
        "device_clock": timezone.now().isoformat(),
    }
    return {**body, **overrides}


# Registering (R-05) ------------------------------------------------------------------------


def test_custodian_registers_a_device_with_its_custodian_and_a_ledger_entry(api, custodian):
    body = {
        "serial": "TA-001",
        "custodian": custodian.username,
        "model": "DSJ-V9",
        "explosion_proof": True,
    }
    response = _as(api, custodian).post(DEVICES, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["serial"] == "TA-001" and data["status"] == "in_stock"
    assert data["custodian"] == custodian.username and data["explosion_proof"] is True
    device = Device.objects.get(serial="TA-001")
    assert device.custodian == custodian and device.model == "DSJ-V9"
    assert events_of(device) == ["registered"]
    entry = last_entry_of(device)
    assert entry.actor_id == custodian.pk
    assert entry.payload["custodian"] == custodian.username
    assert entry.payload["explosion_proof"] is True


@pytest.mark.parametrize("role", ["officer", "head", "administrator"])
def test_only_custodians_may_register_a_device(api, request, custodian, role):
    user = request.getfixturevalue(role)
    body = {"serial": "TA-001", "custodian": custodian.username, "model": "DSJ-V9"}
    _as(api, user)
    refused(lambda **lang: api.post(DEVICES, body, format="json", **lang), 403, "permission_denied")
    assert not Device.objects.exists()


def test_an_anonymous_call_is_answered_401(api, device):
    assert api.get(DEVICES).status_code == 401
    response = api.post(DEVICES, {"serial": "TA-001", "custodian": "x"}, format="json")
    assert response.status_code == 401
    assert api.post(f"{DEVICES}{device.pk}/issue/", {"officer": "JX0227"}).status_code == 401
    assert Device.objects.count() == 1


@pytest.mark.parametrize("serial", ["TA-007", "ta-007"])
def test_a_serial_is_registered_only_once(api, custodian, device, serial):
    body = {"serial": serial, "custodian": custodian.username}
    response = _as(api, custodian).post(DEVICES, body, format="json")
    assert response.status_code == 400
    assert "产品序号" in _text(response)  # the field, named in Chinese
    assert Device.objects.count() == 1
    assert events_of(device) == ["registered"]


@pytest.mark.parametrize("serial", ["TA-007", "ta-007"])
def test_a_duplicate_serial_is_refused_in_chinese_and_english(api, custodian, device, serial):
    body = {"serial": serial, "custodian": custodian.username}
    _as(api, custodian)
    chinese, english = refused(lambda **lang: api.post(DEVICES, body, format="json", **lang))
    assert "TA-007" in chinese and "TA-007" in english


@pytest.mark.parametrize("serial", ["../x", "TA 007", "", "A" * 41, "<script>"])
def test_hostile_serials_are_refused_and_nothing_is_stored(api, custodian, serial):
    body = {"serial": serial, "custodian": custodian.username, "model": "DSJ-V9"}
    response = _as(api, custodian).post(DEVICES, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert not Device.objects.exists()
    assert not LedgerEntry.objects.filter(action=Action.DEVICE_EVENT).exists()


def test_a_device_kept_by_someone_who_is_no_custodian_is_refused(api, custodian, officer):
    body = {"serial": "TA-001", "custodian": officer.badge_number}
    response = _as(api, custodian).post(DEVICES, body, format="json")
    assert response.status_code == 400
    assert "不是保管员" in response.json()["detail"]
    assert not Device.objects.exists()


# Issuing and taking back ----------------------------------------------------------------------


def test_custodian_issues_a_device_to_an_officer_by_badge(api, custodian, officer, device):
    response = _as(api, custodian).post(
        f"{DEVICES}{device.pk}/issue/", {"officer": "JX0227"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["badge_number"] == "JX0227"
    device.refresh_from_db()
    assert device.status == DeviceStatus.ISSUED == "issued"
    assert device.current_issue.officer == officer
    assert device.current_issue.issued_by == custodian
    assert events_of(device) == ["registered", "issued"]
    assert last_entry_of(device).payload["badge_number"] == "JX0227"
    shown = api.get(f"{DEVICES}{device.pk}/").json()
    assert shown["status"] == "issued" and shown["current_issue"]["badge_number"] == "JX0227"


def test_issuing_a_device_already_out_is_refused_naming_the_holder(api, custodian, issued):
    other = UserFactory(roles=["officer"], full_name="陈刚")
    response = _as(api, custodian).post(
        f"{DEVICES}{issued.pk}/issue/", {"officer": other.badge_number}, format="json"
    )
    assert response.status_code == 400
    assert "李明" in response.json()["detail"] and "已发放" in response.json()["detail"]
    assert DeviceIssue.objects.filter(device=issued).count() == 1
    assert events_of(issued) == ["registered", "issued"]


@pytest.mark.parametrize(
    ("who", "said"), [("custodian_zhang", "张保管"), ("nobody-here", "nobody-here")]
)
def test_issuing_to_someone_who_is_no_officer_is_refused(api, custodian, device, who, said):
    response = _as(api, custodian).post(
        f"{DEVICES}{device.pk}/issue/", {"officer": who}, format="json"
    )
    assert response.status_code == 400
    assert said in response.json()["detail"]
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK
    assert not DeviceIssue.objects.exists()


def test_return_puts_the_device_back_in_stock_with_a_ledger_entry(api, custodian, issued):
    response = _as(api, custodian).post(f"{DEVICES}{issued.pk}/return/")
    assert response.status_code == 200, response.content
    assert response.json()["returned_at"]
    issued.refresh_from_db()
    assert issued.status == DeviceStatus.IN_STOCK == "in_stock"
    assert issued.current_issue is None
    assert events_of(issued) == ["registered", "issued", "returned"]


def test_a_return_may_say_what_the_custodian_noticed(api, custodian, issued):
    body = {"comment": "充电线未交回"}
    response = _as(api, custodian).post(f"{DEVICES}{issued.pk}/return/", body, format="json")
    assert response.status_code == 200, response.content
    assert issued.issues.get().return_comment == "充电线未交回"


def test_returning_a_device_that_is_not_out_is_refused(api, custodian, device):
    response = _as(api, custodian).post(f"{DEVICES}{device.pk}/return/")
    assert response.status_code == 400
    assert "没有发放在外" in response.json()["detail"]
    assert events_of(device) == ["registered"]


def test_a_custodian_who_does_not_keep_the_device_cannot_issue_return_or_maintain_it(
    api, device, officer
):
    stranger = UserFactory(roles=["custodian"])
    _as(api, stranger)
    response = api.post(f"{DEVICES}{device.pk}/issue/", {"officer": "JX0227"}, format="json")
    assert response.status_code == 404
    assert api.post(f"{DEVICES}{device.pk}/return/").status_code == 404
    body = {"kind": "fault", "description": "屏幕不亮"}
    assert api.post(f"{DEVICES}{device.pk}/maintenance/", body, format="json").status_code == 404
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK
    assert events_of(device) == ["registered"]


# Pre-use checks (R-07) ----------------------------------------------------------------------


def test_the_officer_carrying_a_device_records_a_passing_check(api, officer, issued):
    response = _as(api, officer).post(f"{DEVICES}{issued.pk}/checks/", _reading(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["passed"] is True and data["problems"] == [] and data["problem_text"] == []
    assert abs(data["clock_offset_seconds"]) < 5
    check = PreUseCheck.objects.get(device=issued)
    assert check.checked_by == officer and check.passed
    assert events_of(issued)[-1] == "pre_use_check"
    assert last_entry_of(issued).payload["passed"] is True


def test_a_failing_check_names_low_battery_and_clock_drift_in_chinese(api, officer, issued):
    five_minutes_slow = (timezone.now() - timedelta(minutes=5)).isoformat()
    reading = _reading(battery_percent=20, device_clock=five_minutes_slow)
    response = _as(api, officer).post(f"{DEVICES}{issued.pk}/checks/", reading, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["passed"] is False
    assert {p["code"] for p in data["problems"]} == {"battery", "clock"}
    assert -310 < data["clock_offset_seconds"] < -290
    text = "；".join(data["problem_text"])
    assert "电量 20%" in text and "时钟偏差" in text
    stored = PreUseCheck.objects.get(device=issued)
    assert not stored.passed and stored.battery_percent == 20
    assert last_entry_of(issued).payload["passed"] is False


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [("battery_percent", 120, "电量"), ("free_storage_gb", "-1", "剩余存储")],
)
def test_impossible_readings_are_refused_and_no_check_is_stored(
    api, officer, issued, field, value, said
):
    response = _as(api, officer).post(
        f"{DEVICES}{issued.pk}/checks/", _reading(**{field: value}), format="json"
    )
    assert response.status_code == 400
    assert said in _text(response)
    assert not PreUseCheck.objects.exists()
    assert "pre_use_check" not in events_of(issued)


def test_an_officer_not_carrying_the_device_cannot_check_it(api, issued):
    colleague = UserFactory(roles=["officer"])
    response = _as(api, colleague).post(f"{DEVICES}{issued.pk}/checks/", _reading(), format="json")
    assert response.status_code == 404
    assert not PreUseCheck.objects.exists()


def test_after_a_failed_check_issuing_needs_the_custodians_written_reason(
    api, custodian, officer, device
):
    _as(api, custodian)
    failed = api.post(f"{DEVICES}{device.pk}/checks/", _reading(battery_percent=20), format="json")
    assert failed.status_code == 201 and failed.json()["passed"] is False
    url = f"{DEVICES}{device.pk}/issue/"
    refused = api.post(url, {"officer": "JX0227"}, format="json")
    assert refused.status_code == 400
    assert "未通过" in refused.json()["detail"]
    assert not DeviceIssue.objects.exists()
    reason = "备用机均在维修，本次出勤时间短"
    response = api.post(url, {"officer": "JX0227", "override_reason": reason}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["override_reason"] == reason
    assert DeviceIssue.objects.get(device=device).override_reason == reason
    assert last_entry_of(device).payload["override_reason"] == reason


def test_a_checks_history_is_listed_newest_first(api, custodian, device):
    for battery in (20, 90):
        reading = checks.Reading(True, battery, Decimal(30), timezone.now())
        checks.record_check(device, reading, custodian)
    history = _as(api, custodian).get(f"{DEVICES}{device.pk}/checks/").json()
    assert [c["battery_percent"] for c in history] == [90, 20]
    assert [c["passed"] for c in history] == [True, False]


# Listing ------------------------------------------------------------------------------------


def _serials(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [d["serial"] for d in response.json()["results"]]


def test_the_registry_filters_by_status_text_and_custodian(api, head, custodian, officer):
    other = UserFactory(roles=["custodian"], username="custodian_liu")
    out = registry.register_device("TA-100", custodian, None, model="DSJ-V9")
    registry.register_device("TA-200", custodian, None, model="DSJ-K1", manufacturer="海康")
    registry.register_device("TB-300", other, None, model="DSJ-V9")
    registry.issue_device(out, officer, custodian)
    _as(api, head)
    assert _serials(api.get(DEVICES)) == ["TA-100", "TA-200", "TB-300"]
    assert _serials(api.get(DEVICES, {"status": "issued"})) == ["TA-100"]
    assert _serials(api.get(DEVICES, {"status": "in_stock"})) == ["TA-200", "TB-300"]
    assert _serials(api.get(DEVICES, {"q": "v9"})) == ["TA-100", "TB-300"]
    assert _serials(api.get(DEVICES, {"q": "海康"})) == ["TA-200"]
    assert _serials(api.get(DEVICES, {"custodian": "custodian_liu"})) == ["TB-300"]
    assert _serials(api.get(DEVICES, {"custodian": custodian.full_name})) == ["TA-100", "TA-200"]


def test_an_officer_sees_only_the_devices_they_carry(api, custodian, officer):
    mine = registry.register_device("TA-100", custodian, None)
    theirs = registry.register_device("TA-200", custodian, None)
    registry.register_device("TA-300", custodian, None)
    registry.issue_device(mine, officer, custodian)
    registry.issue_device(theirs, UserFactory(roles=["officer"]), custodian)
    _as(api, officer)
    assert _serials(api.get(DEVICES)) == ["TA-100"]
    assert api.get(f"{DEVICES}{theirs.pk}/").status_code == 404
    registry.return_device(mine, custodian)
    assert _serials(api.get(DEVICES)) == []


# Maintenance (R-05) -------------------------------------------------------------------------


def test_a_fault_sends_the_device_to_repair_and_a_repair_brings_it_back(
    api, custodian, officer, device
):
    url = f"{DEVICES}{device.pk}/maintenance/"
    _as(api, custodian)
    fault = api.post(url, {"kind": "fault", "description": "开机无反应"}, format="json")
    assert fault.status_code == 201, fault.content
    device.refresh_from_db()
    assert device.status == DeviceStatus.REPAIR == "repair"
    refused = api.post(f"{DEVICES}{device.pk}/issue/", {"officer": "JX0227"}, format="json")
    assert refused.status_code == 400 and "维修中" in refused.json()["detail"]
    repair = api.post(url, {"kind": "repair", "description": "更换主板"}, format="json")
    assert repair.status_code == 201, repair.content
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK
    assert [m.kind for m in MaintenanceRecord.objects.filter(device=device).order_by("pk")] == [
        "fault",
        "repair",
    ]
    assert events_of(device) == ["registered", "maintenance", "maintenance"]
    assert last_entry_of(device).payload["kind"] == "repair"


def test_a_replacement_needs_another_device(api, custodian, device):
    url = f"{DEVICES}{device.pk}/maintenance/"
    _as(api, custodian)
    for body in (
        {"kind": "replacement", "description": "老化更新"},
        {"kind": "replacement", "description": "老化更新", "replacement": device.serial},
    ):
        response = api.post(url, body, format="json")
        assert response.status_code == 400, body
        assert "替换" in response.json()["detail"]
    assert not MaintenanceRecord.objects.exists()
    new = registry.register_device("TA-008", custodian, None)
    body = {"kind": "replacement", "description": "老化更新", "replacement": "TA-008"}
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.content
    device.refresh_from_db()
    assert device.status == DeviceStatus.RETIRED
    assert MaintenanceRecord.objects.get(device=device).replacement == new
    assert last_entry_of(device).payload["replacement"] == "TA-008"


def test_maintenance_without_a_description_is_refused(api, custodian, device):
    body = {"kind": "fault", "description": "   "}
    response = _as(api, custodian).post(f"{DEVICES}{device.pk}/maintenance/", body, format="json")
    assert response.status_code == 400
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK
    assert not MaintenanceRecord.objects.exists()


# Refusals speak both languages ------------------------------------------------------------


@pytest.mark.parametrize("case", ["issued_twice", "not_an_officer", "battery_120"])
def test_api_refusals_are_given_in_the_language_asked_for(api, custodian, issued, case):
    _as(api, custodian)
    if case == "issued_twice":
        url, body = f"{DEVICES}{issued.pk}/issue/", {"officer": "JX0227"}
    elif case == "not_an_officer":
        other = registry.register_device("TA-008", custodian, None)
        url, body = f"{DEVICES}{other.pk}/issue/", {"officer": custodian.username}
    else:
        url, body = f"{DEVICES}{issued.pk}/checks/", _reading(battery_percent=120)
    refused(lambda **lang: api.post(url, body, format="json", **lang))
