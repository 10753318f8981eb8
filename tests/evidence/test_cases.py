"""Case files and evidence (R-14): on the command line and the pages, each step in the ledger,
the wrong role refused, a bad value explained."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bodycam.evidence.models import Case
from bodycam.ledger.models import LedgerEntry
from tests import media
from tests.access.conftest import ingested

pytestmark = pytest.mark.django_db


def _run(*args) -> dict:
    out = StringIO()
    call_command("evidence", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def recording(tmp_path, officer):
    return ingested(media.make_mp4(tmp_path / "执法记录_询问.mp4", 2), officer)


def test_the_command_line_opens_updates_and_marks(recording, records_clerk):
    made = _run(
        "case", "--number", "（2026）执罚字第 12 号", "--title", "无证经营", "--retention", "永久"
    )
    assert made["ok"] and made["retention"] == "永久"
    again = _run(
        "case",
        "--number",
        "（2026）执罚字第 12 号",
        "--retention",
        "30 年",
        "--reason",
        "按档案管理规定调整",
    )
    assert again["id"] == made["id"] and Case.objects.get().retention == "30 年"
    marked = _run(
        "mark",
        "--case",
        "（2026）执罚字第 12 号",
        "--recording",
        str(recording.pk),
        "--by",
        records_clerk.username,
        "--reason",
        "证明当事人无证经营",
    )
    assert marked["marked"] == [recording.pk]
    assert marked["retain_until"] == {str(recording.pk): "permanent"}  # open case: kept
    changed = LedgerEntry.objects.filter(subject_kind="case").order_by("seq").last()
    assert changed.payload["before"] == {"retention": "永久"}
    assert changed.payload["after"] == {"retention": "30 年"}


def test_the_command_line_explains_a_period_not_in_the_list_in_both_languages():
    with pytest.raises(CommandError) as refused:
        call_command("evidence", "case", "--number", "X-1", "--title", "t", "--retention", "2 周")
    assert "不在本单位的期限表中" in str(refused.value) and "/" in str(refused.value)
    assert not Case.objects.exists()


def test_the_records_office_opens_a_case_and_marks_evidence_on_the_pages(
    client, records_clerk, recording
):
    client.force_login(records_clerk)
    response = client.post(
        "/cases/",
        {"number": "案-9", "title": "投诉处理", "opened_on": "2026-11-02", "retention": "10 年"},
        follow=True,
    )
    assert "案卷 案-9 已建立" in response.content.decode()
    case = Case.objects.get(number="案-9")
    page = client.post(
        f"/cases/{case.pk}/mark/",
        {"recordings": f"{recording.pk}, 99999", "reason": "证明"},
        follow=True,
    )
    assert "找不到编号为 99999 的音像记录" in page.content.decode()
    page = client.post(
        f"/cases/{case.pk}/mark/",
        {"recordings": str(recording.pk), "reason": "证明投诉属实"},
        follow=True,
    )
    text = page.content.decode()
    assert "1 条音像记录已作为本案证据" in text and "执法记录_询问.mp4" in text
    recording_page = client.get(f"/recordings/{recording.pk}/").content.decode()
    assert "案卷 案-9 的证据" in recording_page and "永久保存" in recording_page


def test_an_officer_neither_sees_nor_opens_case_files(client, officer):
    client.force_login(officer)
    assert client.get("/cases/").status_code == 403
    assert client.post("/cases/", {"number": "x", "title": "y"}).status_code == 403
    assert not Case.objects.exists()


def test_a_closing_date_before_the_opening_is_refused_with_its_reason(client, records_clerk):
    client.force_login(records_clerk)
    response = client.post(
        "/cases/",
        {
            "number": "案-2",
            "title": "t",
            "opened_on": "2026-11-02",
            "closed_on": "2026-10-01",
            "retention": "10 年",
        },
    )
    assert response.status_code == 200
    assert "结案日期不能早于立案日期" in response.content.decode()
