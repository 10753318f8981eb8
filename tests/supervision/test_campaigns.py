"""Spot-check campaigns (R-20): the published sample can be recomputed by anyone, ratio and
minimum hold per officer, no reviewer gets their own unit, the head's approval is the
reviewers' viewing grant, and closing ends grants and holds."""

import hashlib
import math
from collections import defaultdict
from fractions import Fraction

import pytest

from bodycam.access.models import RequestState, Route
from bodycam.access.requests import grant_for
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.retention.models import Hold, HoldKind
from bodycam.supervision import campaigns
from bodycam.supervision.models import Campaign, CampaignState, Candidate
from tests.supervision.conftest import plan


def recomputed(answer: dict) -> list[int]:
    """The sample, from the API's answer and the rule's words alone."""
    strata = defaultdict(list)
    for c in answer["candidates"]:
        digest = hashlib.sha256(f"{answer['seed']}:{c['sha256']}".encode()).hexdigest()
        strata[c["stratum"]].append((digest, c["id"]))
    chosen = []
    for ranked in strata.values():
        ranked.sort()
        n = len(ranked)
        take = min(n, max(answer["minimum"], math.ceil(Fraction(answer["ratio"]) * n)))
        chosen += [pk for _digest, pk in ranked[:take]]
    return sorted(chosen)


def sample_answer(client, campaign, user, slash=""):
    client.force_login(user)
    response = client.get(f"/api/v1/supervision/campaigns/{campaign.pk}/sample{slash}")
    assert response.status_code == 200, response.content
    return response.json()


def test_anyone_recomputes_the_published_sample_from_the_seed_and_candidates(
    client, started, people, recorded
):
    answer = sample_answer(client, started, people["head"])
    assert len(answer["seed"]) == 64 and answer["seed"] == started.seed
    assert answer["ratio"] == "0.1" and answer["minimum"] == 1
    assert len(answer["candidates"]) == 30
    assert sorted(answer["sample"]) == recomputed(answer)
    assert "SHA-256" in answer["rule"]


def test_the_sample_address_answers_without_a_trailing_slash(client, started, people):
    assert sample_answer(client, started, people["sup_c"]) == sample_answer(
        client, started, people["sup_c"], slash="/"
    )


def test_ratio_and_minimum_hold_for_each_officer(started, recorded):
    sampled = Candidate.objects.filter(campaign=started, sampled=True)
    taken = {name: sampled.filter(stratum=name).count() for name in recorded}
    # wang: ceil(0.1 × 20) = 2; li: ceil(0.3) = 1; zhao: ceil(0.7) = 1
    assert taken == {"wang": 2, "li": 1, "zhao": 1}


def test_the_minimum_raises_small_strata_and_never_exceeds_them(people, recorded, day):
    proposed = campaigns.propose_campaign(plan(people, day, minimum=5), people["sup_a"])
    started = campaigns.start_campaign(proposed, people["head"])
    sampled = Candidate.objects.filter(campaign=started, sampled=True)
    taken = {name: sampled.filter(stratum=name).count() for name in recorded}
    assert taken == {"wang": 5, "li": 3, "zhao": 5}


def test_no_reviewer_is_assigned_a_recording_of_their_own_unit(started, people):
    sampled = Candidate.objects.filter(campaign=started, sampled=True).select_related(
        "reviewer", "recording__officer"
    )
    assert sampled.count() == 4
    for candidate in sampled:
        assert candidate.reviewer.unit_id != candidate.recording.officer.unit_id
    # squad A's recordings can only go to the inspection office's supervisor
    assert {c.reviewer.username for c in sampled if c.stratum in ("wang", "li")} == {"sup_c"}


def test_a_sample_nobody_outside_the_unit_can_review_is_refused_and_nothing_starts(
    people, recorded, day
):
    only_squad_a = plan(people, day, reviewers=[people["sup_a"]])
    proposed = campaigns.propose_campaign(only_squad_a, people["sup_a"])
    entries = LedgerEntry.objects.count()
    with pytest.raises(Refused) as refused:
        campaigns.start_campaign(proposed, people["head"])
    assert refused.value.code == "no_eligible_reviewer"
    assert "一中队" in refused.value.text()
    proposed.refresh_from_db()
    assert proposed.state == CampaignState.PROPOSED and not proposed.seed
    assert not Candidate.objects.exists() and not Hold.objects.exists()
    assert LedgerEntry.objects.count() == entries


def test_the_heads_approval_is_each_reviewers_registered_grant_for_theirs_alone(started, people):
    for grant in started.grants.all():
        assert grant.route == Route.SUPERVISION and grant.state == RequestState.REGISTERED
        assert grant.number and grant.head_decided_by == people["head"]
        assigned = set(
            started.candidates.filter(reviewer=grant.requester).values_list("recording", flat=True)
        )
        assert set(grant.recordings.values_list("pk", flat=True)) == assigned
        for recording in grant.recordings.all():
            assert grant_for(grant.requester, recording) == grant
        steps = LedgerEntry.objects.filter(subject_kind="viewingrequest", subject_id=str(grant.pk))
        assert [(e.action, e.actor_id, e.payload["campaign"]) for e in steps.order_by("seq")] == [
            (action, people["head"].pk, started.number)
            for action in ("request", "approve", "register")
        ]
    not_sampled = started.candidates.filter(sampled=False).first().recording
    with pytest.raises(Refused):
        grant_for(people["sup_c"], not_sampled)


def test_starting_holds_the_sample_and_closing_releases_holds_and_ends_grants(started, people):
    sampled = started.candidates.filter(sampled=True)
    holds = Hold.objects.active().filter(kind=HoldKind.SPOT_CHECK)
    assert set(holds.values_list("recording", flat=True)) == set(
        sampled.values_list("recording", flat=True)
    )
    campaigns.close_campaign(started, people["sup_a"], "抽查完毕，未发现问题。")
    assert not Hold.objects.active().exists()
    assert set(started.grants.values_list("state", flat=True)) == {RequestState.REVOKED}
    recording = sampled.first().recording
    with pytest.raises(Refused):
        grant_for(sampled.first().reviewer, recording)
    assert Campaign.objects.get(pk=started.pk).state == CampaignState.CLOSED


def test_another_seed_draws_another_sample_from_the_same_candidates(people, recorded, day):
    samples = set()
    for _ in range(3):
        proposed = campaigns.propose_campaign(plan(people, day, minimum=3), people["sup_a"])
        started = campaigns.start_campaign(proposed, people["head"])
        picked = started.candidates.filter(sampled=True, stratum="wang")
        samples.add(frozenset(picked.values_list("recording", flat=True)))
    assert len(samples) > 1  # 3 of 20: the same three thrice has odds below 1 in 1,000,000


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ratio": "0"}, "invalid_ratio"),
        ({"ratio": "1.5"}, "invalid_ratio"),
        ({"ratio": "五成"}, "invalid_ratio"),
        ({"ratio": "0.123456"}, "invalid_ratio"),
        ({"minimum": -1}, "invalid_minimum"),
        ({"title": "  "}, "title_required"),
        ({"reviewers": []}, "reviewers_required"),
    ],
)
def test_a_bad_plan_is_refused_with_its_reason(people, day, changes, code):
    with pytest.raises(Refused) as refused:
        campaigns.propose_campaign(plan(people, day, **changes), people["sup_a"])
    assert refused.value.code == code
    assert not Campaign.objects.exists()


def test_a_period_not_yet_over_is_refused(people, day):
    from bodycam.lib import wallclock

    today = wallclock.local_day()
    with pytest.raises(Refused) as refused:
        campaigns.propose_campaign(plan(people, day, period_to=today), people["sup_a"])
    assert refused.value.code == "invalid_period"


def test_only_supervisors_review(people, day):
    with pytest.raises(Refused) as refused:
        campaigns.propose_campaign(plan(people, day, reviewers=[people["wang"]]), people["sup_a"])
    assert refused.value.code == "invalid_reviewer"


def test_the_head_starts_and_nobody_else(people, recorded, day):
    proposed = campaigns.propose_campaign(plan(people, day), people["sup_a"])
    for someone in ("sup_c", "wang"):
        with pytest.raises(Refused) as refused:
            campaigns.start_campaign(proposed, people[someone])
        assert refused.value.http_status == 403
    with pytest.raises(Refused):
        campaigns.propose_campaign(plan(people, day), people["head"])


def test_a_refusal_needs_an_opinion_and_a_refused_campaign_never_starts(people, day):
    proposed = campaigns.propose_campaign(plan(people, day), people["sup_a"])
    with pytest.raises(Refused):
        campaigns.refuse_campaign(proposed, people["head"], " ")
    campaigns.refuse_campaign(proposed, people["head"], "期间太短")
    with pytest.raises(Refused) as refused:
        campaigns.start_campaign(proposed, people["head"])
    assert refused.value.code == "already_decided"


def test_only_recordings_of_the_chosen_units_and_period_are_candidates(
    people, recorded, day, squads, tmp_path
):
    from tests.supervision.conftest import photos

    photos(tmp_path / "before", people["zhao"], 2, day - __import__("datetime").timedelta(days=1))
    scoped = plan(people, day, units=[squads["B"]], reviewers=[people["sup_a"]])
    started = campaigns.start_campaign(
        campaigns.propose_campaign(scoped, people["sup_a"]), people["head"]
    )
    assert set(started.candidates.values_list("recording", flat=True)) == {
        r.pk for r in recorded["zhao"]
    }
