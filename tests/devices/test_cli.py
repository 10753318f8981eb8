"""`bodycam device`: the registry from the command line (R-05, R-07), with the same rules,
refusals and ledger entries as the pages and the API."""

import json
import sqlite3
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bodycam.devices.models import Device, DeviceIssue, DeviceStatus, PreUseCheck
from bodycam.ledger.models import Action, LedgerEntry
from tests.commands import BILINGUAL, refused_as_json, run_bodycam
from tests.ledger_entries import events_of, last_entry_of


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def _clock(seconds: float = 0) -> str:
    return (timezone.now() + timedelta(seconds=seconds)).isoformat()


# add ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_registers_a_device_and_prints_json(custodian, capsys):
    call_command("device", "add", "ta-001", "--model", "DSJ-V9", "--custodian",
                 custodian.username, "--explosion-proof", "--json")  # fmt: skip
    result = _json(capsys)
    assert result["ok"] is True and result["serial"] == "TA-001"
    device = Device.objects.get(serial="TA-001")
    assert result["id"] == device.pk
    assert device.custodian == custodian and device.model == "DSJ-V9" and device.explosion_proof
    assert device.status == DeviceStatus.IN_STOCK
    assert events_of(device) == ["registered"]
    assert last_entry_of(device).payload["custodian"] == custodian.username


@pytest.mark.django_db
def test_add_without_json_prints_a_bilingual_confirmation(custodian, capsys):
    call_command("device", "add", "TA-002", "--custodian", custodian.username)
    out = capsys.readouterr().out
    assert "已登记" in out and "registered" in out and "TA-002" in out
    assert Device.objects.get(serial="TA-002").explosion_proof is False


@pytest.mark.django_db
def test_add_a_serial_twice_is_refused_and_stored_once(custodian, device, capsys):
    with pytest.raises(CommandError, match="TA-007 已经登记过"):
        call_command("device", "add", "ta-007", "--custodian", custodian.username)
    error = refused_as_json(capsys, "device", "add", "TA-007", "--custodian", custodian.username)
    assert "已经登记过" in error
    assert Device.objects.count() == 1
    assert events_of(device) == ["registered"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_li", "nobody-here"])
def test_add_with_a_keeper_who_is_no_custodian_is_refused(officer, who):
    with pytest.raises(CommandError, match=who if who == "nobody-here" else "不是保管员"):
        call_command("device", "add", "TA-003", "--custodian", who)
    assert not Device.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("serial", ["../x", "TA 007", "A" * 41, "<script>"])
def test_add_refuses_hostile_serials(custodian, serial):
    with pytest.raises(CommandError, match="产品序号"):
        call_command("device", "add", serial, "--custodian", custodian.username)
    assert not Device.objects.exists()


# issue and return -------------------------------------------------------------------------


@pytest.mark.django_db
def test_issue_by_badge_and_return_with_the_same_ledger_entries_as_the_api(device, officer, capsys):
    call_command("device", "issue", "TA-007", "--to", "JX0227", "--json")
    result = _json(capsys)
    assert result["ok"] is True and result["officer"] == "JX0227"
    device.refresh_from_db()
    assert device.status == DeviceStatus.ISSUED and device.current_issue.officer == officer
    entry = last_entry_of(device)
    assert entry.payload["event"] == "issued" and entry.payload["badge_number"] == "JX0227"
    assert entry.payload["officer"] == officer.username

    call_command("device", "return", "ta-007")
    assert "已归还" in capsys.readouterr().out
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK and device.current_issue is None
    assert events_of(device) == ["registered", "issued", "returned"]
    assert last_entry_of(device).payload["officer"] == officer.username


@pytest.mark.django_db
def test_issuing_a_device_already_out_is_refused_naming_the_holder(issued, capsys):
    with pytest.raises(CommandError, match="已发放给 李明"):
        call_command("device", "issue", "TA-007", "--to", "JX0227")
    assert "李明" in refused_as_json(capsys, "device", "issue", "TA-007", "--to", "JX0227")
    assert DeviceIssue.objects.count() == 1
    assert events_of(issued) == ["registered", "issued"]


@pytest.mark.django_db
def test_issuing_to_someone_who_is_no_officer_is_refused(device, custodian):
    with pytest.raises(CommandError, match="不是执法人员"):
        call_command("device", "issue", "TA-007", "--to", custodian.username)
    assert not DeviceIssue.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("issue", "TZ-999", "--to", "JX0227"),
        ("return", "TZ-999"),
        ("check", "TZ-999", "--battery", "80", "--free-gb", "30", "--clock", "2026-01-01T09:00"),
    ],
)
def test_an_unknown_serial_is_refused(officer, capsys, args):
    with pytest.raises(CommandError, match="没有产品序号为 TZ-999"):
        call_command("device", *args)
    assert "TZ-999" in refused_as_json(capsys, "device", *args)
    assert not LedgerEntry.objects.filter(action=Action.DEVICE_EVENT).exists()


@pytest.mark.django_db
def test_after_a_failed_check_issue_needs_a_reason(device, officer, capsys):
    call_command("device", "check", "TA-007", "--battery", "20", "--free-gb", "30",
                 "--clock", _clock())  # fmt: skip
    capsys.readouterr()
    with pytest.raises(CommandError, match="未通过"):
        call_command("device", "issue", "TA-007", "--to", "JX0227")
    call_command("device", "issue", "TA-007", "--to", "JX0227", "--reason", "备用机在修")
    assert DeviceIssue.objects.get(device=device).override_reason == "备用机在修"
    assert last_entry_of(device).payload["override_reason"] == "备用机在修"


# check (R-07) -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_with_a_good_reading_passes(issued, capsys):
    call_command("device", "check", "TA-007", "--battery", "80", "--free-gb", "30",
                 "--clock", _clock(), "--json")  # fmt: skip
    result = _json(capsys)
    assert result["ok"] is True and result["passed"] is True and result["problems"] == []
    assert abs(result["clock_offset_seconds"]) < 2
    check = PreUseCheck.objects.get(device=issued)
    assert check.passed and check.battery_percent == 80 and check.checked_by is None
    assert events_of(issued)[-1] == "pre_use_check"
    assert last_entry_of(issued).payload["passed"] is True


@pytest.mark.django_db
def test_check_measures_the_clock_offset_and_fails_a_clock_42_seconds_ahead(device, capsys):
    call_command("device", "check", "TA-007", "--battery", "80", "--free-gb", "30",
                 "--clock", _clock(42), "--json")  # fmt: skip
    result = _json(capsys)
    assert result["passed"] is False
    assert [p["code"] for p in result["problems"]] == ["clock"]
    assert 40 < result["clock_offset_seconds"] <= 42
    stored = PreUseCheck.objects.get(device=device)
    assert 40 < stored.clock_offset.total_seconds() <= 42
    assert 40 < last_entry_of(device).payload["clock_offset_seconds"] <= 42


@pytest.mark.django_db
def test_check_plain_output_names_each_problem_in_chinese(device, capsys):
    call_command("device", "check", "TA-007", "--battery", "20", "--free-gb", "2",
                 "--clock", _clock(), "--fault")  # fmt: skip
    out = capsys.readouterr().out
    assert "未通过" in out and "有故障" in out and "电量 20%" in out and "剩余存储 2 GB" in out
    assert {p["code"] for p in PreUseCheck.objects.get().problems} == {
        "fault",
        "battery",
        "storage",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("battery", "free", "said"),
    [("120", "30", "电量应在 0 到 100 之间"), ("80", "-1", "剩余存储不能为负数")],
)
def test_check_refuses_impossible_readings_and_stores_nothing(device, capsys, battery, free, said):
    args = ("check", "TA-007", "--battery", battery, "--free-gb", free, "--clock", _clock())
    with pytest.raises(CommandError, match=said):
        call_command("device", *args)
    assert said in refused_as_json(capsys, "device", *args)
    assert not PreUseCheck.objects.exists()
    assert events_of(device) == ["registered"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "value"), [("--free-gb", "lots"), ("--clock", "yesterday at nine")]
)
def test_check_refuses_unreadable_numbers_and_times_in_both_languages(device, option, value):
    args = {"--battery": "80", "--free-gb": "30", "--clock": _clock(), option: value}
    flat = [part for pair in args.items() for part in pair]
    with pytest.raises(CommandError) as refusal:
        call_command("device", "check", "TA-007", *flat)
    assert value in str(refusal.value) and BILINGUAL.search(str(refusal.value))
    assert not PreUseCheck.objects.exists()


@pytest.mark.django_db
def test_check_json_names_the_device_by_its_registered_serial(device, capsys):
    call_command("device", "check", "ta-007", "--battery", "80", "--free-gb", "30",
                 "--clock", _clock(), "--json")  # fmt: skip
    assert _json(capsys)["serial"] == "TA-007"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("issue", "TZ-999", "--to", "JX0227"),
        ("issue", "TA-007", "--to", "JX0227"),
        ("check", "TA-007", "--battery", "120", "--free-gb", "30", "--clock", "2026-01-01T09:00"),
    ],
    ids=["unknown_serial", "issued_twice", "battery_120"],
)
def test_refusals_are_given_in_chinese_and_english(issued, capsys, args):
    with pytest.raises(CommandError) as refusal:
        call_command("device", *args)
    assert BILINGUAL.search(str(refusal.value)), str(refusal.value)
    assert BILINGUAL.search(refused_as_json(capsys, "device", *args))


# A real process, as an operator or a script runs it ----------------------------------------


SETUP = """
from django.core.management import call_command
from bodycam.accounts.people import add_person  # no password: nobody signs in here
call_command("migrate", verbosity=0, interactive=False)
add_person("keeper", None, full_name="张保管", roles=["custodian"])
add_person("li", None, full_name="李明", badge_number="JX0227", roles=["officer"])
"""


def test_the_device_command_in_a_real_process(tmp_path):
    data_dir = tmp_path / "cli"
    setup = run_bodycam(data_dir, "shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr

    added = run_bodycam(data_dir, "device", "add", "ta-042", "--model", "DSJ-V9",
                     "--custodian", "keeper", "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    result = json.loads(added.stdout)
    assert result["ok"] is True and result["serial"] == "TA-042"

    issued = run_bodycam(data_dir, "device", "issue", "TA-042", "--to", "JX0227")
    assert issued.returncode == 0, issued.stderr
    assert "已发放" in issued.stdout

    checked = run_bodycam(data_dir, "device", "check", "TA-042", "--battery", "80",
                       "--free-gb", "30", "--clock", _clock(42), "--json")  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert result["passed"] is False and [p["code"] for p in result["problems"]] == ["clock"]
    assert 35 < result["clock_offset_seconds"] <= 42  # less the process's start-up time

    again = run_bodycam(data_dir, "device", "issue", "TA-042", "--to", "JX0227", "--json")
    assert again.returncode == 1
    refusal = json.loads(again.stdout)
    assert refusal["ok"] is False and "李明" in refusal["error"]

    with sqlite3.connect(data_dir / "bodycam.sqlite3") as db:
        rows = db.execute(
            "SELECT payload_json FROM ledger_ledgerentry WHERE action = ? ORDER BY seq",
            [Action.DEVICE_EVENT.value],
        ).fetchall()
    assert [json.loads(row[0])["event"] for row in rows] == [
        "registered",
        "issued",
        "pre_use_check",
    ]
