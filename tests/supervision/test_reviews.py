"""Reviewing a sampled recording (R-20): the score as case-file reviews build it (a failed veto
item is 0 and 不合格; otherwise 100 minus the points of failed items), every item answered, a
failure explained, only the assigned reviewer, corrections with a reason the ledger keeps."""

import pytest

from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.supervision import campaigns, reviews
from bodycam.supervision.models import Grade, Review
from bodycam.supervision.reviews import Given


def all_pass(**changes) -> dict[str, Given]:
    answers = {item.key: Given("pass") for item in reviews.review_items()}
    answers.update(changes)
    return answers


def assigned(started, reviewer):
    return started.candidates.filter(sampled=True, reviewer=reviewer).first()


def test_a_review_with_every_item_met_scores_100_and_is_excellent(started, people):
    review = reviews.submit_review(assigned(started, people["sup_c"]), people["sup_c"], all_pass())
    assert (review.score, review.grade, review.vetoed) == (100, Grade.EXCELLENT, False)


def test_each_failed_item_deducts_its_points(started, people):
    answers = all_pass(continuous=Given("fail", "第 40 秒起中断，无说明"),
                       angle=Given("fail", "镜头朝地"), conduct=Given("na"))  # fmt: skip
    review = reviews.submit_review(assigned(started, people["sup_c"]), people["sup_c"], answers)
    assert (review.score, review.grade) == (65, Grade.PASS)  # 100 - 25 - 10
    answers["handling"] = Given("fail", "次日才移交")
    revised = reviews.submit_review(
        assigned(started, people["sup_c"]), people["sup_c"], answers, reason="补充移交问题"
    )
    assert (revised.score, revised.grade) == (45, Grade.FAIL)


def test_a_failed_veto_item_makes_the_review_zero_and_failed(started, people):
    answers = all_pass(recorded=Given("fail", "询问过程未录"))
    review = reviews.submit_review(assigned(started, people["sup_c"]), people["sup_c"], answers)
    assert (review.score, review.grade, review.vetoed) == (0, Grade.FAIL, True)


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"recorded": Given("pass")}, "answers_missing"),
        ({**all_pass(), "colour": Given("pass")}, "unknown_item"),
        (all_pass(angle=Given("fail", "")), "comment_required"),
        (all_pass(angle=Given("maybe")), "invalid_verdict"),
        (all_pass(angle=Given("fail", "看不清", at_second=99999)), "invalid_second"),
    ],
)
def test_an_incomplete_or_wrong_review_is_refused_and_nothing_is_kept(
    started, people, answers, code
):
    entries = LedgerEntry.objects.count()
    with pytest.raises(Refused) as refused:
        reviews.submit_review(assigned(started, people["sup_c"]), people["sup_c"], answers)
    assert refused.value.code == code
    assert not Review.objects.exists() and LedgerEntry.objects.count() == entries


def test_only_the_assigned_reviewer_reviews(started, people):
    theirs = assigned(started, people["sup_c"])
    for someone in ("sup_a", "head", "wang"):
        with pytest.raises(Refused) as refused:
            reviews.submit_review(theirs, people[someone], all_pass())
        assert refused.value.code == "not_assigned"


def test_a_correction_needs_a_reason_and_the_ledger_keeps_what_it_replaced(started, people):
    candidate = assigned(started, people["sup_c"])
    reviews.submit_review(candidate, people["sup_c"], all_pass(), "规范")
    worse = all_pass(notification=Given("fail", "开头未告知", at_second=0))
    with pytest.raises(Refused) as refused:
        reviews.submit_review(candidate, people["sup_c"], worse)
    assert refused.value.code == "reason_required"
    reviews.submit_review(candidate, people["sup_c"], worse, reason="复看发现未告知")
    entry = LedgerEntry.objects.filter(subject_kind="recording",
                                       subject_id=str(candidate.recording_id),
                                       action="spot_check").order_by("-seq").first()  # fmt: skip
    assert entry.payload["event"] == "revised" and entry.payload["score"] == 85
    assert entry.payload["before"]["score"] == 100
    assert entry.payload["before"]["answers"]["notification"]["verdict"] == "pass"
    assert entry.payload["reason"] == "复看发现未告知"


def test_a_closed_campaign_takes_no_more_reviews(started, people):
    candidate = assigned(started, people["sup_c"])
    campaigns.close_campaign(started, people["sup_a"], "到期结束")
    with pytest.raises(Refused) as refused:
        reviews.submit_review(candidate, people["sup_c"], all_pass())
    assert refused.value.code == "campaign_closed"
