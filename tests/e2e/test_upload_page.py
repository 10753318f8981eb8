"""The records office uploads a recorder's folder through the page: progress, then results."""

import pytest
from django.core.management import call_command

from bodycam.recordings.models import Recording
from tests import media

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_folder_goes_up_with_progress_and_each_file_shows_its_result(
    live_server, job_worker, page, tmp_path
):
    call_command("demo", verbosity=0)
    card = tmp_path / "DCIM"
    card.mkdir()
    first = media.make_mp4(card / "TA00716_JX0227_20261120093621.MP4", seconds=3)
    second = media.make_mp4(
        card / "TA00716_JX0227_20261120093624.MP4", seconds=3,
        creation_time="2026-11-20T09:36:24.000000Z",
    )  # fmt: skip
    (card / "log.TXT").write_text("REC START\n", encoding="utf-8")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "records")
    page.fill("#id_password", "demo2026")
    page.click("button.primary")
    page.get_by_role("link", name="上传").click()
    assert page.locator("h1").inner_text() == "上传音像记录"

    page.set_input_files("#pick-folder", str(card))
    rows = page.locator("#files tr")
    page.wait_for_function(
        "() => { const rows = [...document.querySelectorAll('#files tr')];"
        " return rows.length === 3 && rows.every(r => r.dataset.status); }",
        timeout=60_000,  # two cores shared with the other test worker and the browser
    )
    results = {
        rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("td").last.inner_text()
        for i in range(rows.count())
    }
    assert results == {
        "DCIM/TA00716_JX0227_20261120093621.MP4": "已入库",
        "DCIM/TA00716_JX0227_20261120093624.MP4": "已入库",
        "DCIM/log.TXT": "非音像文件，未上传",
    }
    assert page.locator("#total-bar").get_attribute("value") == "100"
    assert "已完成 3 个" in page.locator("#total").inner_text()
    page.screenshot(path=str(tmp_path / "upload-done.png"), full_page=True)
    stored = set(Recording.objects.values_list("sha256", flat=True))
    import hashlib

    assert stored == {hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)}
