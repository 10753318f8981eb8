"""执法质量考评: review averages and compliance rates combined by the documented weights, per
officer and per unit, on the page, as .xlsx and as a Chinese PDF."""

import subprocess

from bodycam.supervision import reviews
from bodycam.supervision.evaluation import Evaluation, evaluate
from bodycam.supervision.models import Review
from tests.test_exports import _sheet


def review_all(started, people, fail_first: bool = True) -> None:
    for n, candidate in enumerate(
        started.candidates.filter(sampled=True).select_related("reviewer")
    ):
        answers = {item.key: reviews.Given("pass") for item in reviews.review_items()}
        if fail_first and n == 0:
            answers["content"] = reviews.Given("fail", "缺少告知")
        reviews.submit_review(candidate, candidate.reviewer, answers)


def test_the_score_combines_the_parts_by_their_weights_or_takes_the_one_there_is(settings):
    settings.EVALUATION_REVIEW_WEIGHT, settings.EVALUATION_COMPLIANCE_WEIGHT = 60, 40
    both = Evaluation("王", 1, 2, 90.0, 10, 80.0)
    assert both.score == 86.0 and both.grade == "合格"  # (60 × 90 + 40 × 80) / 100
    assert Evaluation("李", 2, 1, 95.0, 0, None).score == 95.0
    assert Evaluation("赵", 3, 0, None, 4, 50.0).grade == "不合格"
    assert Evaluation("钱", 4, 0, None, 0, None).score is None


def test_each_officers_review_average_is_their_reviews_mean(started, people, day):
    review_all(started, people)
    table = {e.name: e for e in evaluate(day, day.replace(year=day.year + 1))}
    for person in ("wang", "li", "zhao"):
        theirs = Review.objects.filter(candidate__recording__officer=people[person])
        expected = round(sum(r.score for r in theirs) / theirs.count(), 1)
        row = table[people[person].display_name]
        assert (row.reviews, row.review_average, row.score) == (theirs.count(), expected, expected)


def test_per_unit_and_the_exports(client, started, people, day, squads):
    review_all(started, people)
    until = day.replace(year=day.year + 1)
    units = {e.name: e for e in evaluate(day, until, by_unit=True)}
    squad_a = Review.objects.filter(candidate__recording__officer__unit=squads["A"])
    assert units["一中队"].reviews == squad_a.count() == 3
    client.force_login(people["head"])
    query = f"?since={day.isoformat()}&until={until.isoformat()}&by=unit"
    assert "综合得分" in client.get(f"/supervision/evaluation/{query}").content.decode()
    sheet = _sheet(client.get(f"/supervision/evaluation/{query}&format=xlsx"))
    assert sheet[0][0] == "单位" and {row[0] for row in sheet[1:]} == {"一中队", "二中队"}
    response = client.get(f"/supervision/evaluation/{query}&format=pdf")
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert "执法质量考评" in text and "一中队" in text


def test_a_bad_date_is_explained_and_officers_are_refused(client, people):
    client.force_login(people["sup_a"])
    response = client.get("/supervision/evaluation/?since=2026-13-40")
    assert response.status_code == 200 and "不是有效的日期" in response.content.decode()
    client.force_login(people["wang"])
    assert client.get("/supervision/evaluation/").status_code == 403
