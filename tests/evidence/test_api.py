"""Case files and evidence discs through the API: the same rules as the pages and the command
line, refusals with stable codes in the request's language."""

import contextlib
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bodycam.evidence.models import Case, Extraction
from bodycam.evidence.tasks import make_disc
from bodycam.ledger.models import LedgerEntry
from bodycam.recordings.storage import blob_store
from tests import media
from tests.access.conftest import grant, ingested

pytestmark = pytest.mark.django_db
NUMBER = "（2026）执罚字第 31 号"


@pytest.fixture
def recording(tmp_path, officer):
    return ingested(media.make_mp4(tmp_path / "现场.mp4", 1), officer)


@contextlib.contextmanager
def recording_bytes(recording):
    with blob_store().open(recording.sha256) as blob:
        yield blob.read()


def test_a_case_is_opened_corrected_and_given_evidence(api, records_clerk, recording):
    api.force_authenticate(records_clerk)
    opened = {"number": NUMBER, "title": "无证经营", "retention": "10 年"}
    made = api.post("/api/v1/evidence/cases/", opened, format="json")
    assert made.status_code == 201 and made.json()["retention"] == "10 年"
    case = made.json()["id"]
    refused = api.post(f"/api/v1/evidence/cases/{case}/change/", {"retention": "永久"},
                       format="json", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "required"
    assert "reason" in refused.json()["errors"]
    changed = api.post(f"/api/v1/evidence/cases/{case}/change/",
                       {"retention": "永久", "reason": "档案规定"}, format="json")  # fmt: skip
    assert changed.status_code == 200 and Case.objects.get().retention == "永久"
    evidence = {"recordings": [recording.pk], "reason": "证明无证经营"}
    marked = api.post(f"/api/v1/evidence/cases/{case}/mark/", evidence, format="json")
    assert marked.json()["evidence"] == [recording.pk]
    missing = api.post(f"/api/v1/evidence/cases/{case}/mark/",
                       {"recordings": [99999], "reason": "x"}, format="json")  # fmt: skip
    assert missing.status_code == 400 and missing.json()["code"] == "not_found"


def test_an_officer_may_not_open_cases(api, officer):
    api.force_authenticate(officer)
    refused = api.post("/api/v1/evidence/cases/", {"number": NUMBER, "title": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api.get("/api/v1/evidence/discs/").status_code == 403


def test_a_disc_is_made_downloaded_and_checked_through_the_api(
    api, records_clerk, officer, head, custodian, recording
):
    grant(records_clerk, [recording], head, custodian, route="litigation",
          rights=["view", "download"])  # fmt: skip
    api.force_authenticate(records_clerk)
    api.post("/api/v1/evidence/cases/", {"number": NUMBER, "title": "无证经营"}, format="json")
    body = {
        "case": NUMBER, "recordings": [recording.pk], "extractor": officer.username,
        "purpose": "证明无证经营", "key_content": {str(recording.pk): "00:00:00-00:00:01 现场"},
    }  # fmt: skip
    made = api.post("/api/v1/evidence/discs/", body, format="json")
    assert made.status_code == 201 and made.json()["state"] == "queued"
    disc = made.json()["id"]
    early = api.get(f"/api/v1/evidence/discs/{disc}/image/")
    assert early.status_code == 409 and early.json()["code"] == "not_made"
    make_disc.call(disc)
    shown = api.get(f"/api/v1/evidence/discs/{disc}/").json()
    assert shown["state"] == "made" and shown["files"][0]["segments"] == [[0, 1, "现场"]]
    image = api.get(f"/api/v1/evidence/discs/{disc}/image/")
    data = b"".join(image.streaming_content)
    assert hashlib.sha256(data).hexdigest() == shown["image_sha256"]
    assert LedgerEntry.objects.filter(subject_kind="extraction", action="download").count() == 1
    upload = {"image": SimpleUploadedFile("disc.iso", data)}
    checked = api.post(f"/api/v1/evidence/discs/{disc}/check/", upload, format="multipart")
    assert checked.status_code == 201
    assert checked.json()["passed"] and checked.json()["extraction"] == shown["number"]
    broken = bytearray(data)
    with recording_bytes(recording) as original:
        broken[data.index(original[:256]) + 100] ^= 0xFF  # inside the original, on the disc
    failed = api.post(f"/api/v1/evidence/discs/{disc}/check/",
                      {"image": SimpleUploadedFile("bad.iso", bytes(broken))}, format="multipart",
                      HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert failed.status_code == 201 and not failed.json()["passed"]
    assert failed.json()["problems"][0]["code"] == "changed"
    assert failed.json()["problems"][0]["detail"].startswith("A file does not match")


def test_a_disc_without_a_grant_is_refused_with_a_code_and_nothing_is_written(
    api, records_clerk, officer, recording
):
    api.force_authenticate(records_clerk)
    api.post("/api/v1/evidence/cases/", {"number": NUMBER, "title": "无证经营"}, format="json")
    body = {"case": NUMBER, "recordings": [recording.pk], "extractor": officer.username,
            "purpose": "证明无证经营"}  # fmt: skip
    refused = api.post("/api/v1/evidence/discs/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and refused.json()["code"] == "access_denied"
    assert "grant" in refused.json()["detail"]
    assert not Extraction.objects.exists()
    unknown = api.post("/api/v1/evidence/discs/", {**body, "case": "nope"}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "no_case"
