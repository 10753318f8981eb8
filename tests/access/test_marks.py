"""Marking what a recording shows (标注, R-10): only while holding a grant, each mark in the
ledger, found again by its tag in the list and the API."""

import pytest
from django.urls import reverse

from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings.marks import mark_content
from tests.access.conftest import grant

pytestmark = pytest.mark.django_db


def test_without_a_grant_nothing_can_be_marked(recording, officer, client, api):
    with pytest.raises(Refused) as refused:
        mark_content(recording, officer, "questioning", 1000)
    assert refused.value.code == "access_denied"
    client.force_login(officer)
    answer = client.post(reverse("recording-mark", args=[recording.pk]), {"tag": "questioning"})
    assert answer.status_code == 403
    api.force_authenticate(officer)
    answer = api.post(f"/api/v1/recordings/{recording.pk}/marks/", {}, format="json")
    assert answer.status_code == 403 and answer.json()["code"] == "access_denied"
    assert not recording.marks.exists()


def test_a_mark_is_a_ledger_entry_and_is_found_by_its_tag(
    recording, officer, head, custodian, api, records_clerk, client
):
    active = grant(officer, [recording], head, custodian)
    api.force_authenticate(officer)
    made = api.post(
        f"/api/v1/recordings/{recording.pk}/marks/",
        {"tag": "questioning", "start_ms": 1200, "end_ms": 2500, "note": "询问当事人"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    entry = LedgerEntry.objects.filter(action="tag_change").get()
    assert entry.payload["tag"] == "questioning" and entry.payload["grant"] == active.pk
    assert entry.actor_id == officer.pk
    listed = api.get(f"/api/v1/recordings/{recording.pk}/").json()["marks"]
    assert [(m["tag"], m["start_ms"], m["end_ms"]) for m in listed] == [("questioning", 1200, 2500)]
    assert api.get("/api/v1/recordings/?tag=questioning").json()["count"] == 1
    assert api.get("/api/v1/recordings/?tag=signing").json()["count"] == 0
    client.force_login(records_clerk)
    page = client.get(reverse("recordings"), {"tag": "questioning"}).content.decode()
    assert recording.original_name in page


def test_a_span_must_run_forward_and_lie_within_the_recording(recording, officer, head, custodian):
    grant(officer, [recording], head, custodian)
    for start, end in ((2000, 1000), (0, 60_000)):
        with pytest.raises(Refused) as refused:
            mark_content(recording, officer, "questioning", start, end)
        assert refused.value.code == "invalid_span"
    with pytest.raises(Refused) as refused:
        mark_content(recording, officer, "dancing", 0)
    assert refused.value.code == "invalid_tag"
    assert not recording.marks.exists()


def test_the_player_form_saves_a_mark_and_answers_in_json(
    recording, officer, head, custodian, client
):
    grant(officer, [recording], head, custodian)
    client.force_login(officer)
    answer = client.post(
        reverse("recording-mark", args=[recording.pk]),
        {"tag": "signing", "start_ms": "500", "end_ms": "", "note": "签字确认"},
    )
    assert answer.status_code == 201
    assert answer.json()["tag"] == "笔录等文书签字" and answer.json()["end_ms"] is None
    bad = client.post(reverse("recording-mark", args=[recording.pk]),
                      {"tag": "signing", "start_ms": "abc"})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["detail"]
