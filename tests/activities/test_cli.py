"""`bodycam activity`: opening and closing activities from the command line (R-03, R-13), with
the same rules, refusals and ledger entries as the pages and the API."""

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bodycam.activities import lifecycle
from bodycam.activities.models import ActivityStatus, EnforcementActivity
from bodycam.ledger.models import Action, LedgerEntry
from tests.commands import BILINGUAL, refused_as_json, run_bodycam
from tests.ledger_entries import events_of


@pytest.fixture
def activity(officer, issued):
    """An open inspection away from base, begun two hours ago."""
    return lifecycle.open_activity(
        "routine_inspection",
        [officer],
        timezone.now() - timedelta(hours=2),
        officer,
        devices=[issued],
        away_from_base=True,
    )


def _iso(delta: timedelta = timedelta()) -> str:
    return (timezone.now() + delta).isoformat()


def _open_args(*extra, **options) -> list[str]:
    """`activity open …` for JX0227 with TA-007; options replace one: officer="JX9999"."""
    values = {
        "type": "routine_inspection",
        "officer": "JX0227",
        "device": "TA-007",
        "start": _iso(-timedelta(minutes=30)),
        "subject": "某某餐饮有限公司",
    } | options
    flat = [part for name, value in values.items() for part in (f"--{name}", value)]
    return ["open", *flat, "--away", *extra]


# open ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_prints_only_the_new_id(officer, issued, capsys):
    call_command("activity", *_open_args())
    out = capsys.readouterr().out
    activity = EnforcementActivity.objects.get()
    assert out.strip() == str(activity.pk)
    assert activity.type == "routine_inspection" and activity.status == ActivityStatus.OPEN
    assert activity.subject_name == "某某餐饮有限公司" and activity.away_from_base is True
    assert list(activity.officers.all()) == [officer]
    assert list(activity.devices.all()) == [issued]
    assert activity.opened_by is None  # the command line acts for no signed-in user
    assert events_of(activity) == ["opened"]
    entry = LedgerEntry.objects.get(action=Action.ACTIVITY_EVENT, subject_id=str(activity.pk))
    assert entry.payload["officers"] == [officer.username]
    assert entry.payload["devices"] == ["TA-007"] and entry.payload["away_from_base"] is True


@pytest.mark.django_db
def test_open_with_json_gives_ok_and_the_id(officer, issued, capsys):
    call_command("activity", *_open_args("--json"))
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is True and result["id"] == EnforcementActivity.objects.get().pk


@pytest.mark.django_db
def test_a_start_without_an_offset_is_beijing_time(officer, capsys):
    call_command("activity", "open", "--type", "complaint_handling", "--officer", "JX0227",
                 "--start", "2026-03-02T09:00:00", "--late-reason", "纸质记录补录")  # fmt: skip
    activity = EnforcementActivity.objects.get(pk=int(capsys.readouterr().out))
    assert activity.started_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert activity.away_from_base is False and not activity.devices.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("officer", "JX9999", "没有警号或用户名为 JX9999"),
        ("device", "TZ-999", "没有产品序号为 TZ-999"),
        ("start", timedelta(hours=1), "开始时间晚于当前时间"),
    ],
    ids=["unknown_badge", "unknown_serial", "start_in_an_hour"],
)
def test_open_refusals_exit_non_zero_and_store_nothing(
    officer, device, capsys, option, value, said
):
    if isinstance(value, timedelta):
        value = _iso(value)
    args = _open_args(**{option: value})
    with pytest.raises(CommandError, match=said):
        call_command("activity", *args)
    assert said in refused_as_json(capsys, "activity", *args)
    assert not EnforcementActivity.objects.exists()
    assert not LedgerEntry.objects.filter(action=Action.ACTIVITY_EVENT).exists()


@pytest.mark.django_db
def test_open_with_someone_who_is_no_officer_is_refused(custodian, device):
    with pytest.raises(CommandError, match="不是执法人员"):
        call_command("activity", "open", "--type", "routine_inspection", "--officer",
                     custodian.username, "--start", _iso())  # fmt: skip
    assert not EnforcementActivity.objects.exists()


@pytest.mark.django_db
def test_open_refuses_a_type_outside_the_five_of_r03(officer):
    with pytest.raises(CommandError, match="parking"):
        call_command("activity", "open", "--type", "parking", "--officer", "JX0227",
                     "--start", _iso())  # fmt: skip
    assert not EnforcementActivity.objects.exists()


# close --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_close_with_the_return_time_stores_both(activity, capsys):
    ended, returned = timezone.now() - timedelta(minutes=30), timezone.now() - timedelta(minutes=1)
    call_command("activity", "close", str(activity.pk), "--end", ended.isoformat(),
                 "--returned", returned.isoformat(), "--json")  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert (result["ok"], result["id"], result["status"]) == (True, activity.pk, "closed")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    assert activity.ended_at == ended and activity.returned_at == returned
    assert events_of(activity) == ["opened", "closed", "returned_to_base"]


@pytest.mark.django_db
def test_close_without_json_confirms_in_both_languages(activity, capsys):
    call_command("activity", "close", str(activity.pk), "--end", _iso())
    out = capsys.readouterr().out
    assert "已结束" in out and "closed" in out
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED and activity.returned_at is None
    assert events_of(activity) == ["opened", "closed"]


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused_and_the_activity_stays_open(activity, capsys):
    before = (activity.started_at - timedelta(minutes=1)).isoformat()
    args = ("close", str(activity.pk), "--end", before)
    with pytest.raises(CommandError, match="结束时间早于开始时间"):
        call_command("activity", *args)
    assert "结束时间早于开始时间" in refused_as_json(capsys, "activity", *args)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN and activity.ended_at is None
    assert events_of(activity) == ["opened"]


@pytest.mark.django_db
def test_closing_an_unknown_activity_is_refused(officer, capsys):
    with pytest.raises(CommandError, match="没有编号为 4242 的执法活动"):
        call_command("activity", "close", "4242", "--end", _iso())
    assert "4242" in refused_as_json(capsys, "activity", "close", "4242", "--end", _iso())


@pytest.mark.django_db
def test_closing_twice_is_refused(activity):
    call_command("activity", "close", str(activity.pk), "--end", _iso())
    with pytest.raises(CommandError, match="已经结束"):
        call_command("activity", "close", str(activity.pk), "--end", _iso())
    assert events_of(activity) == ["opened", "closed"]


@pytest.mark.django_db
def test_a_return_before_the_end_is_refused_and_nothing_changes(activity):
    with pytest.raises(CommandError, match="返回时间应在活动结束之后"):
        call_command("activity", "close", str(activity.pk), "--end", _iso(),
                     "--returned", _iso(-timedelta(minutes=30)))  # fmt: skip
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN and activity.returned_at is None
    assert events_of(activity) == ["opened"]


@pytest.mark.django_db
def test_an_unreadable_end_time_is_refused_in_both_languages(activity):
    with pytest.raises(CommandError) as refusal:
        call_command("activity", "close", str(activity.pk), "--end", "half past nine")
    assert "half past nine" in str(refusal.value) and BILINGUAL.search(str(refusal.value))


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["end_before_start", "unknown_id", "unknown_badge"])
def test_refusals_are_given_in_chinese_and_english(activity, capsys, case):
    if case == "end_before_start":
        before = (activity.started_at - timedelta(minutes=1)).isoformat()
        args = ["close", str(activity.pk), "--end", before]
    elif case == "unknown_id":
        args = ["close", "4242", "--end", _iso()]
    else:
        args = _open_args(officer="JX9999")
    with pytest.raises(CommandError) as refusal:
        call_command("activity", *args)
    assert BILINGUAL.search(str(refusal.value)), str(refusal.value)
    assert BILINGUAL.search(refused_as_json(capsys, "activity", *args))


# A real process, as a script runs it --------------------------------------------------------


SETUP = """
from django.core.management import call_command
from bodycam.accounts.people import add_person  # no password: nobody signs in here
call_command("migrate", verbosity=0, interactive=False)
add_person("li", None, full_name="李明", badge_number="JX0227", roles=["officer"])
"""


def test_a_script_opens_an_activity_and_closes_it_by_the_printed_id(tmp_path):
    data_dir = tmp_path / "cli"
    setup = run_bodycam(data_dir, "shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr
    start, end = _iso(-timedelta(hours=1)), _iso(-timedelta(minutes=5))

    opened = run_bodycam(data_dir, "activity", "open", "--type", "routine_inspection",
                      "--officer", "JX0227", "--start", start, "--subject", "某某公司")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    assert re.fullmatch(r"\d+\n?", opened.stdout), opened.stdout
    activity_id = opened.stdout.strip()

    too_early = _iso(-timedelta(hours=2))
    refused = run_bodycam(data_dir, "activity", "close", activity_id, "--end", too_early)
    assert refused.returncode != 0
    assert "结束时间早于开始时间" in refused.stderr

    closed = run_bodycam(data_dir, "activity", "close", activity_id, "--end", end, "--json")
    assert closed.returncode == 0, closed.stderr
    assert json.loads(closed.stdout)["status"] == "closed"

    with sqlite3.connect(data_dir / "bodycam.sqlite3") as db:
        rows = db.execute(
            "SELECT payload_json FROM ledger_ledgerentry WHERE action = ? ORDER BY seq",
            [Action.ACTIVITY_EVENT.value],
        ).fetchall()
    assert [json.loads(row[0])["event"] for row in rows] == ["opened", "closed"]


# correct and cancel (hard rule 6) -----------------------------------------------------------


@pytest.mark.django_db
def test_correct_changes_the_start_with_a_reason_for_the_named_user(activity, officer, capsys):
    earlier = activity.started_at - timedelta(minutes=20)
    call_command("activity", "correct", str(activity.pk), "--start", earlier.isoformat(),
                 "--reason", "到达时间填错", "--by", officer.username, "--json")  # fmt: skip
    assert json.loads(capsys.readouterr().out)["ok"] is True
    activity.refresh_from_db()
    assert activity.started_at == earlier
    entry = LedgerEntry.objects.filter(subject_id=str(activity.pk)).order_by("seq").last()
    assert entry.payload["event"] == "corrected" and entry.actor_id == officer.pk
    assert entry.payload["reason"] == "到达时间填错"


@pytest.mark.django_db
def test_correct_by_someone_who_may_not_is_refused_in_both_languages(activity, head, capsys):
    args = ["correct", str(activity.pk), "--location", "东城区", "--reason", "r",
            "--by", head.username]  # fmt: skip
    with pytest.raises(CommandError, match=r"执法人员或综合科.* / Only the officers"):
        call_command("activity", *args)
    activity.refresh_from_db()
    assert activity.location == ""


@pytest.mark.django_db
def test_cancel_keeps_the_activity_as_cancelled(activity, records_clerk, capsys):
    call_command("activity", "cancel", str(activity.pk), "--reason", "重复登记",
                 "--by", records_clerk.username, "--json")  # fmt: skip
    assert json.loads(capsys.readouterr().out)["status"] == "cancelled"
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED and activity.cancel_reason == "重复登记"
    assert events_of(activity)[-1] == "cancelled"
