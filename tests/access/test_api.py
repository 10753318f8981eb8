"""The viewing workflow through the API, as a program at a collection station or a case system
would drive it: the same rules, stable codes, errors in the request's language."""

import io

import pytest
from openpyxl import load_workbook

from bodycam.access.levels import SecrecyLevel
from bodycam.ledger.models import LedgerEntry
from tests.access.conftest import grant

pytestmark = pytest.mark.django_db


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_request_approve_register_then_the_grant_is_listed(
    api, recording, officer, head, custodian
):
    made = _as(api, officer).post(
        "/api/v1/access/requests/",
        {"recordings": [recording.pk], "route": "work", "reason": "核实投诉", "hours": 4},
        format="json",
    )
    assert made.status_code == 201, made.json()
    number = made.json()["id"]
    assert made.json()["state"] == "submitted"
    own = _as(api, officer).post(f"/api/v1/access/requests/{number}/register/", {}, format="json")
    assert own.status_code == 403  # an officer registers nothing
    approved = _as(api, head).post(
        f"/api/v1/access/requests/{number}/approve/", {"comment": "同意"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    registered = _as(api, custodian).post(
        f"/api/v1/access/requests/{number}/register/", {}, format="json"
    )
    assert registered.status_code == 200 and registered.json()["active"] is True
    grants = _as(api, officer).get("/api/v1/access/grants/").json()
    assert [g["id"] for g in grants["results"]] == [number]
    assert grants["results"][0]["recordings"] == [recording.pk]


def test_a_whole_activity_can_be_asked_for(api, recording, officer):
    from datetime import timedelta

    from django.utils import timezone

    from bodycam.activities import lifecycle
    from bodycam.recordings.models import Recording

    activity = lifecycle.open_activity(
        "routine_inspection", [officer], timezone.now() - timedelta(hours=1), officer
    )
    Recording.objects.filter(pk=recording.pk).update(activity=activity)
    made = _as(api, officer).post(
        "/api/v1/access/requests/",
        {"activity": activity.pk, "route": "work", "reason": "复核"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["recordings"] == [recording.pk]


def test_the_head_cannot_approve_their_own_request_and_is_told_why_in_english(api, recording, head):
    made = _as(api, head).post(
        "/api/v1/access/requests/",
        {"recordings": [recording.pk], "route": "work", "reason": "x"},
        format="json",
    )
    answer = _as(api, head).post(
        f"/api/v1/access/requests/{made.json()['id']}/approve/", {}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["code"] == "own_request"
    assert "own" in answer.json()["detail"]


def test_bad_bodies_get_a_400_naming_the_problem(api, recording, officer):
    for body in (
        {"route": "work", "reason": "x"},  # neither recordings nor activity
        {"recordings": [recording.pk], "route": "holiday", "reason": "x"},
        {"recordings": [recording.pk], "route": "work", "reason": "x", "hours": 10**6},
        {"recordings": ["abc"], "route": "work", "reason": "x"},
    ):
        answer = _as(api, officer).post("/api/v1/access/requests/", body, format="json")
        assert answer.status_code == 400, body
        assert answer.json()["code"] and answer.json()["detail"]


def test_someone_elses_request_is_not_found(api, recording, officer, db):
    from tests.factories import UserFactory

    made = _as(api, officer).post(
        "/api/v1/access/requests/",
        {"recordings": [recording.pk], "route": "work", "reason": "x"},
        format="json",
    )
    colleague = UserFactory(roles=["officer"])
    answer = _as(api, colleague).get(f"/api/v1/access/requests/{made.json()['id']}/")
    assert answer.status_code == 404
    assert _as(api, colleague).get(f"/api/v1/access/requests/{10**9}/").status_code == 404


def test_the_recording_lists_where_its_content_is_with_or_without_a_grant(
    api, recording, officer, head, custodian, client
):
    plain = _as(api, officer).get(f"/api/v1/recordings/{recording.pk}/").json()
    assert set(plain["content"]) == {"proxy_url", "original_url", "strip_url", "thumbnail_url"}
    assert "?t=" not in plain["content"]["proxy_url"]
    assert {d["kind"] for d in plain["derived"]} == {"proxy", "strip", "thumbnail"}
    assert plain["processing"]["state"] in ("queued", "done")
    client.force_login(officer)
    refused = client.get(plain["content"]["proxy_url"])
    assert refused.status_code == 403 and refused.json()["code"] == "access_denied"
    grant(officer, [recording], head, custodian)
    signed = _as(api, officer).get(f"/api/v1/recordings/{recording.pk}/").json()["content"]
    assert "?t=" in signed["proxy_url"] and "?t=" not in signed["original_url"]
    assert client.get(signed["proxy_url"]).status_code == 200


def test_a_program_fetches_content_with_its_api_token(recording, officer, head, custodian):
    from django.test import Client

    from bodycam.access.content import content_url
    from tests.factories import api_key

    active = grant(officer, [recording], head, custodian)
    url = content_url(officer, active, recording, "proxy")
    program = Client(HTTP_AUTHORIZATION=f"Token {api_key(officer)}")
    answer = program.get(url, HTTP_RANGE="bytes=0-7")
    assert answer.status_code == 206 and len(b"".join(answer.streaming_content)) == 8


def test_the_register_exports_as_xlsx_and_pdf_each_a_ledger_entry(
    api, recording, officer, head, custodian, auditor
):
    active = grant(officer, [recording], head, custodian)
    rows = _as(api, auditor).get("/api/v1/access/register/").json()
    assert [row["number"] for row in rows["results"]] == [active.number]
    sheet = _as(api, auditor).get("/api/v1/access/register/?format=xlsx")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content)).active
    header = [cell.value for cell in book[1]]
    assert header[:4] == ["登记号", "查阅人", "单位及证件号/警号", "查阅内容"]
    assert book.cell(2, 1).value == active.number and "李明" in book.cell(2, 2).value
    pdf = _as(api, auditor).get("/api/v1/access/register/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"FontFile2" in pdf.content  # the Chinese font is embedded
    exports = LedgerEntry.objects.filter(action="export", actor_id=auditor.pk)
    assert sorted(e.payload["format"] for e in exports) == ["pdf", "xlsx"]
    assert _as(api, officer).get("/api/v1/access/register/").status_code == 403


def test_secrecy_changes_and_clearances_through_the_api(
    api, recording, head, records_clerk, secrecy_officer
):
    raised = _as(api, records_clerk).post(
        "/api/v1/access/secrecy-changes/",
        {"recording": recording.pk, "level": SecrecyLevel.STATE_SECRET, "reason": "涉密"},
        format="json",
    )
    assert raised.status_code == 201 and raised.json()["state"] == "applied"
    assert _as(api, records_clerk).get(f"/api/v1/recordings/{recording.pk}/").status_code == 404
    refused = _as(api, records_clerk).post(
        "/api/v1/access/clearances/",
        {"user": records_clerk.username, "level": 3, "reason": "x"},
        format="json",
    )
    assert refused.status_code == 403
    cleared = _as(api, secrecy_officer).post(
        "/api/v1/access/clearances/",
        {"user": records_clerk.username, "level": 3, "reason": "经保密审查"},
        format="json",
    )
    assert cleared.status_code == 200 and cleared.json()["clearance"] == 3
    records_clerk.refresh_from_db()
    assert _as(api, records_clerk).get(f"/api/v1/recordings/{recording.pk}/").status_code == 200


def test_a_denial_says_why_in_its_comment(api, recording, officer, head):
    made = (
        _as(api, officer)
        .post(
            "/api/v1/access/requests/",
            {"recordings": [recording.pk], "route": "work", "reason": "x"},
            format="json",
        )
        .json()
    )
    url = f"/api/v1/access/requests/{made['id']}/deny/"
    silent = _as(api, head).post(url, {}, format="json")
    assert silent.status_code == 400 and silent.json()["code"] == "opinion_required"
    denied = _as(api, head).post(url, {"comment": "事由不充分"}, format="json").json()
    assert denied["state"] == "denied" and denied["head_opinion"] == "事由不充分"
    assert (
        _as(api, officer).get(f"/api/v1/access/requests/{made['id']}/").json()["status"] == "未批准"
    )
