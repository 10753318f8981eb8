"""The records office identifies a recording the files left unclear (待核实; R-02, R-07, R-13):
who made it, with which recorder and when. Refused for other roles and without a reason; the raw
values stay beside the identified ones; the link, deadline and rules follow; the original is
never touched."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bodycam.activities import lifecycle
from bodycam.ledger.entries import format_time
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings import identification, linking, timing
from bodycam.recordings.models import Recording, TimeSource
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from tests.api import field_errors, refused
from tests.compliance.scenes import BEIJING, segment
from tests.forms import local_input

pytestmark = pytest.mark.django_db

ARRIVED = timezone.now().replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def activity(officer, issued):
    return lifecycle.open_activity("investigation", [officer], ARRIVED, officer, devices=[issued])


@pytest.fixture
def unclear(tmp_path, activity):
    """Filmed on arrival by a recorder whose clock ran three hours slow, named with a serial and
    a badge nobody has: stored all the same, flagged 待核实, linked to nothing."""
    from bodycam.recordings.ingest import ingest_file

    slow = ARRIVED - timedelta(hours=3)
    name = f"ZZ99999_XX0001_{slow.astimezone(BEIJING):%Y%m%d%H%M%S}.MP4"
    made = segment(tmp_path, name, slow, 3)
    outcome = ingest_file(made, Given(), blob_store())
    recording = Recording.objects.get(pk=outcome.recording_id)
    assert recording.needs_review and recording.officer is None and recording.activity is None
    assert (recording.serial_raw, recording.badge_raw) == ("ZZ99999", "XX0001")
    return recording


def _stored_hash(recording) -> str:
    with blob_store().open(recording.sha256) as blob:
        return hashlib.sha256(blob.read()).hexdigest()


def test_the_records_office_identifies_officer_device_and_time_and_the_link_follows(
    records_clerk, officer, issued, activity, unclear
):
    raw = (unclear.serial_raw, unclear.badge_raw, unclear.recorded_at_raw)
    true_time = ARRIVED + timedelta(minutes=1)
    identification.identify_recording(
        unclear, records_clerk, "保管员确认当天由李明领用，记录仪时钟慢 3 小时",
        officer=officer, device=issued, recorded_at=true_time,
    )  # fmt: skip
    unclear.refresh_from_db()
    assert (unclear.officer, unclear.device, unclear.recorded_at) == (officer, issued, true_time)
    assert (unclear.serial_raw, unclear.badge_raw, unclear.recorded_at_raw) == raw
    assert unclear.time_source == TimeSource.CONFIRMED and not unclear.needs_review
    entry = LedgerEntry.objects.filter(
        action=Action.METADATA_CHANGE, subject_id=str(unclear.pk)
    ).get()
    assert entry.payload["event"] == "identified" and entry.actor_id == records_clerk.pk
    assert entry.payload["before"]["officer"] is None
    assert entry.payload["after"] == {
        "officer": officer.username, "device": issued.serial, "recorded_at": format_time(true_time),
    }  # fmt: skip
    assert entry.payload["reason"] == "保管员确认当天由李明领用，记录仪时钟慢 3 小时"
    assert unclear.activity == activity  # linked by the identified facts
    link = LedgerEntry.objects.filter(action=Action.LINK_CHANGE, subject_id=str(unclear.pk))
    assert link.order_by("seq").last().payload["how"] == "after identification"
    assert unclear.upload_deadline == timing.upload_deadline(true_time, activity)
    assert _stored_hash(unclear) == unclear.sha256


@pytest.mark.parametrize("who", ["officer", "head", "custodian"])
def test_other_roles_may_not_identify(request, who, officer, unclear):
    with pytest.raises(Refused) as refused_:
        identification.identify_recording(
            unclear, request.getfixturevalue(who), "理由", officer=officer
        )
    assert refused_.value.http_status == 403
    unclear.refresh_from_db()
    assert unclear.officer is None and unclear.needs_review


def test_identifying_needs_a_reason(records_clerk, officer, unclear):
    with pytest.raises(Refused) as refused_:
        identification.identify_recording(unclear, records_clerk, " ", officer=officer)
    assert refused_.value.code == "reason_required"
    assert not LedgerEntry.objects.filter(action=Action.METADATA_CHANGE).exists()


def test_a_time_after_the_file_was_taken_in_is_refused(records_clerk, unclear):
    later = unclear.ingested_at + timedelta(hours=1)
    with pytest.raises(Refused) as refused_:
        identification.identify_recording(unclear, records_clerk, "理由", recorded_at=later)
    assert refused_.value.code == "recorded_after_ingest"


def test_someone_who_is_no_officer_is_refused(records_clerk, head, unclear):
    with pytest.raises(Refused) as refused_:
        identification.identify_recording(unclear, records_clerk, "理由", officer=head)
    assert refused_.value.code == "not_an_officer"


def test_a_link_made_by_hand_stays_when_the_time_is_identified(
    records_clerk, officer, activity, unclear
):
    linking.link_by_hand(unclear, activity, records_clerk)
    earlier = ARRIVED - timedelta(days=1)
    identification.identify_recording(unclear, records_clerk, "理由", recorded_at=earlier)
    unclear.refresh_from_db()
    assert unclear.activity == activity
    assert unclear.upload_deadline == timing.upload_deadline(earlier, activity)


def test_an_earlier_true_time_never_shortens_retention(records_clerk, unclear):
    kept = unclear.retain_until
    earlier = unclear.recorded_at - timedelta(days=30)
    identification.identify_recording(
        unclear, records_clerk, "记录仪时钟快一个月", recorded_at=earlier
    )
    unclear.refresh_from_db()
    assert unclear.recorded_at == earlier and unclear.retain_until == kept


def test_identifying_through_the_api(records_clerk, officer, issued, unclear):
    api = APIClient()
    api.force_authenticate(records_clerk)
    url = f"/api/v1/recordings/{unclear.pk}/identify/"
    assert "reason" in field_errors(api.post(url, {"officer": "JX0227"}, format="json"))
    body = {"officer": "JX0227", "device": issued.serial, "reason": "保管员确认"}
    response = api.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["officer"] == "JX0227" and response.json()["needs_review"] is False
    assert response.json()["badge_raw"] == "XX0001"


def test_officers_are_refused_by_the_api_in_both_languages(officer, unclear):
    api = APIClient()
    api.force_authenticate(officer)
    url = f"/api/v1/recordings/{unclear.pk}/identify/"
    body = {"officer": "JX0227", "reason": "是我拍的"}
    refused(lambda **lang: api.post(url, body, format="json", **lang), 403)


def test_identifying_on_the_page(client, records_clerk, officer, issued, activity, unclear):
    client.force_login(records_clerk)
    detail = client.get(reverse("recording", args=[unclear.pk])).content.decode()
    assert "待综合科核实" in detail and reverse("recording-identify", args=[unclear.pk]) in detail
    url = reverse("recording-identify", args=[unclear.pk])
    form = {"officer": officer.pk, "device": issued.pk,
            "recorded_at": local_input(ARRIVED + timedelta(minutes=1))}  # fmt: skip
    missing = client.post(url, form)
    assert "理由" in missing.context["form"].errors["reason"][0]
    future = client.post(url, form | {"recorded_at": local_input(timezone.now() + timedelta(
        hours=2)), "reason": "r"})  # fmt: skip
    assert "晚于入库时间" in future.context["form"].errors["recorded_at"][0]
    page = client.post(url, form | {"reason": "保管员确认"}, follow=True).content.decode()
    assert "已核实" in page and "入库时存疑的事项（已核实）" in page and "李明" in page
    unclear.refresh_from_db()
    assert unclear.activity == activity


def test_officers_get_no_identification_page(client, officer, unclear):
    client.force_login(officer)
    assert client.get(reverse("recording-identify", args=[unclear.pk])).status_code == 403
