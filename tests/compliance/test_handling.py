"""Findings in the hands of people, by page, API and command line: the officer explains, a
supervisor decides, each with a reason and a ledger entry; roles see what is theirs."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bodycam.activities import lifecycle
from bodycam.compliance import engine
from bodycam.compliance.models import Finding, Rule, Status
from bodycam.ledger.models import LedgerEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def missing(officer):
    """A closed inspection with no recording: one missing_recording finding."""
    start = timezone.now() - timedelta(hours=3)
    activity = lifecycle.open_activity("routine_inspection", [officer], start, officer)
    lifecycle.close_activity(activity, start + timedelta(minutes=40), officer)
    engine.check_activity(activity.pk)
    return Finding.objects.get(rule=Rule.MISSING_RECORDING)


def test_the_command_prints_one_json_line_per_finding_and_a_summary(missing):
    out = io.StringIO()
    call_command("compliance", "run", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == {
        "id": missing.pk, "rule": "missing_recording", "requirement": "R-03",
        "subject_kind": "activity", "subject_id": str(missing.activity_id),
        "facts": missing.facts, "status": "open", "severity": 3,
    }  # fmt: skip
    assert lines[-1]["findings"] == 1 and lines[-1]["summary"]["found"] == 0


def test_the_officer_explains_and_the_supervisor_decides_through_the_api(
    api, missing, officer, supervisor
):
    api.force_authenticate(supervisor)
    early = api.post(f"/api/v1/compliance/findings/{missing.pk}/decide/",
                     {"status": "accepted", "reason": "同意"}, format="json")  # fmt: skip
    assert early.status_code == 400 and early.json()["code"] == "not_explained"
    api.force_authenticate(officer)
    assert api.get("/api/v1/compliance/findings/").json()["count"] == 1
    explained = api.post(f"/api/v1/compliance/findings/{missing.pk}/explain/",
                         {"explanation": "记录仪故障，已报修"}, format="json")  # fmt: skip
    assert explained.status_code == 200 and explained.json()["status"] == "explained"
    refused = api.post(f"/api/v1/compliance/findings/{missing.pk}/decide/",
                       {"status": "dismissed", "reason": "x"}, format="json")  # fmt: skip
    assert refused.status_code == 403
    api.force_authenticate(supervisor)
    decided = api.post(f"/api/v1/compliance/findings/{missing.pk}/decide/",
                       {"status": "accepted", "reason": "维修记录属实"}, format="json")  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    events = LedgerEntry.objects.filter(subject_kind="finding", subject_id=str(missing.pk))
    assert [e.payload["event"] for e in events.order_by("seq")] == [
        "found",
        "explained",
        "accepted",
    ]
    engine.check_activity(missing.activity_id)  # a decided finding stays decided
    assert Finding.objects.get(pk=missing.pk).status == Status.ACCEPTED


def test_a_colleague_sees_none_of_an_officers_findings(api, missing, db):
    colleague = UserFactory(roles=["officer"])
    api.force_authenticate(colleague)
    assert api.get("/api/v1/compliance/findings/").json()["count"] == 0
    assert api.get(f"/api/v1/compliance/findings/{missing.pk}/").status_code == 404


def test_the_inbox_and_the_finding_page_speak_to_people(client, missing, supervisor, officer):
    client.force_login(supervisor)
    inbox = client.get(reverse("findings"), {"rule": "missing_recording"}).content.decode()
    assert "应录未录" in inbox and "R-03" in inbox
    page = client.get(reverse("finding", args=[missing.pk])).content.decode()
    assert "活动开始" in page and "missing_recording" not in page
    client.force_login(officer)
    answer = client.post(reverse("finding-explain", args=[missing.pk]), {"explanation": ""})
    assert answer.status_code == 302
    assert Finding.objects.get(pk=missing.pk).status == Status.OPEN  # refused: no explanation
    client.post(reverse("finding-explain", args=[missing.pk]), {"explanation": "设备故障"})
    assert Finding.objects.get(pk=missing.pk).status == Status.EXPLAINED
    home = client.get(reverse("home")).content.decode()
    assert "需要我说明的合规问题" not in home  # explained: nothing left for the officer
    client.force_login(supervisor)
    assert "待处理的合规问题（已说明）" in client.get(reverse("home")).content.decode()


def test_the_thresholds_page_shows_the_settings_in_force(client, supervisor, settings):
    settings.COMPLIANCE_GAP_SECONDS = 15
    client.force_login(supervisor)
    page = client.get(reverse("compliance-thresholds")).content.decode()
    assert "<td>15</td>" in page
