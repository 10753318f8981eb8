"""The edges of the viewing rules: what leaves the bureau, who may decide what, what people not
cleared for state secrets learn (nothing), and what is written in the ledger when."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bodycam.access import requests as workflow
from bodycam.access import secrecy
from bodycam.access.content import content_url
from bodycam.access.copies import make_copy
from bodycam.access.levels import SecrecyLevel
from bodycam.access.models import CopyState, RequestState, ViewingRequest
from bodycam.access.queue import tasks_for
from bodycam.ledger.models import LedgerEntry
from bodycam.lib import fonts, pdf
from bodycam.lib.errors import Refused
from tests.access.conftest import COURT, grant

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _downloads() -> int:
    return LedgerEntry.objects.filter(action="download").count()


def test_an_outside_party_gets_the_watermarked_copy_never_the_original_whatever_the_route(
    recording, records_clerk, head, custodian
):
    request = workflow.submit_request(
        records_clerk, recordings=[recording.pk], route="litigation", reason="律师调取",
        rights=["view", "download"], outside=COURT,
    )  # fmt: skip
    workflow.approve(request, head)
    active = workflow.register(request, custodian)
    assert not active.gives_original and active.gives_copy
    client = _client(records_clerk)
    assert client.get(content_url(records_clerk, active, recording, "original")).status_code == 403
    copy = make_copy(active.provided_copies.get())
    assert copy.state == CopyState.MADE
    assert client.get(content_url(records_clerk, active, recording, "copy")).status_code == 200


def test_the_clerk_who_filed_for_an_outside_party_does_not_register_it(
    recording, records_clerk, head
):
    request = workflow.submit_request(records_clerk, recordings=[recording.pk], route="external",
                                      reason="法院调取", outside=COURT)  # fmt: skip
    workflow.approve(request, head)
    with pytest.raises(Refused) as refused:
        workflow.register(request, records_clerk)
    assert refused.value.code == "own_request"
    assert not any("待登记" in str(t.label) for t in tasks_for(records_clerk))


def test_a_download_is_ledgered_however_its_first_byte_is_asked_for_and_a_head_is_not(
    recording, records_clerk, head, custodian
):
    active = grant(records_clerk, [recording], head, custodian, route="litigation",
                   rights=["view", "download"])  # fmt: skip
    url = content_url(records_clerk, active, recording, "original")
    client = _client(records_clerk)
    for header in ("bytes=00-", f"bytes=-{recording.size * 10}", "bytes=0-99"):
        before = _downloads()
        answer = client.get(url, HTTP_RANGE=header)
        assert answer.status_code == 206
        assert _downloads() == before + 1, header
    before = _downloads()
    assert client.get(url, HTTP_RANGE="bytes=100-199").status_code == 206
    assert client.head(url).status_code == 200
    assert _downloads() == before


@pytest.fixture
def state_secret(recording, head, officer, custodian, secrecy_officer):
    """A registered grant for the officer on a recording since raised to state secret."""
    active = grant(officer, [recording], head, custodian)
    secrecy.set_clearance(officer, SecrecyLevel.STATE_SECRET, secrecy_officer, "经审查")
    secrecy.change_secrecy(recording, SecrecyLevel.STATE_SECRET, secrecy_officer, "涉密")
    return active


def test_people_not_cleared_learn_nothing_of_a_state_secret_recording(
    state_secret, recording, auditor, custodian, head, api
):
    for person in (auditor, custodian, head):
        api.force_authenticate(person)
        for listing in ("requests", "register", "secrecy-changes"):
            answer = api.get(f"/api/v1/access/{listing}/")
            # nothing listed, or (the custodian sees no recordings at all) not permitted
            assert answer.json().get("count", 0) == 0, (person, listing)
            assert answer.status_code in (200, 403)
        page = _client(person).get(reverse("viewing-register")).content.decode()
        assert recording.original_name not in page
        assert (
            _client(person).get(reverse("viewing-request", args=[state_secret.pk])).status_code
            == 404
        )


def test_a_level_raised_after_approval_needs_a_new_secrecy_approval_then_plays_again(
    recording, officer, head, custodian, secrecy_officer
):
    active = grant(officer, [recording], head, custodian)
    secrecy.change_secrecy(recording, SecrecyLevel.PERSONAL_PRIVACY, head, "涉及个人隐私")
    recording.refresh_from_db()
    assert workflow.active_grant(officer, recording) is None
    assert any("待审批" in str(t.label) for t in tasks_for(secrecy_officer))
    workflow.approve(active, secrecy_officer, "同意")
    assert workflow.active_grant(officer, recording) == active
    secrecy.change_secrecy(recording, SecrecyLevel.COMMERCIAL_SECRET, head, "涉及商业秘密")
    recording.refresh_from_db()
    assert workflow.active_grant(officer, recording) is None  # approved for privacy only
    assert ViewingRequest.objects.get(pk=active.pk).state == RequestState.REGISTERED


def test_a_state_secret_request_is_decided_only_by_someone_cleared(
    recording, officer, head, secrecy_officer
):
    secrecy.set_clearance(officer, SecrecyLevel.STATE_SECRET, secrecy_officer, "经审查")
    secrecy.change_secrecy(recording, SecrecyLevel.STATE_SECRET, head, "涉密")
    officer.refresh_from_db()
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work", reason="x")
    with pytest.raises(Refused) as refused:
        workflow.approve(request, head)
    assert refused.value.code == "not_cleared"
    secrecy.set_clearance(head, SecrecyLevel.STATE_SECRET, secrecy_officer, "经审查")
    head.refresh_from_db()
    assert workflow.approve(request, head).head_decided_by == head


def test_register_numbers_count_on_past_99999(recording, officer, head, custodian):
    first = grant(officer, [recording], head, custodian)
    year = timezone.localtime().year
    ViewingRequest.objects.filter(pk=first.pk).update(number=f"{year}-99999")
    assert grant(officer, [recording], head, custodian).number == f"{year}-100000"
    assert grant(officer, [recording], head, custodian).number == f"{year}-100001"


def test_without_a_chinese_font_the_pdf_is_refused_with_a_reason_and_nothing_is_ledgered(
    recording, officer, head, custodian, auditor, api, monkeypatch, settings
):
    grant(officer, [recording], head, custodian)
    settings.PDF_FONT = ""
    monkeypatch.setattr(fonts, "CANDIDATES", ())  # a machine without fonts-wqy-microhei
    pdf.chinese_font.cache_clear()
    try:
        api.force_authenticate(auditor)
        answer = api.get("/api/v1/access/register/?format=pdf", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        pdf.chinese_font.cache_clear()
    assert answer.status_code == 503 and answer.json()["code"] == "no_font"
    assert "fonts-wqy-microhei" in answer.json()["detail"]
    assert not LedgerEntry.objects.filter(action="export").exists()


def test_opening_the_player_writes_nothing_until_it_plays(recording, officer, head, custodian):
    grant(officer, [recording], head, custodian)
    client = _client(officer)
    assert client.get(reverse("recording-play", args=[recording.pk])).status_code == 200
    assert not LedgerEntry.objects.filter(action="view").exists()  # another site's <img> cannot
    started = client.post(reverse("playback-start", args=[recording.pk]))
    assert started.status_code == 201
    assert LedgerEntry.objects.filter(action="view").get().payload["event"] == "started"
    assert client.post(started.json()["end_url"]).status_code == 204


def test_the_same_refusal_again_within_a_minute_is_not_written_twice(recording, officer):
    client = _client(officer)
    url = reverse("recording-proxy", args=[recording.pk])
    for _ in range(5):
        assert client.get(url).status_code == 403
    assert LedgerEntry.objects.filter(action="access_denied", actor_id=officer.pk).count() == 1


def test_a_colleagues_recording_granted_through_an_activity_can_be_marked(
    recording, officer, head, custodian, db
):
    from datetime import timedelta

    from bodycam.activities import lifecycle
    from bodycam.recordings.models import Recording
    from tests.factories import UserFactory

    colleague = UserFactory(roles=["officer"])
    activity = lifecycle.open_activity("routine_inspection", [officer, colleague],
                                       timezone.now() - timedelta(hours=1), officer)  # fmt: skip
    Recording.objects.filter(pk=recording.pk).update(activity=activity)
    request = workflow.submit_request(colleague, activity=activity.pk, route="work", reason="复核")
    workflow.approve(request, head)
    workflow.register(request, custodian)
    answer = _client(colleague).post(reverse("recording-mark", args=[recording.pk]),
                                     {"tag": "questioning", "start_ms": "100"})  # fmt: skip
    assert answer.status_code == 201
