"""The viewing workflow (R-16 .. R-19): each step by the right person, in order, with its ledger
entry; nobody decides their own request; the window opens at registration and closes on time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.access import requests as workflow
from bodycam.access import secrecy
from bodycam.access.levels import SecrecyLevel
from bodycam.access.models import Playback, RequestState, ViewingRequest
from bodycam.access.playback import end_playback, start_playback
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording
from tests.access.conftest import grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _events(request: ViewingRequest) -> list[str]:
    entries = LedgerEntry.objects.filter(subject_kind="viewingrequest", subject_id=str(request.pk))
    return [entry.payload["event"] for entry in entries.order_by("seq")]


def test_a_request_goes_from_submitted_to_an_active_grant_with_a_ledger_entry_per_step(
    recording, officer, head, custodian
):
    request = workflow.submit_request(
        officer, recordings=[recording.pk], route="work", reason="核实投诉", hours=2
    )
    assert request.state == RequestState.SUBMITTED
    assert workflow.active_grant(officer, recording) is None
    workflow.approve(request, head, "同意查看")
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert workflow.active_grant(officer, recording) is None  # approved is not yet registered
    workflow.register(request, custodian)
    request.refresh_from_db()
    assert request.state == RequestState.REGISTERED and request.is_active
    assert request.number == f"{timezone.localtime().year}-00001"
    assert request.ends_at - request.starts_at == timedelta(hours=2)
    assert workflow.active_grant(officer, recording) == request
    assert _events(request) == ["submitted", "approved", "registered"]


def test_register_numbers_follow_each_other(recording, officer, head, custodian):
    numbers = [grant(officer, [recording], head, custodian).number for _ in range(3)]
    year = timezone.localtime().year
    assert numbers == [f"{year}-00001", f"{year}-00002", f"{year}-00003"]


def test_nobody_approves_their_own_request_not_even_the_head(recording, head, records_clerk):
    request = workflow.submit_request(head, recordings=[recording.pk], route="work", reason="x")
    with pytest.raises(Refused) as refused:
        workflow.approve(request, head)
    assert refused.value.code == "own_request"
    assert ViewingRequest.objects.get(pk=request.pk).state == RequestState.SUBMITTED


def test_only_the_head_or_a_delegated_deputy_approves(recording, officer, supervisor, settings):
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work", reason="x")
    with pytest.raises(Refused) as refused:
        workflow.approve(request, supervisor)
    assert refused.value.http_status == 403
    settings.VIEWING_DEPUTIES = [supervisor.username]
    assert workflow.approve(request, supervisor).state == RequestState.APPROVED


def test_a_denial_needs_an_opinion_and_ends_the_request(recording, officer, head, custodian):
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work", reason="x")
    with pytest.raises(Refused):
        workflow.deny(request, head, "  ")
    workflow.deny(request, head, "事由不充分")
    with pytest.raises(Refused) as refused:
        workflow.register(request, custodian)
    assert refused.value.code == "already_decided"
    assert _events(request) == ["submitted", "denied"]


def test_an_unapproved_request_cannot_be_registered(recording, officer, custodian):
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work", reason="x")
    with pytest.raises(Refused) as refused:
        workflow.register(request, custodian)
    assert refused.value.code == "not_approved"


def test_a_request_needs_a_reason_and_a_window_within_the_limit(recording, officer, settings):
    with pytest.raises(Refused) as refused:
        workflow.submit_request(officer, recordings=[recording.pk], route="work", reason=" ")
    assert refused.value.code == "reason_required"
    settings.VIEWING_MAX_HOURS = 48
    with pytest.raises(Refused) as refused:
        workflow.submit_request(
            officer, recordings=[recording.pk], route="work", reason="x", hours=49
        )
    assert refused.value.code == "invalid_hours"
    assert not ViewingRequest.objects.exists()


def test_someone_elses_recording_cannot_be_requested_by_an_officer(recording, db):
    colleague = UserFactory(roles=["officer"])
    with pytest.raises(Refused) as refused:
        workflow.submit_request(colleague, recordings=[recording.pk], route="work", reason="x")
    assert refused.value.http_status == 404


def test_an_activity_request_covers_all_its_recordings(recording, officer, head, custodian):
    from bodycam.activities import lifecycle

    activity = lifecycle.open_activity(
        "routine_inspection", [officer], timezone.now() - timedelta(hours=1), officer
    )
    Recording.objects.filter(pk=recording.pk).update(activity=activity)
    request = workflow.submit_request(officer, activity=activity.pk, route="work", reason="x")
    assert list(request.recordings.all()) == [recording]
    assert request.activity == activity


def test_officers_may_not_ask_for_copies_r13(recording, officer):
    with pytest.raises(Refused) as refused:
        workflow.submit_request(
            officer, recordings=[recording.pk], route="litigation", reason="x",
            rights=["view", "download"],
        )  # fmt: skip
    assert refused.value.code == "download_not_allowed"


def test_work_viewing_is_never_a_download(recording, records_clerk):
    with pytest.raises(Refused) as refused:
        workflow.submit_request(
            records_clerk, recordings=[recording.pk], route="work", reason="x",
            rights=["view", "download"],
        )  # fmt: skip
    assert refused.value.code == "download_not_allowed"


def test_outside_requests_are_filed_by_the_records_office_with_letter_and_id(
    recording, records_clerk, officer
):
    outside = workflow.Outside(
        body="court", name="刘法官", unit="某区人民法院", letter_number="（2026）调字第 12 号",
        id_number="110101199001011234",
    )  # fmt: skip
    with pytest.raises(Refused) as refused:
        workflow.submit_request(
            officer, recordings=[recording.pk], route="litigation", reason="x", outside=outside
        )
    assert refused.value.http_status == 403
    with pytest.raises(Refused) as refused:
        workflow.submit_request(records_clerk, recordings=[recording.pk], route="external",
                                reason="x")  # fmt: skip
    assert refused.value.code == "outside_details_required"
    request = workflow.submit_request(
        records_clerk, recordings=[recording.pk], route="litigation", reason="案件审理",
        rights=["view", "download"], outside=outside,
    )  # fmt: skip
    assert request.viewer_label == "刘法官" and request.download
    assert request.letter_number == "（2026）调字第 12 号"


def test_revoking_ends_the_grant_at_once(recording, officer, head, custodian):
    active = grant(officer, [recording], head, custodian)
    with pytest.raises(Refused):
        workflow.revoke(active, head, "")
    workflow.revoke(active, head, "情况已核实")
    assert workflow.active_grant(officer, recording) is None
    assert _events(active)[-1] == "revoked"


def test_a_grant_expires_when_its_window_ends(recording, officer, head, custodian):
    active = grant(officer, [recording], head, custodian, hours=1)
    ViewingRequest.objects.filter(pk=active.pk).update(ends_at=timezone.now())
    active.refresh_from_db()
    assert workflow.active_grant(officer, recording) is None
    assert active.status_label == "已过期"


def test_above_ordinary_a_second_approval_by_another_person_is_needed_r19(
    recording, officer, head, custodian, secrecy_officer
):
    secrecy.change_secrecy(recording, SecrecyLevel.PERSONAL_PRIVACY, head, "涉及个人隐私")
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work", reason="x")
    workflow.approve(request, head)
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED  # still waiting for the secrecy officer
    with pytest.raises(Refused) as refused:
        workflow.approve(request, head)
    assert refused.value.code == "awaiting_secrecy"
    workflow.approve(request, secrecy_officer, "同意，仅限在线查看")
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    workflow.register(request, custodian)
    assert workflow.active_grant(officer, recording) == request
    assert _events(request) == ["submitted", "approved", "secrecy_approved", "registered"]


def test_a_level_raised_after_approval_needs_the_secrecy_officer_before_viewing(
    recording, officer, head, custodian
):
    active = grant(officer, [recording], head, custodian)
    secrecy.change_secrecy(recording, SecrecyLevel.COMMERCIAL_SECRET, head, "涉及商业秘密")
    recording.refresh_from_db()
    with pytest.raises(Refused) as refused:
        workflow.grant_for(officer, recording)
    assert "保密员" in refused.value.text()
    assert active.state == RequestState.REGISTERED


def test_lowering_a_level_waits_for_the_head_and_the_secrecy_officer(
    recording, head, records_clerk, secrecy_officer
):
    secrecy.change_secrecy(recording, SecrecyLevel.STATE_SECRET, records_clerk, "涉密")
    recording.refresh_from_db()
    assert recording.secrecy == SecrecyLevel.STATE_SECRET  # raising is immediate
    change = secrecy.change_secrecy(recording, SecrecyLevel.ORDINARY, records_clerk, "已解密")
    recording.refresh_from_db()
    assert recording.secrecy == SecrecyLevel.STATE_SECRET
    with pytest.raises(Refused):
        secrecy.approve_lowering(change, records_clerk)  # the proposer is not an approver
    secrecy.approve_lowering(change, head)
    recording.refresh_from_db()
    assert recording.secrecy == SecrecyLevel.STATE_SECRET
    secrecy.approve_lowering(change, secrecy_officer)
    recording.refresh_from_db()
    assert recording.secrecy == SecrecyLevel.ORDINARY
    events = LedgerEntry.objects.filter(subject_kind="recording", subject_id=str(recording.pk))
    assert [e.payload.get("event") for e in events.order_by("seq")][-4:] == [
        "secrecy_raised", "secrecy_lowering_proposed", "secrecy_lowering_approved",
        "secrecy_lowered",
    ]  # fmt: skip


def test_each_playback_is_a_view_entry_from_start_to_end(recording, officer, head, custodian):
    active = grant(officer, [recording], head, custodian)
    playback = start_playback(officer, active, recording)
    end_playback(playback, officer)
    end_playback(playback, officer)  # the page may say so twice: one end
    views = LedgerEntry.objects.filter(action="view", subject_id=str(recording.pk)).order_by("seq")
    assert [v.payload["event"] for v in views] == ["started", "ended"]
    ended = views.last().payload
    assert ended["grant"] == active.pk and ended["register_number"] == active.number
    assert ended["started"] < ended["ended"]
    assert Playback.objects.get().ended_at is not None
