"""Recordings with real content (an MP4 made by PyAV, ingested, its copies made by the real
follow-up job) and people at each step of the viewing workflow."""

import pytest

from bodycam.access import requests as workflow
from bodycam.accounts.roles import Role
from bodycam.recordings import processing
from bodycam.recordings.ingest import ingest_file
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from tests import media
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """A 3-second H.264/AAC MP4 (made once; tests only read it)."""
    return media.make_mp4(tmp_path_factory.mktemp("clips") / "JX0227_20260310_101500.mp4", 3)


def ingested(path, officer) -> Recording:
    result = ingest_file(path, Given(officer=officer), blob_store())
    recording = Recording.objects.get(pk=result.recording_id)
    processing.process(recording)
    return recording


@pytest.fixture
def recording(clip, officer):
    """The officer's recording, with its proxy, strip and thumbnail."""
    return ingested(clip, officer)


@pytest.fixture
def secrecy_officer(db):
    return UserFactory(username="secrecy_chen", full_name="陈保密", roles=[Role.SECRECY_OFFICER])


COURT = workflow.Outside(
    body="court", name="刘法官", unit="某区人民法院", letter_number="（2026）调字第 12 号",
    id_number="110101199001011234",
)  # fmt: skip


def grant(requester, recordings, head, registrar, **options):
    """A registered (active) grant for `requester`, through every step of the workflow."""
    options.setdefault("route", "work")
    options.setdefault("reason", "核实投诉情况")
    request = workflow.submit_request(requester, recordings=[r.pk for r in recordings], **options)
    workflow.approve(request, head, "同意")
    return workflow.register(request, registrar)
