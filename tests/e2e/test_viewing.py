"""Viewing a recording, clicked through in Chinese by real roles (R-16, hard rule 2).

Officer 李明 asks to view his recording; the head sees it in his to-do list and approves; the
records office registers it; 李明 plays it (the video's clock runs, the watermark is drawn in
the picture) and marks what a moment shows (R-10); the register lists it; the head revokes the
grant and playback is refused.
"""

import time

import pytest
from django.core.management import call_command

from bodycam.access.models import ViewingRequest
from bodycam.accounts.models import User
from bodycam.ledger.models import LedgerEntry
from tests import media
from tests.access.conftest import ingested
from tests.e2e.test_devices_and_activities import fact, messages, shot, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

PLAYING = (
    "() => { const v = document.querySelector('video.source'); return v && v.currentTime > 1; }"
)
# Share of bright, unsaturated pixels in the canvas's bottom band, where the watermark's text
# line is drawn: zero if no text was drawn there.
WATERMARK_INK = """() => {
    const c = document.getElementById('screen');
    const d = c.getContext('2d').getImageData(0, c.height - 28, c.width, 28).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) { ink += 1; }
    }
    return ink / (d.length / 4);
}"""


# The pixels of a patch of the canvas, away from the watermark's band.
PATCH = """() => Array.from(document.getElementById('screen').getContext('2d')
    .getImageData(40, 40, 24, 24).data).join(',')"""


def _view_events(recording, wait: float = 10.0) -> list[str]:
    """The playback's ledger events, once the page's closing beacon has arrived."""
    deadline = time.monotonic() + wait
    while True:
        views = LedgerEntry.objects.filter(action="view", subject_id=str(recording.pk))
        events = [v.payload["event"] for v in views.order_by("seq")]
        if "ended" in events or time.monotonic() > deadline:
            return events
        time.sleep(0.1)


def to_do(page) -> str:
    return page.locator("#todo").inner_text()


def test_request_approve_register_play_with_watermark_then_revoke(live_server, page, tmp_path):
    call_command("demo", verbosity=0)
    officer = User.objects.get(username="officer")
    clip = media.make_mp4(tmp_path / "JX0227_20260310_101500.mp4", seconds=6, size=(640, 360))
    recording = ingested(clip, officer)
    url = live_server.url

    # 1. The officer asks to view his recording, for work.
    sign_in(page, url, "officer", "李明")
    page.goto(f"{url}/recordings/{recording.pk}/")
    assert "查看画面须经主要负责人批准并登记" in page.locator("#viewing").inner_text()
    page.get_by_role("link", name="申请查看").click()
    page.get_by_label("事由").fill("核实当事人投诉的执法过程")
    page.get_by_role("button", name="提交申请").click()
    assert "等待主要负责人审批" in messages(page)
    assert page.locator("h1").inner_text().endswith("待审批")
    shot(page, tmp_path / "1-requested.png")
    sign_out(page, url)

    # 2. The head finds it in his to-do list (with the count in the navigation) and approves.
    sign_in(page, url, "head", "王建国")
    assert "待审批的查阅申请" in to_do(page)
    assert page.locator(".mainnav a", has_text="首页").locator(".badge").inner_text() == "1"
    page.locator("#todo").get_by_role("link", name="待审批的查阅申请").click()
    page.get_by_role("link", name="查阅申请 #").first.click()
    page.get_by_label("审批意见").fill("同意，限本人在线查看")
    page.get_by_role("button", name="批准", exact=True).click()
    assert "已批准" in messages(page)
    sign_out(page, url)

    # 3. The records office registers it: the grant opens now.
    sign_in(page, url, "records", "赵文档")
    page.locator("#todo").get_by_role("link", name="待登记的查阅申请").click()
    page.get_by_role("link", name="查阅申请 #").first.click()
    page.get_by_role("button", name="登记", exact=True).click()
    assert "查阅授权即时生效" in messages(page)
    number = ViewingRequest.objects.get().number
    assert number in page.locator("h1").inner_text()
    sign_out(page, url)

    # 4. The officer plays it: the clock runs and the watermark is in the picture.
    sign_in(page, url, "officer", "李明")
    page.locator("#todo").get_by_role("link", name="我的有效查看授权").click()
    assert number in page.locator("table.list").inner_text()
    page.get_by_role("link", name=f"播放 {recording.pk}").click()
    page.wait_for_function("() => (document.querySelector('video.source') || {}).readyState >= 2")
    page.get_by_role("button", name="播放").click()
    page.wait_for_function(PLAYING, timeout=20_000)
    assert page.evaluate(WATERMARK_INK) > 0.01
    frame = page.evaluate(PATCH)
    page.wait_for_timeout(700)
    assert page.evaluate(PATCH) != frame  # the picture on the canvas moves with the video
    page.locator("#screen").screenshot(path=str(tmp_path / "4-playing.png"))
    page.get_by_role("button", name="标记起点").click()  # what this moment shows
    page.get_by_label("摄录要点").select_option(label="询问调查")
    page.get_by_label("说明").fill("询问当事人经营情况")
    page.get_by_role("button", name="保存标注").click()
    page.wait_for_selector("#mark-message.good")
    assert page.locator("#timeline .mark").count() == 1
    assert "询问当事人经营情况" in page.locator("#marks").inner_text()
    # A link to an exact second (as a finding's page gives) opens the player there.
    page.goto(f"{url}/recordings/{recording.pk}/play/?at=4")
    page.wait_for_function(
        "() => { const v = document.querySelector('video.source');"
        " return v && v.readyState >= 1 && Math.abs(v.currentTime - 4) < 0.5; }"
    )
    assert page.locator("#clock").inner_text() == "0:04 / 0:06"
    page.goto(f"{url}/access/grants/")  # leaving the player ends the session
    assert _view_events(recording) == ["started", "ended"]
    sign_out(page, url)

    # 5. The register lists it; the head revokes the grant.
    sign_in(page, url, "head", "王建国")
    page.locator(".mainnav").get_by_role("link", name="查阅登记簿").click()
    row = page.locator("table.register tbody tr").first.inner_text()
    assert number in row and "李明" in row and "核实当事人投诉" in row
    page.get_by_role("link", name=number).click()
    page.get_by_label("撤销原因").fill("投诉已核实完毕")
    page.get_by_role("button", name="撤销").click()
    assert "已撤销" in messages(page)
    assert fact(page, "撤销").inner_text().startswith("王建国")
    sign_out(page, url)

    # 6. Playback is refused from now on.
    sign_in(page, url, "officer", "李明")
    response = page.goto(f"{url}/recordings/{recording.pk}/play/")
    assert response.status == 403
    assert "没有查看这条音像记录的有效授权" in page.locator("main").inner_text()
    shot(page, tmp_path / "6-refused.png")
    denied = LedgerEntry.objects.filter(action="access_denied", actor_id=officer.pk)
    assert denied.count() == 1
