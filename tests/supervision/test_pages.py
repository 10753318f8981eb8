"""The spot-check pages (R-20), as the supervisor, the head and the reviewer use them."""

from django.conf import settings

from bodycam.access.queue import tasks_for
from bodycam.supervision import reviews
from bodycam.supervision.models import Campaign, CampaignState, Review
from tests.supervision.conftest import plan


def propose_form(people, day, **changes):
    form = {
        "title": "十一月抽查", "period_from": day.isoformat(), "period_to": day.isoformat(),
        "percent": "10", "minimum": "1", "reviewers": [people["sup_a"].pk, people["sup_c"].pk],
    }  # fmt: skip
    form.update(changes)
    return form


def test_a_supervisor_proposes_and_the_head_starts_from_the_pages(client, people, recorded, day):
    client.force_login(people["sup_a"])
    response = client.post("/supervision/", propose_form(people, day))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/{campaign.pk}/"
    assert str(campaign.ratio) == "0.1000"
    assert [t.label for t in tasks_for(people["head"]) if t.label == "待批准的抽查"]
    client.force_login(people["head"])
    page = client.get(f"/supervision/{campaign.pk}/").content.decode()
    assert "批准并开始抽查" in page
    client.post(f"/supervision/{campaign.pk}/decide/", {"decision": "start", "opinion": "同意"})
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.STARTED
    page = client.get(f"/supervision/{campaign.pk}/").content.decode()
    assert campaign.seed in page and "抽中 4 条" in page
    pending = {t.label: t.count for t in tasks_for(people["sup_c"])}
    assert pending["待我评查的抽查记录"] == 3  # wang's 2 and li's 1: squad A, not sup_a's


def test_a_period_not_over_is_refused_beside_the_field_in_the_users_language(client, people, day):
    from bodycam.lib import wallclock

    client.force_login(people["sup_a"])
    today = wallclock.local_day().isoformat()
    response = client.post("/supervision/", propose_form(people, day, period_to=today))
    assert response.status_code == 400
    assert "抽查期间须已经结束" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/supervision/", propose_form(people, day, period_to=today))
    assert response.status_code == 400 and "must have ended" in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_reviewer_fills_in_the_review_form_and_sees_the_score(client, started, people):
    candidate = started.candidates.filter(sampled=True, reviewer=people["sup_c"]).first()
    url = f"/supervision/{started.pk}/review/{candidate.recording_id}/"
    client.force_login(people["sup_c"])
    page = client.get(url).content.decode()
    assert "评查表" in page and "否决项" in page and "合规检查发现的问题" in page
    form = {f"{item.key}-verdict": "pass" for item in reviews.review_items()}
    form.update({"angle-verdict": "fail", "angle-comment": "镜头朝地", "angle-second": "0"})
    response = client.post(url, form)
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.score, review.grade) == (90, "excellent")
    assert "90 分" in client.get(f"/supervision/{started.pk}/").content.decode()


def test_a_failed_item_without_a_comment_is_refused_on_the_page(client, started, people):
    candidate = started.candidates.filter(sampled=True, reviewer=people["sup_c"]).first()
    client.force_login(people["sup_c"])
    form = {f"{item.key}-verdict": "pass" for item in reviews.review_items()}
    form["angle-verdict"] = "fail"
    response = client.post(f"/supervision/{started.pk}/review/{candidate.recording_id}/", form)
    assert response.status_code == 400
    assert "不符合：请写明问题" in response.content.decode()
    assert not Review.objects.exists()


def test_someone_else_sees_the_review_page_without_a_form(client, started, people):
    candidate = started.candidates.filter(sampled=True, reviewer=people["sup_c"]).first()
    client.force_login(people["sup_a"])
    response = client.get(f"/supervision/{started.pk}/review/{candidate.recording_id}/")
    assert response.status_code == 200 and "提交评查" not in response.content.decode()


def test_officers_have_no_spot_check_pages(client, started, people):
    client.force_login(people["wang"])
    assert client.get("/supervision/").status_code == 403
    assert client.get(f"/supervision/{started.pk}/").status_code == 403


def test_the_head_may_not_decide_twice(client, people, recorded, day):
    from bodycam.supervision import campaigns

    proposed = campaigns.propose_campaign(plan(people, day), people["sup_a"])
    client.force_login(people["head"])
    client.post(f"/supervision/{proposed.pk}/decide/", {"decision": "start"})
    response = client.post(
        f"/supervision/{proposed.pk}/decide/", {"decision": "start"}, follow=True
    )
    assert "已经是“抽查中”状态" in response.content.decode()
