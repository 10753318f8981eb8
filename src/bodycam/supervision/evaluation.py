"""Quality evaluation (执法质量考评) per officer or per unit over a period: the average score of
the spot-check reviews of their recordings reviewed in the period (R-20) and their compliance
rate (compliance.rates), combined as

    score = (REVIEW_WEIGHT × review average + COMPLIANCE_WEIGHT × compliance rate)
            / (REVIEW_WEIGHT + COMPLIANCE_WEIGHT)

with the weights from settings (60 and 40 by default); where one part is missing (no review,
or no activity that had to be recorded) the other alone is the score. Graded like a review:
优秀 from SUPERVISION_GRADE_EXCELLENT, 合格 from SUPERVISION_GRADE_PASS."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from bodycam.accountability.standing import merit_ineligible_ids
from bodycam.compliance import rates
from bodycam.lib import wallclock
from bodycam.supervision.models import Grade, Review


@dataclass
class Evaluation:
    name: str
    key: int | None
    reviews: int
    review_average: float | None
    activities: int
    compliance: float | None

    @property
    def score(self) -> float | None:
        parts = [(settings.EVALUATION_REVIEW_WEIGHT, self.review_average),
                 (settings.EVALUATION_COMPLIANCE_WEIGHT, self.compliance)]  # fmt: skip
        present = [(weight, value) for weight, value in parts if value is not None and weight]
        if not present:
            return None
        return round(sum(w * v for w, v in present) / sum(w for w, _v in present), 1)

    @property
    def grade(self) -> str:
        if self.score is None:
            return ""
        if self.score >= settings.SUPERVISION_GRADE_EXCELLENT:
            return str(Grade.EXCELLENT.label)
        if self.score >= settings.SUPERVISION_GRADE_PASS:
            return str(Grade.PASS.label)
        return str(Grade.FAIL.label)


def _review_averages(since: date, until: date, key: str) -> dict[int | None, dict]:
    zone = wallclock.zone()
    start = datetime.combine(since, time.min, tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
    rows = Review.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end)
    return {row[key]: row for row in rows.values(key).annotate(n=Count("pk"), average=Avg("score"))}


def evaluate(since: date, until: date, by_unit: bool = False) -> list[Evaluation]:
    """Everyone with a review or an activity that had to be recorded in the period."""
    key = "candidate__recording__officer__unit" if by_unit else "candidate__recording__officer"
    reviewed = _review_averages(since, until, key)
    compliance = {rate.key: rate for rate in
                  (rates.unit_rates if by_unit else rates.officer_rates)(since, until)}  # fmt: skip
    names = (rates.unit_names if by_unit else rates.officer_names)(
        {k for k in set(reviewed) | set(compliance) if k is not None}
    )
    rows = []
    for pk in set(reviewed) | set(compliance):
        rate = compliance.get(pk)
        review = reviewed.get(pk, {})
        average = review.get("average")
        rows.append(Evaluation(
            names.get(pk, "") if pk is not None else _("（未设单位）"), pk, review.get("n", 0),
            round(average, 1) if average is not None else None,
            rate.activities if rate else 0, rate.percent if rate else None,
        ))  # fmt: skip
    return sorted(rows, key=lambda e: (-(e.score or -1), e.name))


def headers(by_unit: bool) -> list[str]:
    first = _("单位") if by_unit else _("执法人员")
    extra = [] if by_unit else [_("本年评优评先资格（R-22）")]
    return [first, _("评查条数"), _("评查平均分"), _("应录像的执法活动"), _("合规率（%）"),
            _("综合得分"), _("等次"), *extra]  # fmt: skip


def rows(table: list[Evaluation], by_unit: bool) -> list[list]:
    ineligible = set() if by_unit else merit_ineligible_ids()
    shown = []
    for e in table:
        row = [e.name, e.reviews, _dash(e.review_average), e.activities, _dash(e.compliance),
               _dash(e.score), e.grade or "—"]  # fmt: skip
        if not by_unit:
            row.append(_("已取消") if e.key in ineligible else _("有"))
        shown.append(row)
    return shown


def _dash(value: float | None) -> object:
    return "—" if value is None else value
