"""Every list with filters has a search box and an .xlsx export of what it shows, for those who
may see the list: Chinese headers, values as people read them, text never turned into a
formula, and each export in the ledger."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bodycam.activities import lifecycle
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib import wallclock
from tests.recordings.test_views import stored  # noqa: F401  (a fixture: three recordings)

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200, response
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _exports(name: str) -> list[dict]:
    return [e.payload for e in LedgerEntry.objects.filter(action=Action.EXPORT)
            if e.payload["list"] == name]  # fmt: skip


def test_the_recordings_list_exports_as_filtered_and_searched(client, records_clerk, stored):  # noqa: F811
    client.force_login(records_clerk)
    everything = _sheet(client.get(reverse("recording-export")))
    assert everything[0][:4] == ["编号", "原文件名", "类型", "格式"]
    assert len(everything) == 1 + 3
    found = _sheet(client.get(reverse("recording-export") + "?q=ZZ00001"))
    assert [row[0] for row in found[1:]] == [stored[2].pk]
    assert found[1][3] == "MP4 · H.264 视频 · AAC 音频"
    listed = client.get(reverse("recordings") + "?q=ZZ00001").content.decode()
    assert stored[2].original_name in listed and stored[0].original_name not in listed
    assert _exports("recordings")[-1] == {"list": "recordings", "filters": {"q": "ZZ00001"},
                                           "rows": 1}  # fmt: skip


def test_activities_export_in_beijing_time_and_formulas_stay_text(client, officer):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    lifecycle.open_activity("routine_inspection", [officer], start, officer,
                            subject_name='=HYPERLINK("http://x")')  # fmt: skip
    lifecycle.open_activity("investigation", [officer], start, officer, subject_name="某某超市")
    client.force_login(officer)
    rows = _sheet(client.get(reverse("activity-export") + "?q=超市"))
    assert len(rows) == 2 and rows[1][2] == "某某超市"
    assert rows[1][6] == wallclock.local(start).strftime("%Y-%m-%d %H:%M")
    book = load_workbook(io.BytesIO(b"".join(
        client.get(reverse("activity-export") + "?q=HYPERLINK").streaming_content)))  # fmt: skip
    cell = book.active["C2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_people_and_ledger_exports_are_for_those_who_see_those_lists(
    client, administrator, auditor, officer
):
    client.force_login(officer)
    assert client.get(reverse("people-export")).status_code == 403
    assert client.get(reverse("ledger-export")).status_code == 403
    client.force_login(administrator)
    people = _sheet(client.get(reverse("people-export") + "?q=李明"))
    assert people[0] == [
        "姓名",
        "警号",
        "单位",
        "角色",
        "用户名",
        "账户",
        "本年评优评先资格（R-22）",
    ]
    assert people[1][:2] == ["李明", "JX0227"] and people[1][3] == "执法人员"
    assert people[1][6] == "有"  # no decision took it away
    client.force_login(auditor)
    ledger = _sheet(client.get(reverse("ledger-export") + "?action=export"))
    assert ledger[0][:3] == ["序号", "时间（北京时间）", "事项"]
    assert len(ledger) == 2 and ledger[1][2] == "导出"  # the people export just above


def test_the_export_buttons_carry_the_lists_filters(client, records_clerk, stored):  # noqa: F811
    client.force_login(records_clerk)
    page = client.get(reverse("recordings") + "?q=ZZ00001&review=1").content.decode()
    assert f"{reverse('recording-export')}?q=ZZ00001&amp;review=1" in page


def test_findings_export_as_searched_with_their_facts_in_words(client, head, bureau):
    from bodycam.compliance.models import Finding

    client.force_login(head)
    rows = _sheet(client.get(reverse("finding-export") + "?q=李明"))
    assert rows[0][:3] == ["编号", "问题", "依据"]
    assert len(rows) == 1 + Finding.objects.filter(officer__full_name="李明").count() > 1
    assert all("T" not in str(row[7]) for row in rows[1:])  # Beijing time, not ISO
    listed = client.get(reverse("findings") + "?q=无此人").content.decode()
    assert 'href="/compliance/' not in listed.split("<tbody>")[1]
