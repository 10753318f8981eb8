"""Compliance rates per officer and per unit, on the page and as .xlsx (R-03, R-04, R-13)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bodycam.accounts.models import Role
from bodycam.activities import exemptions, lifecycle
from bodycam.compliance import engine, handling, rates
from bodycam.compliance.models import Rule, Status
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib import wallclock
from tests import media
from tests.compliance.scenes import close, found, ingest, stamp
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(tmp_path, issued, officer, oversight):
    """Officer 李明 (first squad): one activity recorded, one not. 陈刚 (second squad): one
    recorded, one exempted by an acknowledged exemption."""
    first, second = UnitFactory(name="一中队"), UnitFactory(name="二中队")
    officer.unit = first
    officer.save()
    chen = UserFactory(full_name="陈刚", badge_number="JX0300", unit=second, roles=[Role.OFFICER])
    start = timezone.now().replace(microsecond=0) - timedelta(hours=3)

    def activity(who, recorded: bool, offset_minutes: int):
        at = start + timedelta(minutes=offset_minutes)
        made = lifecycle.open_activity("routine_inspection", [who], at, who)
        if recorded:
            clip = media.make_speaking_mp4(
                tmp_path / f"{made.pk}.mp4", 8, creation_time=stamp(at)
            )  # the notification said
            ingest(clip, who, issued if who == officer else None, made)
        return close(made, who, timedelta(seconds=8))

    activity(officer, True, 0)
    activity(officer, False, 20)
    activity(chen, True, 40)
    exempted = activity(chen, False, 60)
    filed = exemptions.file_exemption(exempted, "emergency", "第四条", "火情", chen)
    exemptions.review_exemption(filed, oversight, accept=True)
    engine.run_all()
    return {"chen": chen, "day": wallclock.local_day(start)}


def _period(bureau) -> dict:
    return {"since": bureau["day"].isoformat(), "until": wallclock.local_day().isoformat()}


def test_each_officer_and_unit_has_its_share_of_activities_without_problems(bureau, officer):
    day, today = bureau["day"], wallclock.local_day()
    by_officer = {r.name: r for r in rates.officer_rates(day, today)}
    li, chen = by_officer[officer.display_name], by_officer[bureau["chen"].display_name]
    assert (li.activities, li.with_problems, li.percent, li.missing) == (2, 1, 50.0, 1)
    assert (chen.activities, chen.with_problems, chen.percent) == (1, 0, 100.0)  # exempted left out
    by_unit = {r.name: r for r in rates.unit_rates(day, today)}
    assert (by_unit["一中队"].percent, by_unit["二中队"].percent) == (50.0, 100.0)


def test_an_accepted_explanation_no_longer_counts_against_the_officer(bureau, officer, supervisor):
    (missing,) = found(Rule.MISSING_RECORDING)
    handling.explain(missing, officer, "记录仪故障，未能录像", cause="fault")
    day, today = bureau["day"], wallclock.local_day()
    assert {r.name: r.percent for r in rates.officer_rates(day, today)}[
        officer.display_name
    ] == 50.0  # explained, not yet accepted: still a problem
    handling.decide(missing, supervisor, Status.ACCEPTED, "故障已核实")
    assert {r.name: r.percent for r in rates.officer_rates(day, today)}[
        officer.display_name
    ] == 100.0


def test_the_table_is_shown_and_exported_with_a_ledger_entry(bureau, client, supervisor, officer):
    client.force_login(supervisor)
    page = client.get("/compliance/rates/", _period(bureau)).content.decode()
    assert "执法人员合规率" in page and officer.display_name in page and "50.0%" in page
    units = client.get("/compliance/rates/", {**_period(bureau), "by": "unit"}).content.decode()
    assert "各单位合规率" in units and "一中队" in units and "二中队" in units

    response = client.get("/compliance/rates/", {**_period(bureau), "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["执法人员", "应录像的执法活动", "有问题的活动", "合规率（%）"]
    assert [officer.display_name, 2, 1, 50] == rows[1][:4]
    export = LedgerEntry.objects.filter(action=Action.EXPORT).latest("pk")
    assert export.payload["what"] == "compliance_rates" and export.actor_id == supervisor.pk


def test_officers_cannot_see_the_table_and_a_bad_date_is_explained(bureau, client, officer,
                                                                   supervisor):  # fmt: skip
    client.force_login(officer)
    assert client.get("/compliance/rates/").status_code == 403
    client.force_login(supervisor)
    response = client.get("/compliance/rates/", {"since": "2026-13-45"})
    assert response.status_code == 200
    assert "“2026-13-45”不是有效的日期，请按 YYYY-MM-DD 填写" in response.content.decode()
