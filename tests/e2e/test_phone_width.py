"""On a phone (390 px wide) the officer's pages fit the screen: no sideways scrolling; lists
become stacked cards. Measured in Chromium on each page the officer works with in the field."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bodycam.accounts.models import User
from bodycam.activities import lifecycle
from bodycam.devices import registry
from bodycam.devices.models import Device
from tests.compliance.scenes import ingest, segment
from tests.e2e.test_devices_and_activities import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  device_scale_factor=3, has_touch=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_officers_pages_fit_a_phone(live_server, phone, tmp_path):
    call_command("demo", verbosity=0)
    officer = User.objects.get(username="officer")
    device = Device.objects.get(serial="TA00716")
    registry.issue_device(device, officer, User.objects.get(username="custodian"))
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], start, officer, devices=[device],
        subject_name="赣州市章贡区某某餐饮管理有限公司（长名称测试）",
        location="章贡区红旗大道 88 号",
    )  # fmt: skip
    ingest(
        segment(tmp_path, "clip.mp4", start + timedelta(minutes=1), 3), officer, device, activity
    )
    sign_in(phone, live_server.url, "officer", "李明")
    pages = ["/", "/devices/mine/", f"/devices/{device.pk}/check/", "/activities/",
             "/activities/new/", f"/activities/{activity.pk}/",
             f"/activities/{activity.pk}/correct/", "/compliance/", "/access/", "/recordings/",
             f"/recordings/{activity.recordings.get().pk}/", "/account/"]  # fmt: skip
    too_wide = {}
    for path in pages:
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}, f"pages wider than the phone: {too_wide}"
