"""One rule for who reads which custody entries, the same on the pages and in the API: whoever
may see an object's facts sees its custody history; the head and auditors see everything;
everyone else also sees their own actions."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.ledger.models import LedgerEntry
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from tests import media
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROLES = ["officer", "custodian", "records_clerk", "head", "supervisor", "oversight", "auditor",
         "administrator", "stranger"]  # fmt: skip


@pytest.fixture
def stranger(db):
    return UserFactory(username="other_officer", roles=["officer"])


@pytest.fixture
def subjects(tmp_path, officer, custodian, issued, records_clerk):
    """A device, an activity and a recording, each with a history made by several people."""
    start = timezone.now() - timedelta(hours=2)
    activity = lifecycle.open_activity("investigation", [officer], start, officer, devices=[issued])
    lifecycle.close_activity(activity, start + timedelta(hours=1), officer)
    exemptions.file_exemption(activity, "emergency", "依据", "事实", officer)
    clip = media.make_mp4(tmp_path / "TA-007_JX0227_20261120093621.MP4")
    list(ingest_paths([clip], Given(actor=records_clerk)))
    return {"device": issued, "activity": activity, "recording": Recording.objects.get()}


PAGES = {"device": "/devices/{}/", "activity": "/activities/{}/", "recording": "/recordings/{}/"}
KINDS = {"device": "device", "activity": "enforcementactivity", "recording": "recording"}


def _page_seqs(client, kind: str, pk: int) -> set[int] | None:
    response = client.get(PAGES[kind].format(pk))
    if response.status_code != 200:
        return None
    return {int(seq) for seq in re.findall(r'data-seq="(\d+)"', response.content.decode())}


def _api_seqs(api, kind: str, pk: int) -> set[int]:
    answer = api.get(
        f"/api/v1/ledger/entries/?subject_kind={KINDS[kind]}&subject_id={pk}&limit=500"
    )
    assert answer.status_code == 200
    return {row["seq"] for row in answer.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["device", "activity", "recording"])
def test_page_and_api_show_the_same_custody_history(client, api, request, subjects, role, kind):
    user = request.getfixturevalue(role)
    thing = subjects[kind]
    client.force_login(user)
    api.force_authenticate(user)
    shown, served = _page_seqs(client, kind, thing.pk), _api_seqs(api, kind, thing.pk)
    about = LedgerEntry.objects.about(thing)
    if shown is None:  # the object is not theirs to see: at most their own actions
        assert served <= set(about.filter(actor_id=user.pk).values_list("seq", flat=True))
    else:
        assert shown == served == set(about.values_list("seq", flat=True)), role


def test_an_officer_reads_the_history_of_their_own_recording_made_by_others(api, officer, subjects):
    api.force_authenticate(officer)
    seqs = _api_seqs(api, "recording", subjects["recording"].pk)
    ingest = LedgerEntry.objects.about(subjects["recording"]).get(action="ingest")
    assert ingest.seq in seqs and ingest.actor_id != officer.pk


def test_a_stranger_reads_none_of_another_officers_history(api, stranger, subjects):
    api.force_authenticate(stranger)
    for kind, thing in subjects.items():
        assert _api_seqs(api, kind, thing.pk) == set(), kind
