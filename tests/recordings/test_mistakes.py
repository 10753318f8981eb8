"""A mistaken upload (误传; R-14, R-18): the records office proposes, the head agrees, each step in
the ledger. Agreed, the file leaves every list and rule, its link and findings go, and its
bytes stay, unchanged, until retention allows disposal."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bodycam.access.queue import tasks_for
from bodycam.activities import lifecycle
from bodycam.compliance import engine
from bodycam.compliance.models import Finding, Status
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings import linking, mistakes
from bodycam.recordings.ingest import ingest_file
from bodycam.recordings.models import MistakeStatus, Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from tests.api import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def text_file(tmp_path, officer, issued):
    """A text file named like a recorder's clip, taken in with the officer's recorder."""
    path = tmp_path / "TA-007_JX0227_20261203093621.MP4"
    path.write_text("会议纪要：下周一例会。\n" * 40, encoding="utf-8")
    outcome = ingest_file(path, Given(officer=officer, device=issued), blob_store())
    return Recording.objects.get(pk=outcome.recording_id)


def _events(recording) -> list[str]:
    entries = LedgerEntry.objects.filter(
        action=Action.METADATA_CHANGE, subject_id=str(recording.pk)
    ).order_by("seq")
    return [e.payload["event"] for e in entries]


def _stored_hash(recording) -> str:
    with blob_store().open(recording.sha256) as blob:
        return hashlib.sha256(blob.read()).hexdigest()


def test_proposed_then_agreed_the_file_leaves_lists_and_rules_but_its_bytes_stay(
    records_clerk, head, officer, text_file
):
    activity = lifecycle.open_activity(
        "investigation", [officer], timezone.now() - timedelta(hours=1), officer
    )
    linking.link_by_hand(text_file, activity, records_clerk)
    engine.check_recording(text_file.pk)
    assert Finding.objects.filter(recording=text_file, status=Status.OPEN).exists()  # damaged
    proposal = mistakes.propose_mistaken(text_file, records_clerk, "这是会议纪要文本，改了扩展名")
    assert proposal.status == MistakeStatus.PROPOSED
    assert "待审批的误传" in [str(t.label) for t in tasks_for(head)]
    mistakes.decide_mistaken(proposal, head, approve=True)
    text_file.refresh_from_db()
    assert text_file.mistaken_at is not None and text_file.activity is None
    assert _events(text_file) == ["mistake_proposed", "mistake_approved"]
    engine.check_recording(text_file.pk)
    assert not Finding.objects.filter(recording=text_file, status=Status.OPEN).exists()
    api = APIClient()
    api.force_authenticate(records_clerk)
    listed = [r["id"] for r in api.get("/api/v1/recordings/").json()["results"]]
    assert text_file.pk not in listed
    mistaken = [r["id"] for r in api.get("/api/v1/recordings/?mistaken=1").json()["results"]]
    assert mistaken == [text_file.pk]
    assert api.get(f"/api/v1/recordings/{text_file.pk}/").status_code == 200
    assert text_file.retain_until is not None and text_file.disposed_at is None
    assert _stored_hash(text_file) == text_file.sha256  # the original is kept, unchanged
    with pytest.raises(Refused):
        linking.link_by_hand(text_file, activity, records_clerk)


def test_the_head_may_send_it_back_with_a_comment(records_clerk, head, text_file):
    proposal = mistakes.propose_mistaken(text_file, records_clerk, "不是录像")
    with pytest.raises(Refused) as refused_:
        mistakes.decide_mistaken(proposal, head, approve=False)
    assert refused_.value.code == "comment_required"
    mistakes.decide_mistaken(proposal, head, approve=False, comment="这是损坏的录像，不是误传")
    text_file.refresh_from_db()
    assert text_file.mistaken_at is None
    assert _events(text_file) == ["mistake_proposed", "mistake_rejected"]


@pytest.mark.parametrize("who", ["officer", "head", "custodian"])
def test_only_the_records_office_proposes(request, who, text_file):
    with pytest.raises(Refused) as refused_:
        mistakes.propose_mistaken(text_file, request.getfixturevalue(who), "理由")
    assert refused_.value.http_status == 403
    assert not text_file.mistakes.exists()


@pytest.mark.parametrize("who", ["records_clerk", "officer", "supervisor"])
def test_only_the_head_decides(request, who, records_clerk, text_file):
    proposal = mistakes.propose_mistaken(text_file, records_clerk, "理由")
    with pytest.raises(Refused) as refused_:
        mistakes.decide_mistaken(proposal, request.getfixturevalue(who), approve=True)
    assert refused_.value.http_status == 403
    text_file.refresh_from_db()
    assert text_file.mistaken_at is None


def test_a_proposal_needs_a_reason_and_only_one_waits_at_a_time(records_clerk, text_file):
    with pytest.raises(Refused) as refused_:
        mistakes.propose_mistaken(text_file, records_clerk, " ")
    assert refused_.value.code == "reason_required"
    mistakes.propose_mistaken(text_file, records_clerk, "不是录像")
    with pytest.raises(Refused) as refused_:
        mistakes.propose_mistaken(text_file, records_clerk, "再提一次")
    assert refused_.value.code == "already_proposed"


def test_evidence_is_never_a_mistaken_upload(records_clerk, text_file, head):
    from bodycam.evidence import cases

    case = cases.open_case("（2026）执罚字第 41 号", records_clerk, title="某案", retention="永久")
    cases.mark_evidence(case, [text_file], records_clerk, reason="证明现场情况")
    with pytest.raises(Refused) as refused_:
        mistakes.propose_mistaken(text_file, records_clerk, "不是录像")
    assert refused_.value.code == "evidence"


def test_through_the_api_each_role_in_turn(records_clerk, head, officer, text_file):
    api = APIClient()
    url = f"/api/v1/recordings/{text_file.pk}/mistaken/"
    api.force_authenticate(officer)
    refused(lambda **lang: api.post(url, {"reason": "r"}, format="json", **lang), 403)
    api.force_authenticate(records_clerk)
    response = api.post(url, {"reason": "文本文件"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "proposed"
    decide = f"{url}decide/"
    refused(lambda **lang: api.post(decide, {"approve": True}, format="json", **lang), 403)
    api.force_authenticate(head)
    response = api.post(decide, {"approve": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert api.post(decide, {"approve": True}, format="json").status_code == 404


def test_on_the_pages_the_records_office_proposes_and_the_head_agrees(
    client, records_clerk, head, text_file
):
    page_url = reverse("recording", args=[text_file.pk])
    client.force_login(records_clerk)
    assert "这不是音像记录（误传）" in client.get(page_url).content.decode()
    page = client.post(
        reverse("recording-mistaken", args=[text_file.pk]), {"reason": "会议纪要"}, follow=True
    ).content.decode()
    assert "已提出误传，等待主要负责人审批" in page and "会议纪要" in page
    client.force_login(head)
    queue = client.get(reverse("recordings") + "?mistaken=proposed").content.decode()
    assert text_file.original_name in queue
    page = client.post(
        reverse("recording-mistaken-decide", args=[text_file.pk]), {"decision": "approve"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "已确认误传" in page and "原始文件和监管链记录保留" in page
    listing = client.get(reverse("recordings")).content.decode()
    assert text_file.original_name not in listing
