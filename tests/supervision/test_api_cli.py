"""Spot checks through the API and the command line: the same rules, stable codes, the
request's language, nothing changed by a refusal."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bodycam.supervision import reviews
from bodycam.supervision.models import Campaign, CampaignState, Review
from tests.factories import api_key
from tests.supervision.test_campaigns import recomputed


def api(client, user, method, path, body=None, language="zh-hans"):
    call = getattr(client, method)
    return call(f"/api/v1/supervision/campaigns/{path}", body, content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {api_key(user)}",
                HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip


def proposal(people, day, **changes):
    body = {"title": "接口抽查", "period_from": day.isoformat(), "period_to": day.isoformat(),
            "ratio": "0.05", "minimum": 1, "reviewers": ["sup_a", "sup_c"]}  # fmt: skip
    body.update(changes)
    return body


def test_propose_start_sample_and_review_through_the_api(client, people, recorded, day):
    made = api(client, people["sup_a"], "post", "", proposal(people, day))
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["state"] == "proposed" and made.json()["ratio"] == "0.05"
    started = api(client, people["head"], "post", f"{pk}/start/", {"comment": "同意"})
    assert started.status_code == 200 and started.json()["state"] == "started"
    answer = api(client, people["sup_c"], "get", f"{pk}/sample").json()
    assert sorted(answer["sample"]) == recomputed(answer)
    campaign = Campaign.objects.get(pk=pk)
    mine = campaign.candidates.filter(reviewer=people["sup_c"]).first().recording_id
    answers = [{"item": i.key, "verdict": "pass"} for i in reviews.review_items()]
    body = {"recording": mine, "comment": "总体规范", "answers": answers}
    body["answers"][2] = {"item": "continuous", "verdict": "fail", "comment": "中断",
                          "at_second": 0}  # fmt: skip
    reviewed = api(client, people["sup_c"], "post", f"{pk}/review/", body)
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["score"] == 75 and reviewed.json()["grade"] == "pass"


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [("wang", "", 403), ("head", "", 403), ("sup_a", "{pk}/start/", 403), ("wang", "{pk}/", 403)],
)
def test_wrong_roles_are_refused(client, people, day, who, path, status):
    from bodycam.supervision import campaigns
    from tests.supervision.conftest import plan

    campaign = campaigns.propose_campaign(plan(people, day), people["sup_a"])
    method = "get" if path == "{pk}/" else "post"
    response = api(client, people[who], method, path.format(pk=campaign.pk), proposal(people, day))
    assert response.status_code == status
    assert Campaign.objects.count() == 1
    assert Campaign.objects.get().state == CampaignState.PROPOSED


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ratio": "2"}, "invalid_ratio"),
        ({"reviewers": ["nobody"]}, "not_found"),
        ({"units": ["NOPE"]}, "not_found"),
        ({"period_from": "2026-13-01"}, "invalid"),
        ({"reviewers": ["wang"]}, "invalid_reviewer"),
    ],
)
def test_a_bad_proposal_is_a_400_with_a_stable_code_in_the_requests_language(
    client, people, day, changes, code
):
    response = api(client, people["sup_a"], "post", "", proposal(people, day, **changes), "en")
    assert response.status_code == 400
    assert response.json()["code"] == code
    detail = response.json()["detail"]
    for person in people.values():  # names are what people typed: any script
        detail = detail.replace(person.display_name, "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail
    assert not Campaign.objects.exists()


def test_the_sample_of_a_campaign_not_started_is_a_409(client, people, day):
    from bodycam.supervision import campaigns
    from tests.supervision.conftest import plan

    campaign = campaigns.propose_campaign(plan(people, day), people["sup_a"])
    response = api(client, people["head"], "get", f"{campaign.pk}/sample")
    assert response.status_code == 409 and response.json()["code"] == "not_started"


def test_a_review_of_an_unsampled_recording_is_a_404(client, started, people):
    other = started.candidates.filter(sampled=False).first().recording_id
    body = {"recording": other, "answers": []}
    response = api(client, people["sup_c"], "post", f"{started.pk}/review/", body)
    assert response.status_code == 404 and not Review.objects.exists()


def test_the_command_line_creates_and_starts_a_campaign_as_the_head(people, recorded, day, capsys):
    call_command("supervision", "campaign", "--ratio", "0.05", "--minimum", "1",
                 "--from", day.isoformat(), "--to", day.isoformat(), "--json")  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    campaign = Campaign.objects.get(pk=printed["id"])
    assert printed["ok"] and printed["seed"] == campaign.seed and len(printed["seed"]) == 64
    assert campaign.state == CampaignState.STARTED and campaign.decided_by == people["head"]
    assert len(printed["sample"]) == 3 and printed["candidates"] == 30  # one per officer
    assert set(printed["sample"]) == set(
        campaign.candidates.filter(sampled=True).values_list("recording", flat=True)
    )


def test_the_command_line_refuses_in_chinese_and_english(people, day):
    with pytest.raises(CommandError) as refused:
        call_command("supervision", "campaign", "--ratio", "0.05", "--from", day.isoformat(),
                     "--to", day.isoformat(), "--unit", "NOPE")  # fmt: skip
    assert "没有代码为 NOPE 的单位" in str(refused.value)
    assert "There is no unit with the code NOPE" in str(refused.value)
    assert not Campaign.objects.exists()
