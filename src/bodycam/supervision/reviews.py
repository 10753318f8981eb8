"""Reviewing a sampled recording (R-20): each item of the review form (settings
SUPERVISION_REVIEW_ITEMS) pass, fail or not applicable, with a comment and the second that shows
it. The score is built the way case-file reviews (案卷评查) are: any failed veto item (否决项)
makes the review 不合格 with 0 points; otherwise each failed item deducts its points from 100.
A reviewer may correct their review while the campaign runs, giving a reason; the ledger keeps
what it replaced."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.supervision.models import (
    Answer,
    CampaignEvent,
    CampaignState,
    Candidate,
    Grade,
    Review,
    Verdict,
)


@dataclass(frozen=True)
class Item:
    """One item of the review form."""

    key: str
    label: str | Promise
    requirement: str
    veto: bool
    points: int


@dataclass(frozen=True)
class Given:
    """A reviewer's answer to one item."""

    verdict: str
    comment: str = ""
    at_second: int | None = None


def review_items() -> list[Item]:
    return [
        Item(key=str(i["key"]), label=cast(Promise, i["label"]), requirement=str(i["requirement"]),
             veto=bool(i["veto"]), points=int(str(i["points"])))
        for i in settings.SUPERVISION_REVIEW_ITEMS
    ]  # fmt: skip


def score(answers: dict[str, Given]) -> tuple[int, bool, str]:
    """(score, vetoed, grade) of a complete set of answers."""
    items = review_items()
    vetoed = any(item.veto and answers[item.key].verdict == Verdict.FAIL for item in items)
    if vetoed:
        return 0, True, Grade.FAIL
    lost = sum(item.points for item in items if answers[item.key].verdict == Verdict.FAIL)
    points = max(0, 100 - lost)
    if points >= settings.SUPERVISION_GRADE_EXCELLENT:
        return points, False, Grade.EXCELLENT
    if points >= settings.SUPERVISION_GRADE_PASS:
        return points, False, Grade.PASS
    return points, False, Grade.FAIL


def _check(candidate: Candidate, answers: dict[str, Given]) -> None:
    items = review_items()
    missing = [str(item.label) for item in items if item.key not in answers]
    if missing:
        raise Refused(_("请对每一项作出结论，还缺：%(items)s。"), code="answers_missing",
                      items="；".join(missing))  # fmt: skip
    unknown = sorted(set(answers) - {item.key for item in items})
    if unknown:
        raise Refused(_("没有这些评查项目：%(items)s。"), code="unknown_item",
                      items="、".join(unknown))  # fmt: skip
    duration = candidate.recording.duration or timedelta(0)
    for item in items:
        given = answers[item.key]
        if given.verdict not in Verdict.values:
            raise Refused(_("“%(item)s”的结论应为符合、不符合或不适用。"), code="invalid_verdict",
                          item=item.label)  # fmt: skip
        if given.verdict == Verdict.FAIL and not given.comment.strip():
            raise Refused(_("“%(item)s”不符合：请写明问题。"), code="comment_required",
                          item=item.label)  # fmt: skip
        second = given.at_second
        if second is not None and not 0 <= second <= max(duration.total_seconds(), 0):
            raise Refused(
                _("“%(item)s”的位置 %(second)s 秒超出了记录的时长。"), code="invalid_second",
                item=item.label, second=second,
            )  # fmt: skip


def _reviewable(candidate: Candidate, actor: User) -> Candidate:
    locked = (
        Candidate.objects.select_for_update()
        .select_related("campaign", "recording")
        .get(pk=candidate.pk)
    )
    if not locked.sampled or locked.reviewer_id != actor.pk:
        raise Refused(_("这条记录没有分配给您评查。"), code="not_assigned", http_status=403)
    if locked.campaign.state != CampaignState.STARTED:
        raise Refused(_("抽查 %(number)s 已经结束，不能再评查或更正。"), code="campaign_closed",
                      http_status=409, number=locked.campaign.number)  # fmt: skip
    return locked


def _shown(answers: dict[str, Given]) -> dict[str, Any]:
    return {
        key: {
            "verdict": given.verdict,
            "comment": given.comment.strip(),
            "at_second": given.at_second,
        }
        for key, given in sorted(answers.items())
    }


def _before(review: Review) -> dict[str, Any]:
    answers = {a.item: Given(a.verdict, a.comment, a.at_second) for a in review.answers.all()}
    return {"score": review.score, "grade": review.grade, "comment": review.comment,
            "answers": _shown(answers)}  # fmt: skip


@transaction.atomic
def submit_review(
    candidate: Candidate, actor: User, answers: dict[str, Given], comment: str = "",
    reason: str = "",
) -> Review:  # fmt: skip
    """The assigned reviewer's review; a second submission corrects the first and needs a
    reason."""
    candidate = _reviewable(candidate, actor)
    _check(candidate, answers)
    points, vetoed, grade = score(answers)
    previous = Review.objects.filter(candidate=candidate).first()
    if previous is not None and not reason.strip():
        raise Refused(_("已经评查过；更正时请写明理由。"), code="reason_required")
    before = _before(previous) if previous is not None else None
    review = previous or Review(candidate=candidate, reviewer=actor)
    review.reviewed_at, review.score, review.vetoed = timezone.now(), points, vetoed
    review.grade, review.comment = grade, comment.strip()
    review.save()
    review.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(review=review, item=key, verdict=given.verdict, comment=given.comment.strip(),
               at_second=given.at_second) for key, given in answers.items()
    )  # fmt: skip
    event = CampaignEvent.REVISED if previous is not None else CampaignEvent.REVIEWED
    record(Action.SPOT_CHECK, candidate.recording, actor, event=event,
           campaign=candidate.campaign.number, score=points, grade=grade, vetoed=vetoed,
           comment=review.comment, answers=_shown(answers), reason=reason.strip(),
           before=before)  # fmt: skip
    return review
