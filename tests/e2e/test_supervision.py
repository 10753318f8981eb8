"""A spot check clicked through in Chinese by real roles (R-20).

The supervisor proposes a spot check of the last days; the head finds it in his to-do list and
approves it, which publishes the seed and gives the supervisor the viewing grant; the
supervisor finds the sampled recording in his to-do list, plays it, and fills in the review
form; the campaign shows the score. He escalates the review to a violation case in one step; the
head decides a public criticism for the officer; the oversight office issues it from its to-do
list; the case page shows it, and the head's dashboard counts it, its charts drawn by ECharts.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bodycam.accounts.models import User
from bodycam.lib import wallclock
from bodycam.supervision.models import Campaign, Review
from tests import media
from tests.access.conftest import ingested
from tests.compliance.scenes import stamp
from tests.e2e.test_devices_and_activities import fact, messages, sign_in, sign_out
from tests.e2e.test_viewing import PLAYING

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_head_starts_a_spot_check_and_the_supervisor_plays_and_reviews(
    live_server, page, tmp_path
):
    call_command("demo", verbosity=0)
    made = timezone.now() - timedelta(days=2)
    clip = media.make_mp4(tmp_path / "JX0227_clip.mp4", seconds=6, creation_time=stamp(made))
    recording = ingested(clip, User.objects.get(username="officer"))
    day = wallclock.local_day(made).isoformat()
    url = live_server.url

    # 1. The supervisor proposes: every recording of that day, reviewed by himself.
    sign_in(page, url, "supervisor", "孙督察")
    page.locator(".mainnav").get_by_role("link", name="抽查").click()
    page.get_by_label("抽查名称").fill("执法一大队近期抽查")
    page.get_by_label("抽查期间自").fill(day)
    page.get_by_label("抽查期间至").fill(day)
    page.get_by_label("抽查比例（%）").fill("100")
    page.get_by_label("孙督察").check()
    page.get_by_role("button", name="提出抽查").click()
    assert "待主要负责人批准" in messages(page)
    sign_out(page, url)

    # 2. The head approves it from his to-do list: the seed is published.
    sign_in(page, url, "head", "王建国")
    page.locator("#todo").get_by_role("link", name="待批准的抽查").click()
    page.get_by_role("link", name=Campaign.objects.get().number).click()
    page.get_by_label("意见").fill("同意")
    page.get_by_role("button", name="批准并开始抽查").click()
    assert "抽查已开始" in messages(page)
    campaign = Campaign.objects.get()
    assert fact(page, "随机种子").inner_text() == campaign.seed
    sign_out(page, url)

    # 3. The supervisor plays the sampled recording and reviews it.
    sign_in(page, url, "supervisor", "孙督察")
    page.locator("#todo").get_by_role("link", name="待我评查的抽查记录").click()
    page.get_by_role("link", name=campaign.number).click()
    page.locator("#sample").get_by_role("link", name="评查").click()
    assert "合规检查发现的问题" in page.locator("#findings").inner_text()
    page.get_by_role("link", name="播放", exact=True).click()
    page.wait_for_function("() => (document.querySelector('video.source') || {}).readyState >= 2")
    page.get_by_role("button", name="播放").click()
    page.wait_for_function(PLAYING, timeout=20_000)
    page.go_back()
    rows = page.locator("table.review-items tbody tr")
    for n in range(rows.count()):
        rows.nth(n).get_by_label("符合", exact=True).check()
    angle = page.locator("table.review-items tr", has_text="拍摄角度")
    angle.get_by_label("不符合", exact=True).check()
    angle.locator("input[name='angle-comment']").fill("镜头偏低，看不清当事人面部")
    angle.locator("input[name='angle-second']").fill("3")
    page.get_by_role("button", name="提交评查").click()
    assert "评查已保存" in messages(page)
    assert "90 分 · 优秀" in page.locator("#sample").inner_text()
    review = Review.objects.get()
    assert review.candidate.recording_id == recording.pk and review.score == 90

    # 4. He escalates the review: a violation case carrying it, the officer responsible.
    page.locator("#sample").get_by_role("link", name="90 分 · 优秀").click()
    page.get_by_label("过错情形（R-21）").select_option(label="其他违反现场执法记录制度的情形")
    page.locator("#escalate").get_by_role("button", name="立案").click()
    assert "已立案" in messages(page)
    assert "镜头偏低" in fact(page, "过错事实").inner_text()
    sign_out(page, url)

    # 5. The head decides: public criticism by the oversight office.
    sign_in(page, url, "head", "王建国")
    page.locator("#todo").get_by_role("link", name="待作出决定的执法过错案件").click()
    page.locator("table.list a").first.click()
    page.get_by_label("李明（JX0227）（承办人）").select_option(label="市编委办通报批评")
    page.get_by_label("决定的内容和理由").fill("拍摄角度不规范，予以通报批评")
    page.get_by_role("button", name="作出决定").click()
    assert "追究决定已作出" in messages(page)
    sign_out(page, url)

    # 6. The oversight office issues it from its to-do list.
    sign_in(page, url, "oversight", "周编委")
    page.locator("#todo").get_by_role("link", name="待发布的通报批评").click()
    page.locator("table.list a").first.click()
    page.get_by_label("通报内容").fill("执法一大队李明拍摄角度不规范，予以通报批评。")
    page.get_by_role("button", name="发布通报批评").click()
    assert "通报批评已发布" in messages(page)
    assert "予以通报批评" in page.locator("#people").inner_text()
    sign_out(page, url)

    # 7. The head's dashboard counts it; each chart is drawn from the table beside it.
    sign_in(page, url, "head", "王建国")
    page.locator(".mainnav").get_by_role("link", name="统计图表").click()
    violations = page.locator("#figure-violations")
    assert "其他违反现场执法记录制度的情形\t1\t1" in violations.locator("table").inner_text()
    page.wait_for_selector("#figure-violations[data-drawn=true] canvas")
    assert page.locator("#figure-spot_checks table").inner_text().count(campaign.number) == 1
    sign_out(page, url)
