"""Evidence discs on the pages (R-15): the records office makes one from the case page, the job
builds it, the maker downloads it (a ledger entry), prints 说明.pdf alone and uploads the image to
check it; a refusal is explained beside the form, which keeps what was typed."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bodycam.evidence import cases
from bodycam.evidence.models import DiscCheck, Extraction
from bodycam.evidence.tasks import make_disc
from bodycam.ledger.models import LedgerEntry
from tests import media
from tests.access.conftest import grant, ingested

pytestmark = pytest.mark.django_db


@pytest.fixture
def recording(tmp_path, officer):
    return ingested(media.make_mp4(tmp_path / "现场检查.mp4", 2), officer)


@pytest.fixture
def case(records_clerk, recording):
    case = cases.open_case(
        "（2026）执罚字第 9 号", records_clerk, title="占道经营", retention="10 年"
    )
    cases.mark_evidence(case, [recording], records_clerk, "证明占道经营")
    return case


def _make(client, case, recording, extractor, **extra):
    data = {
        "recording": [recording.pk], "extractor": extractor.pk, "purpose": "证明占道经营",
        "recipient": "某区人民法院", "copies": 2, f"key_{recording.pk}": "", **extra,
    }  # fmt: skip
    return client.post(reverse("extraction-new", args=[case.pk]), data)


def test_made_on_the_case_page_downloaded_printed_and_checked(
    client, case, recording, records_clerk, officer, head, custodian
):
    grant(records_clerk, [recording], head, custodian, route="litigation",
          rights=["view", "download"])  # fmt: skip
    client.force_login(records_clerk)
    made = _make(client, case, recording, officer)
    extraction = Extraction.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse(
        "extraction", args=[extraction.pk]
    )
    assert "正在后台制作" in client.get(made["Location"]).content.decode()
    job = DBTaskResult.objects.get(task_path="bodycam.evidence.tasks.make_disc")
    assert job.args_kwargs["args"] == [extraction.pk]  # queued with the extraction
    make_disc.call(extraction.pk)
    extraction.refresh_from_db()
    page = client.get(reverse("extraction", args=[extraction.pk])).content.decode()
    assert "已制作" in page and extraction.image_sha256 in page and "下载光盘镜像" in page

    image = client.get(reverse("extraction-image", args=[extraction.pk]))
    body = b"".join(image.streaming_content)
    assert hashlib.sha256(body).hexdigest() == extraction.image_sha256
    download = LedgerEntry.objects.filter(subject_kind="extraction", action="download").get()
    assert download.actor_id == records_clerk.pk
    assert download.payload["image_sha256"] == extraction.image_sha256

    description = client.get(reverse("extraction-description", args=[extraction.pk]))
    assert description["Content-Type"] == "application/pdf"
    assert description.content.startswith(b"%PDF") and b"WenQuanYi" in description.content

    upload = SimpleUploadedFile("disc.iso", body, content_type="application/x-iso9660-image")
    client.post(reverse("extraction-check", args=[extraction.pk]), {"image": upload})
    check = DiscCheck.objects.get()
    assert check.passed and check.extraction == extraction and check.checked_by == records_clerk
    assert "核验通过" in client.get(reverse("extraction", args=[extraction.pk])).content.decode()


def test_a_refusal_is_explained_beside_the_form_which_keeps_what_was_typed(
    client, case, recording, records_clerk, officer
):
    client.force_login(records_clerk)
    refused = _make(client, case, recording, officer, purpose="证明当事人占道经营三小时")
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "调阅授权" in page and "证明当事人占道经营三小时" in page
    assert not Extraction.objects.exists()


def test_only_the_maker_or_extractor_downloads_and_only_the_records_office_makes(
    client, case, recording, records_clerk, officer, head, custodian
):
    grant(records_clerk, [recording], head, custodian, route="litigation",
          rights=["view", "download"])  # fmt: skip
    client.force_login(records_clerk)
    _make(client, case, recording, officer)
    extraction = Extraction.objects.get()
    make_disc.call(extraction.pk)
    client.force_login(head)
    assert _make(client, case, recording, officer).status_code == 403
    page = client.get(reverse("extraction", args=[extraction.pk])).content.decode()
    assert "下载光盘镜像" not in page
    refused = client.get(reverse("extraction-image", args=[extraction.pk]), follow=True)
    assert "只有该光盘的制作人或提取人" in refused.content.decode()
    assert not LedgerEntry.objects.filter(subject_kind="extraction", action="download").exists()
    client.force_login(officer)  # the extractor, but an officer may not see case files
    assert client.get(reverse("extraction", args=[extraction.pk])).status_code == 403
