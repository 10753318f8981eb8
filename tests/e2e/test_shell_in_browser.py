"""The head signs in, reads the Chinese home page, switches to English and signs out."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_head_signs_in_in_chinese_switches_to_english_and_logs_out(live_server, page, tmp_path):
    call_command("demo", verbosity=0)
    # An English browser (locale en-US) still gets Chinese first.
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "登录"
    page.fill("#id_username", "head")
    page.fill("#id_password", "demo2026")
    page.click("button.primary")

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "王建国，您好"
    assert "审批查阅申请" in page.locator(".card").first.inner_text()
    assert page.locator(".mainnav a").all_inner_texts() == [
        "首页",
        "执法活动",
        "记录仪台账",
        "音像记录",
        "合规问题",
        "查阅申请",
        "查阅登记簿",
        "统计图表",
        "抽查",
        "过错追究",
        "案卷",
        "销毁清单",
        "监管链日志",
        "人员名录",
        "帮助",
    ]
    page.screenshot(path=str(tmp_path / "home-zh.png"), full_page=True)

    page.click("button[name=language][value=en]")
    page.wait_for_selector("text=Hello, 王建国")
    assert page.locator(".mainnav a").all_inner_texts() == [
        "Home",
        "Enforcement activities",
        "Device ledger",
        "Recordings",
        "Findings",
        "Viewing requests",
        "Viewing register",
        "Dashboard",
        "Spot checks",
        "Accountability",
        "Case files",
        "Disposal batches",
        "Custody ledger",
        "Directory",
        "Help",
    ]
    assert "Approve viewing requests" in page.locator(".card").first.inner_text()
    page.screenshot(path=str(tmp_path / "home-en.png"), full_page=True)
    assert (tmp_path / "home-en.png").stat().st_size > 10_000

    page.click("text=Log out")
    page.wait_for_url(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "Sign in"
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url  # signed out for real
