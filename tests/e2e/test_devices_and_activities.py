"""A recorder's life and an unrecorded activity, clicked through in Chinese by real roles.

The custodian registers a recorder and issues it to officer 李明; he checks it (once failing on
the battery, then passing), opens and closes an enforcement activity, and files an exemption
from recording, which the oversight office (编委办) acknowledges. Every step is in the ledger.
"""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from bodycam.activities.models import EnforcementActivity
from bodycam.devices.models import Device
from bodycam.ledger.models import Action, LedgerEntry
from tests.forms import local_input

pytestmark = pytest.mark.django_db(transaction=True)

SERIAL = "TA00736"  # the demo registers TA00716 and TA00717 itself
OFFICER = "李明（JX0227）"
CUSTODIAN = "张保管（JX0101）"
SUBJECT = "赣州市明达化工有限公司"
LEGAL_BASIS = "《行政执法音像记录管理办法》第四条：遇紧急情况无法录像的，应书面说明。"
FACTS = "到达现场时发生火情，执法人员立即协助疏散群众，来不及开启记录仪。"


def sign_in(page, url: str, username: str, greeting: str) -> None:
    page.goto(f"{url}/login/")
    assert page.locator("h1").inner_text() == "登录"
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/")
    assert page.locator("h1").inner_text() == f"{greeting}，您好"


def sign_out(page, url: str) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{url}/login/")
    assert page.locator("h1").inner_text() == "登录"


def open_menu(page, label: str) -> None:
    page.locator(".mainnav").get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()


def fact(page, term: str):
    """The value (dd) shown next to a term (dt) on a detail page."""
    return page.locator(".facts dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def shot(page, path) -> None:
    page.screenshot(path=str(path), full_page=True)


def test_device_issued_checked_used_and_unrecorded_activity_acknowledged(
    live_server, page, tmp_path, settings
):
    settings.CHECK_MAX_CLOCK_OFFSET_SECONDS = 2  # tighter than the 3 s the officer dawdles below
    call_command("demo", verbosity=0)
    url = live_server.url
    shots = []

    # 1. The custodian registers the recorder, keeping it herself.
    sign_in(page, url, "custodian", "张保管")
    open_menu(page, "记录仪台账")
    assert page.locator("h1").inner_text() == "记录仪台账"
    assert SERIAL not in page.locator("table.list").inner_text()  # not registered yet
    shots.append(tmp_path / "1-device-list.png")
    shot(page, shots[-1])
    page.get_by_role("link", name="登记记录仪").click()
    page.wait_for_url(f"{url}/devices/new/")
    assert page.locator("h1").inner_text() == "登记记录仪"
    page.get_by_label("产品序号").fill(SERIAL)
    page.get_by_label("生产厂家").fill("海康威视")
    page.get_by_label("型号").fill("DSJ-V7")
    keeper = page.get_by_label("保管员")
    assert keeper.locator("option:checked").inner_text() == CUSTODIAN
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url(re.compile(r"/devices/\d+/$"))
    assert page.locator("h1").inner_text() == f"执法记录仪 {SERIAL}"
    assert f"已登记记录仪 {SERIAL}。" in messages(page)
    assert fact(page, "状态").inner_text() == "在库"
    assert fact(page, "保管员").inner_text() == CUSTODIAN
    assert fact(page, "当前领用人").inner_text() == "—"
    assert "尚未做过使用前检查。" in page.locator("#readiness").inner_text()
    device_url = page.url
    shots.append(tmp_path / "1-registered.png")
    shot(page, shots[-1])

    # 2. She issues it to 李明 and signs out.
    page.get_by_label("领用人").select_option(label=OFFICER)
    page.get_by_role("button", name="发放", exact=True).click()
    page.wait_for_url(device_url)
    assert f"已发放给 {OFFICER}。" in messages(page)
    assert fact(page, "当前领用人").inner_text().startswith(OFFICER)
    assert fact(page, "状态").inner_text() == "已发放"
    assert page.locator("#return summary").inner_text() == f"{OFFICER} 已归还"
    shots.append(tmp_path / "2-issued.png")
    shot(page, shots[-1])
    sign_out(page, url)

    # 3. The officer checks it: the battery is too low, then charged it passes.
    sign_in(page, url, "officer", "李明")
    open_menu(page, "我的记录仪")
    assert page.locator("h1").inner_text() == "我的记录仪"
    assert SERIAL in page.locator(".card").inner_text()
    page.get_by_role("link", name="做使用前检查").click()
    page.wait_for_url(re.compile(r"/devices/\d+/check/$"))
    assert page.locator("h1").inner_text() == f"使用前检查 · {SERIAL}"
    assert page.get_by_label("无故障").is_checked()
    page.get_by_label("电量（%）").fill("20")
    page.get_by_label("剩余存储（GB）").fill("30")
    assert page.get_by_label("记录仪屏幕上显示的时间").input_value() == ""  # must be read off
    page.get_by_label("记录仪屏幕上显示的时间").fill(local_input(timezone.now()))
    shots.append(tmp_path / "3-check-form.png")
    shot(page, shots[-1])
    page.get_by_role("button", name="提交检查结果").click()
    page.wait_for_url(device_url)
    assert "使用前检查未通过" in messages(page)
    assert "电量 20% 低于 50%" in messages(page)
    readiness = page.locator("#readiness").inner_text()
    assert "暂不能使用" in readiness
    assert "电量 20% 低于 50%" in readiness
    shots.append(tmp_path / "3-check-failed.png")
    shot(page, shots[-1])

    page.locator("#readiness").get_by_role("link", name="做使用前检查").click()
    page.wait_for_url(re.compile(r"/devices/\d+/check/$"))
    page.get_by_label("电量（%）").fill("80")
    page.get_by_label("剩余存储（GB）").fill("30")
    page.get_by_label("记录仪屏幕上显示的时间").fill(local_input(timezone.now()))
    # The officer is slow to submit: the clock is judged when it was read, not when sent.
    page.wait_for_timeout(3_000)
    page.get_by_role("button", name="提交检查结果").click()
    page.wait_for_url(device_url)
    assert "使用前检查通过" in messages(page)
    assert "未通过" not in messages(page)
    assert "可以使用" in page.locator("#readiness").inner_text()
    shots.append(tmp_path / "3-check-passed.png")
    shot(page, shots[-1])

    # 4. He opens an enforcement activity on arrival, with the recorder, and closes it.
    open_menu(page, "执法活动")
    assert page.locator("h1").inner_text() == "执法活动"
    page.get_by_role("link", name="开始执法活动").click()
    page.wait_for_url(f"{url}/activities/new/")
    assert page.locator("h1").inner_text() == "开始执法活动"
    page.get_by_label("活动类型").select_option(label="日常执法检查")
    page.get_by_label("被检查单位").fill(SUBJECT)
    assert page.get_by_label(OFFICER).is_checked()
    assert page.get_by_label(SERIAL).is_checked()
    assert page.get_by_label("到达现场时间").input_value()  # prefilled: now
    shots.append(tmp_path / "4-activity-form.png")
    shot(page, shots[-1])
    page.get_by_role("button", name="开始", exact=True).click()
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    activity_url = page.url
    assert re.fullmatch(r"执法活动 \d+ · 日常执法检查", page.locator("h1").inner_text())
    assert "执法活动已开始" in messages(page)
    assert fact(page, "状态").inner_text() == "进行中"
    assert fact(page, "被检查单位").inner_text().strip() == SUBJECT
    assert fact(page, "执法人员").inner_text() == OFFICER
    assert fact(page, "使用的记录仪").inner_text() == SERIAL
    assert fact(page, "是否需要录像").inner_text() == "是（R-03）"

    assert page.get_by_label("结束时间").input_value()  # prefilled: now
    page.get_by_role("button", name="结束", exact=True).click()
    page.wait_for_url(activity_url)
    assert "执法活动已结束" in messages(page)
    assert fact(page, "状态").inner_text() == "已结束"
    assert fact(page, "结束时间").inner_text() != "—"
    shots.append(tmp_path / "4-activity-closed.png")
    shot(page, shots[-1])

    # 5. Nothing was filmed: he files the exemption (紧急情况) and signs out.
    page.get_by_role("link", name="报送不予记录情形").click()
    page.wait_for_url(re.compile(r"/activities/\d+/exemption/$"))
    assert page.locator("h1").inner_text() == "报送不予记录情形"
    page.get_by_label("紧急情况").check()
    page.get_by_label("法律依据").fill(LEGAL_BASIS)
    page.get_by_label("事实和理由").fill(FACTS)
    shots.append(tmp_path / "5-exemption-form.png")
    shot(page, shots[-1])
    page.get_by_role("button", name="报送", exact=True).click()
    page.wait_for_url(activity_url)
    assert "已报送编委办" in messages(page)
    filed = page.locator("table.list tbody tr").first.inner_text()
    assert "紧急情况" in filed
    assert OFFICER in filed
    assert "已报送" in filed
    assert fact(page, "是否需要录像").inner_text() == "是（R-03）"  # not until acknowledged
    shots.append(tmp_path / "5-exemption-filed.png")
    shot(page, shots[-1])
    sign_out(page, url)

    # 6. The oversight office reads the facts and acknowledges the filing.
    sign_in(page, url, "oversight", "周编委")
    open_menu(page, "不予记录签收")
    assert page.locator("h1").inner_text() == "不予记录情形签收"
    card = page.locator("section.exemption", has_text=FACTS)
    assert "紧急情况" in card.inner_text()
    assert SUBJECT in card.inner_text()
    assert LEGAL_BASIS in card.inner_text()
    shots.append(tmp_path / "6-inbox.png")
    shot(page, shots[-1])
    card.locator("summary", has_text="签收").click()  # irreversible: asks to confirm
    card.get_by_role("button", name="确认签收", exact=True).click()
    page.wait_for_url(f"{url}/exemptions/")
    assert "已签收" in messages(page)
    assert "没有待签收的报送。" in page.locator("main").inner_text()
    done = page.locator("table.list tbody tr").first
    assert "紧急情况" in done.inner_text()
    assert "已签收" in done.inner_text()
    shots.append(tmp_path / "6-exemption-acknowledged.png")
    shot(page, shots[-1])

    done.get_by_role("link").click()
    page.wait_for_url(activity_url)
    assert fact(page, "是否需要录像").inner_text() == "否：不予记录情形已签收（R-04）"
    assert "已签收" in page.locator("table.list tbody tr").first.inner_text()
    shots.append(tmp_path / "6-activity-after.png")
    shot(page, shots[-1])

    for path in shots:
        assert path.exists(), path
        assert path.stat().st_size > 10_000, path

    # The ledger holds every step, in order.
    device = Device.objects.get(pk=device_url.rstrip("/").rsplit("/", 1)[1])
    assert device.serial == SERIAL
    device_events = [
        entry.payload["event"]
        for entry in LedgerEntry.objects.filter(
            action=Action.DEVICE_EVENT, subject_kind="device", subject_id=str(device.pk)
        ).order_by("seq")
    ]
    assert device_events == ["registered", "issued", "pre_use_check", "pre_use_check"]
    checks = LedgerEntry.objects.filter(
        action=Action.DEVICE_EVENT, subject_id=str(device.pk)
    ).order_by("seq")[2:]
    assert [entry.payload["passed"] for entry in checks] == [False, True]

    activity = EnforcementActivity.objects.get(pk=activity_url.rstrip("/").rsplit("/", 1)[1])
    activity_events = [
        entry.payload["event"]
        for entry in LedgerEntry.objects.filter(
            action=Action.ACTIVITY_EVENT,
            subject_kind="enforcementactivity",
            subject_id=str(activity.pk),
        ).order_by("seq")
    ]
    assert activity_events == ["opened", "closed", "exemption_filed", "exemption_acknowledged"]
