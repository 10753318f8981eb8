"""Violation cases on the pages and through the API: escalating a review in one step, the
head's decision with a suspension that the person's page shows, the oversight office's
criticism, the to-do lists; wrong roles and bad requests refused with nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.access.queue import tasks_for
from bodycam.accountability import violations
from bodycam.accountability.models import CaseState, Sanction, ViolationCase
from bodycam.accountability.violations import Share
from bodycam.accounts.roles import Role
from bodycam.supervision import reviews
from tests.factories import UserFactory, api_key


@pytest.fixture
def oversight(db):
    return UserFactory(username="bwb", full_name="周编委", roles=[Role.OVERSIGHT])


def failed_review(started, people):
    candidate = started.candidates.filter(sampled=True, reviewer=people["sup_c"]).first()
    answers = {item.key: reviews.Given("pass") for item in reviews.review_items()}
    answers["conduct"] = reviews.Given("fail", "语言不文明")
    return reviews.submit_review(candidate, people["sup_c"], answers)


def todo(user) -> dict[str, int]:
    return {str(task.label): task.count for task in tasks_for(user)}


def test_a_review_escalated_decided_criticised_and_closed_on_the_pages(
    client, started, people, oversight
):
    review = failed_review(started, people)
    officer = review.candidate.recording.officer
    client.force_login(people["sup_c"])
    page = client.get(f"/supervision/{started.pk}/review/{review.candidate.recording_id}/")
    assert "立案追究执法过错" in page.content.decode()
    response = client.post(f"/supervision/reviews/{review.pk}/escalate/", {"category": "other"})
    case = ViolationCase.objects.get()
    assert response["Location"] == f"/accountability/{case.pk}/"
    assert case.facts == "语言不文明"
    assert todo(people["head"])["待作出决定的执法过错案件"] == 1

    client.force_login(people["head"])
    page = client.get(f"/accountability/{case.pk}/").content.decode()
    assert "作出追究决定" in page
    client.post(f"/accountability/{case.pk}/decide/", {
        "decision": "经查属实", f"sanction-{officer.pk}": Sanction.PUBLIC_CRITICISM,
        f"administrative-{officer.pk}": "",
    })  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    assert todo(oversight)["待发布的通报批评"] == 1

    client.force_login(oversight)
    share = case.responsibilities.get()
    client.post(f"/accountability/criticism/{share.pk}/", {"text": "对其不文明用语予以通报批评"})
    client.force_login(people["sup_c"])
    client.post(f"/accountability/{case.pk}/notify/")
    client.post(f"/accountability/{case.pk}/close/", {"text": "已执行"})
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert (
        "对其不文明用语予以通报批评" in client.get(f"/accountability/{case.pk}/").content.decode()
    )
    assert "待发布的通报批评" not in todo(oversight)


def test_the_person_page_shows_a_suspension_and_lost_merit(client, people):
    case = violations.open_case(people["sup_c"], "other", "事实", [Share(people["wang"])])
    violations.decide(case, people["head"], "属实",
                      {people["wang"].pk: violations.Decided(Sanction.SUSPENSION)})  # fmt: skip
    client.force_login(people["head"])
    page = client.get(f"/people/{people['wang'].pk}/").content.decode()
    assert "停止执法工作" in page and case.number in page


def test_an_overdue_decision_is_in_the_heads_to_do_list(people):
    case = violations.open_case(people["sup_c"], "other", "事实", [Share(people["wang"])])
    ViolationCase.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(days=1))
    assert todo(people["head"])["超过决定期限的执法过错案件"] == 1


def test_a_wrong_step_on_the_page_says_why_and_changes_nothing(client, people):
    case = violations.open_case(people["sup_c"], "other", "事实", [Share(people["wang"])])
    client.force_login(people["sup_c"])
    response = client.post(f"/accountability/{case.pk}/notify/", follow=True)
    assert "不能办理这一步" in response.content.decode()
    assert ViolationCase.objects.get().state == CaseState.INVESTIGATING
    client.force_login(people["wang"])
    assert client.get("/accountability/").status_code == 403


def api(client, user, method, path, body=None, language="zh-hans"):
    return getattr(client, method)(
        f"/api/v1/accountability/cases/{path}", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {api_key(user)}", HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip


def test_the_api_opens_decides_and_issues_the_criticism(client, people, oversight):
    body = {"category": "leaked", "facts": "外传视频",
            "people": [{"username": "wang", "part": "handler"},
                       {"username": "li", "part": "approver"}]}  # fmt: skip
    made = api(client, people["sup_c"], "post", "", body)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    decided = api(client, people["head"], "post", f"{pk}/decide/", {
        "decision": "属实", "sanctions": [
            {"username": "wang", "sanction": "public_criticism", "administrative": "demerit"},
            {"username": "li", "sanction": "self_criticism"}]})  # fmt: skip
    assert decided.status_code == 200, decided.content
    people_ = {p["username"]: p for p in decided.json()["people"]}
    assert people_["wang"]["administrative"] == "demerit"
    issued = api(
        client, oversight, "post", f"{pk}/criticism/", {"username": "wang", "text": "通报"}
    )
    assert issued.status_code == 200
    assert {p["username"]: bool(p["criticism_at"]) for p in issued.json()["people"]}["wang"]


@pytest.mark.parametrize(
    ("who", "path", "body", "status", "code"),
    [
        ("wang", "", {"category": "other", "facts": "x"}, 403, None),
        ("sup_c", "", {"category": "eighth"}, 400, "invalid_choice"),
        (
            "sup_c",
            "",
            {"category": "other", "facts": "x", "people": [{"username": "ghost"}]},
            400,
            "not_found",
        ),
        ("sup_c", "", {"category": "other", "facts": "x"}, 400, "people_required"),
        (
            "sup_c",
            "",
            {
                "category": "other",
                "facts": "x",
                "people": [{"username": "wang"}],
                "ledger_seqs": [999999],
            },
            400,
            "not_found",
        ),
    ],
)
def test_bad_or_unpermitted_openings_are_refused(client, people, who, path, body, status, code):
    response = api(client, people[who], "post", path, body, language="en")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
    assert not ViolationCase.objects.exists()


def test_a_decision_naming_someone_not_in_the_case_is_refused(client, people):
    case = violations.open_case(people["sup_c"], "other", "事实", [Share(people["wang"])])
    body = {"decision": "属实", "sanctions": [{"username": "zhao", "sanction": "suspension"}]}
    response = api(client, people["head"], "post", f"{case.pk}/decide/", body)
    assert response.status_code == 400 and response.json()["code"] == "not_named"
    assert ViolationCase.objects.get().state == CaseState.INVESTIGATING


def test_lost_merit_eligibility_shows_in_the_people_export(client, people):
    from tests.test_exports import _sheet

    case = violations.open_case(people["sup_c"], "other", "事实", [Share(people["wang"])])
    violations.decide(case, people["head"], "属实",
                      {people["wang"].pk: violations.Decided(Sanction.MERIT_LOSS)})  # fmt: skip
    client.force_login(people["head"])
    rows = {row[4]: row[6] for row in _sheet(client.get("/people/export.xlsx"))[1:]}
    assert rows["wang"] == "已取消" and rows["li"] == "有"
