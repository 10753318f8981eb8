"""A mistyped start, corrected in the browser, and the recording links itself (hard rule 6, R-02).

Officer 李明 arrived three hours ago but, opening the activity on his phone an hour ago, typed
the start as then. The clip he filmed on arrival is taken in by the records office and fits no
activity. He corrects the start on the activity's page with a reason; the recording links to
it by itself, and the page shows both the correction and the recording.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bodycam.accounts.models import User
from bodycam.activities import lifecycle
from bodycam.devices import registry
from bodycam.devices.models import Device
from bodycam.recordings.models import Recording
from tests.compliance.scenes import ingest, segment
from tests.e2e.test_devices_and_activities import fact, messages, sign_in
from tests.forms import local_input

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_corrects_a_mistyped_start_and_the_recording_links(live_server, page, tmp_path):
    call_command("demo", verbosity=0)
    officer = User.objects.get(username="officer")
    custodian = User.objects.get(username="custodian")
    device = Device.objects.get(serial="TA00716")
    registry.issue_device(device, officer, custodian)
    arrived = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], arrived + timedelta(hours=2), officer, devices=[device],
        subject_name="某某超市",
    )  # fmt: skip
    clip = ingest(segment(tmp_path, "arrival.mp4", arrived + timedelta(minutes=5), 3),
                  officer, device, None)  # fmt: skip
    assert clip.activity is None

    sign_in(page, live_server.url, "officer", "李明")
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    assert "本活动关联了 0 条音像记录" in page.content()
    page.get_by_role("link", name="更正内容").click()
    page.wait_for_url(re.compile(r"/activities/\d+/correct/$"))
    assert page.locator("h1").inner_text() == f"更正执法活动 {activity.pk}"
    page.get_by_label("到达现场时间").fill(local_input(arrived, seconds=False))
    page.get_by_role("button", name="保存更正").click()
    # the browser holds the form back until the reason is written
    assert page.get_by_label("更正理由").evaluate("field => field.validity.valueMissing")
    assert page.url.endswith("/correct/")
    page.get_by_label("更正理由").fill("到达时间填成了开单时间")
    page.get_by_role("button", name="保存更正").click()
    page.wait_for_url(f"{live_server.url}/activities/{activity.pk}/")
    assert "已更正" in messages(page)
    assert fact(page, "开始时间").inner_text() == local_input(arrived, seconds=False).replace(
        "T", " "
    )
    assert "本活动关联了 1 条音像记录" in page.content()
    corrected = page.locator("#corrections").inner_text()  # what was replaced, and why
    assert "到达时间填成了开单时间" in corrected and "李明" in corrected
    before = local_input(arrived + timedelta(hours=2), seconds=False).replace("T", " ")
    assert f"开始时间：{before} → " in corrected
    assert "更正执法活动" in page.locator("#custody").inner_text()
    clip = Recording.objects.get(pk=clip.pk)
    assert clip.activity_id == activity.pk
