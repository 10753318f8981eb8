"""Every dashboard number equals a count computed directly here, from the rows themselves;
the unit filter narrows every figure; the page, its export and its refusals."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.access.models import ViewingRequest
from bodycam.accountability import violations
from bodycam.accountability.models import Sanction
from bodycam.accounts.roles import Role
from bodycam.compliance.models import Finding, Rule, Status
from bodycam.devices.models import Device
from bodycam.devices.registry import register_device
from bodycam.lib import wallclock
from bodycam.recordings.models import Recording
from bodycam.reports.figures import FIGURES, Scope, scope_for
from bodycam.supervision import reviews
from bodycam.supervision.models import Review
from tests.factories import UserFactory
from tests.test_exports import _sheet


@pytest.fixture
def world(started, people, recorded, squads):
    """Recordings of three officers, findings, a review, a decided case, devices, grants."""
    sampled = started.candidates.filter(sampled=True, reviewer=people["sup_c"])
    for n, candidate in enumerate(sampled):
        answers = {item.key: reviews.Given("pass") for item in reviews.review_items()}
        if n == 0:
            answers["angle"] = reviews.Given("fail", "角度")
        reviews.submit_review(candidate, people["sup_c"], answers)
    now = timezone.now()
    for n, (rule, status, officer) in enumerate([
        (Rule.INTERRUPTION, Status.OPEN, "wang"), (Rule.INTERRUPTION, Status.CLEARED, "zhao"),
        (Rule.LATE_UPLOAD, Status.ESCALATED, "li"), (Rule.MISSING_RECORDING, Status.OPEN, "zhao"),
    ]):  # fmt: skip
        Finding.objects.create(rule=rule, requirement="R-09", key=f"k{n}", subject_kind="x",
                               subject_id=str(n), officer=people[officer], severity=2,
                               status=status, found_at=now, updated_at=now)  # fmt: skip
    case = violations.open_case(people["sup_c"], "other", "事实",
                                [violations.Share(people["zhao"])])  # fmt: skip
    criticism = {people["zhao"].pk: violations.Decided(Sanction.PUBLIC_CRITICISM)}
    violations.decide(case, people["head"], "属实", criticism)
    bwb = UserFactory(username="bwb", roles=[Role.OVERSIGHT])
    violations.issue_criticism(case.responsibilities.get(), bwb, "通报")
    keeper = UserFactory(username="keeper", unit=squads["B"], roles=[Role.CUSTODIAN])
    for serial in ("TA1", "TA2", "TA3"):
        register_device(serial, keeper, None, manufacturer="厂", model="V9")
    return started


def table(key, scope):
    return FIGURES[key](scope).rows


def test_every_figure_equals_a_direct_count(world, day, people):
    scope = Scope(day - timedelta(days=1), wallclock.local_day())
    recordings = Recording.objects.filter(mistaken_at__isnull=True)
    by_day = Counter(wallclock.local_day(r.recorded_at).isoformat() for r in recordings)
    assert {row[0]: row[1] for row in table("recordings", scope)} == by_day == {day.isoformat(): 30}
    on_time = Counter(r.deadline_met for r in recordings)
    assert table("handover", scope) == [[day.isoformat(), on_time[True], on_time[False]]]

    found = {(f.rule, f.status) for f in Finding.objects.all()}
    rows = {row[0]: row[1:] for row in table("findings", scope)}
    assert rows[str(Rule.INTERRUPTION.label)] == [1, 0, 1]  # wang's open, zhao's cleared
    assert rows[str(Rule.LATE_UPLOAD.label)] == [0, 1, 0]
    assert sum(sum(r) for r in rows.values()) == Finding.objects.count() == len(found)
    coverage = table("coverage", scope)
    assert [row[1:] for row in coverage] == [[2, 1, 0]]

    done = Review.objects.filter(candidate__campaign=world)
    [spot] = table("spot_checks", scope)
    average = round(sum(r.score for r in done) / done.count(), 1)
    assert spot == [world.number, world.candidates.filter(sampled=True).count(), done.count(),
                    average, done.filter(grade="fail").count()]  # fmt: skip

    devices = dict(table("devices", scope))
    assert devices["在库"] == Device.objects.filter(status="in_stock").count() == 3
    viewing = dict(table("viewing", scope))
    assert sum(viewing.values()) == ViewingRequest.objects.count() == world.grants.count()
    assert viewing["已登记"] == world.grants.count()
    assert table("violations", scope) == [["其他违反现场执法记录制度的情形", 1, 1]]


def test_a_unit_narrows_every_figure_to_its_officers(world, day, squads, people):
    scope = scope_for(squads["B"], day - timedelta(days=1), wallclock.local_day())
    assert (
        table("recordings", scope)[0][1] == Recording.objects.filter(officer=people["zhao"]).count()
    )
    rules = {str(Rule.INTERRUPTION.label), str(Rule.MISSING_RECORDING.label)}
    assert {row[0] for row in table("findings", scope)} == rules
    assert dict(table("devices", scope))["在库"] == 3  # the keeper's devices are squad B's
    a_scope = scope_for(squads["A"], day - timedelta(days=1), wallclock.local_day())
    assert dict(table("devices", a_scope))["在库"] == 0
    assert table("violations", a_scope) == []


def test_the_dashboard_page_and_its_export(client, world, people, day):
    client.force_login(people["head"])
    query = f"?from={(day - timedelta(days=1)).isoformat()}&to={wallclock.local_day().isoformat()}"
    page = client.get(f"/reports/{query}").content.decode()
    assert "每日音像记录" in page and "抽查进度和得分" in page and "echarts" in page
    sheet = _sheet(client.get(f"/reports/recordings.xlsx{query}"))
    assert sheet == [["日期", "条数", "时长（小时）"], [day.isoformat(), 30, 0]]
    assert "每日音像记录" in client.get("/").content.decode()  # the head's home page too


def test_bad_filters_are_explained_not_errors(client, people):
    client.force_login(people["sup_a"])
    response = client.get("/reports/?from=2026-02-30&to=x")
    assert response.status_code == 200 and "不是有效的日期" in response.content.decode()
    response = client.get("/reports/?from=2020-01-01&to=2026-01-01")
    assert "统计期间应在一年以内" in response.content.decode()
    assert client.get("/reports/nothing.xlsx").status_code == 404


def test_officers_have_no_dashboard(client, people):
    client.force_login(people["wang"])
    assert client.get("/reports/").status_code == 403
    assert "每日音像记录" not in client.get("/").content.decode()
