"""Activities (R-03, R-13) and exemptions from recording (R-04) through the API: who may open,
close, file and acknowledge; what is refused; and the ledger entry each step leaves."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.activities.models import ActivityStatus, EnforcementActivity, Exemption
from bodycam.devices import registry
from bodycam.ledger.models import Action, LedgerEntry
from tests.api import field_errors, refused
from tests.factories import UserFactory
from tests.ledger_entries import events_of, last_entry_of

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"
EXEMPTIONS = "/api/v1/exemptions/"


@pytest.fixture
def activity(officer, issued):
    """An open routine inspection by the officer (JX0227) with device TA-007, begun an hour ago."""
    return lifecycle.open_activity(
        "routine_inspection",
        [officer],
        timezone.now() - timedelta(hours=1),
        officer,
        devices=[issued],
        subject_name="某某餐饮有限公司",
    )


@pytest.fixture
def closed(activity, officer):
    return lifecycle.close_activity(activity, timezone.now() - timedelta(minutes=5), officer)


@pytest.fixture
def filed(closed, officer):
    return exemptions.file_exemption(
        closed,
        "secrecy",
        "《中华人民共和国保守国家秘密法》第二条",
        "检查涉及商业秘密的生产工艺",
        officer,
    )


def _as(api, user):
    api.force_authenticate(user)
    return api


def _text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def _iso(delta: timedelta = timedelta()) -> str:
    return (timezone.now() + delta).isoformat()


def _open_body(**overrides) -> dict:
    body = {
        "type": "routine_inspection",
        "officers": ["JX0227"],
        "devices": ["TA-007"],
        "started_at": _iso(-timedelta(minutes=30)),
        "subject_name": "某某餐饮有限公司",
        "away_from_base": True,
    }
    return {**body, **overrides}


def _exemption_body(activity, **overrides) -> dict:
    body = {
        "activity": activity.pk,
        "ground": "secrecy",
        "legal_basis": "《中华人民共和国保守国家秘密法》第二条",
        "facts": "检查涉及商业秘密的生产工艺，当事人要求不录像",
    }
    return {**body, **overrides}


# Opening (R-03) -----------------------------------------------------------------------------


def test_an_officer_opens_an_activity_with_devices_and_a_ledger_entry(api, officer, issued):
    response = _as(api, officer).post(ACTIVITIES, _open_body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["type"] == "routine_inspection"
    assert data["officers"] == ["JX0227"] and data["devices"] == ["TA-007"]
    assert data["subject_name"] == "某某餐饮有限公司" and data["away_from_base"] is True
    activity = EnforcementActivity.objects.get(pk=data["id"])
    assert list(activity.officers.all()) == [officer]
    assert list(activity.devices.all()) == [issued]
    assert activity.opened_by == officer
    assert events_of(activity) == ["opened"]
    entry = last_entry_of(activity)
    assert entry.actor_id == officer.pk
    assert entry.payload["devices"] == ["TA-007"] and entry.payload["away_from_base"] is True


@pytest.mark.parametrize("role", ["custodian", "head"])
def test_only_officers_may_open_an_activity(api, request, device, role):
    _as(api, request.getfixturevalue(role))
    body = _open_body()
    refused(lambda **lang: api.post(ACTIVITIES, body, format="json", **lang), 403)
    assert not EnforcementActivity.objects.exists()


def test_an_anonymous_call_is_answered_401(api, activity):
    assert api.get(ACTIVITIES).status_code == 401
    assert api.post(ACTIVITIES, _open_body(), format="json").status_code == 401
    assert api.post(f"{ACTIVITIES}{activity.pk}/close/", {"ended_at": _iso()}).status_code == 401
    assert api.get(EXEMPTIONS).status_code == 401


@pytest.mark.parametrize("kind", ["parking", "ROUTINE_INSPECTION", ""])
def test_an_activity_type_outside_the_five_of_r03_is_refused(api, officer, device, kind):
    response = _as(api, officer).post(ACTIVITIES, _open_body(type=kind), format="json")
    assert "type" in field_errors(response)
    assert not EnforcementActivity.objects.exists()


def test_a_start_an_hour_in_the_future_is_refused(api, officer, issued):
    body = _open_body(started_at=_iso(timedelta(hours=1)))
    response = _as(api, officer).post(ACTIVITIES, body, format="json")
    assert response.status_code == 400
    assert "开始时间" in response.json()["detail"]
    assert not EnforcementActivity.objects.exists()
    assert not LedgerEntry.objects.filter(action=Action.ACTIVITY_EVENT).exists()


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [("officers", ["JX9999"], "JX9999"), ("devices", ["TZ-999"], "TZ-999"), ("officers", [], "")],
)
def test_unknown_officers_or_devices_are_refused(api, officer, device, field, value, said):
    response = _as(api, officer).post(ACTIVITIES, _open_body(**{field: value}), format="json")
    assert response.status_code == 400
    assert said in _text(response)
    assert not EnforcementActivity.objects.exists()


# Closing (R-09, R-13) -------------------------------------------------------------------------


def test_the_officer_closes_the_activity_with_a_ledger_entry(api, officer, activity):
    ended = _iso(-timedelta(minutes=1))
    response = _as(api, officer).post(
        f"{ACTIVITIES}{activity.pk}/close/", {"ended_at": ended}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["ended_at"]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    assert activity.ended_at is not None and activity.returned_at is None
    assert events_of(activity) == ["opened", "closed"]


def test_an_end_before_the_start_is_refused_and_the_activity_stays_open(api, officer, activity):
    before = (activity.started_at - timedelta(minutes=1)).isoformat()
    response = _as(api, officer).post(
        f"{ACTIVITIES}{activity.pk}/close/", {"ended_at": before}, format="json"
    )
    assert response.status_code == 400
    assert "早于开始时间" in response.json()["detail"]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN and activity.ended_at is None
    assert events_of(activity) == ["opened"]


def test_closing_twice_is_refused(api, officer, closed):
    response = _as(api, officer).post(
        f"{ACTIVITIES}{closed.pk}/close/", {"ended_at": _iso()}, format="json"
    )
    assert response.status_code == 400
    assert "已经结束" in response.json()["detail"]
    assert events_of(closed) == ["opened", "closed"]


def test_an_officer_not_on_the_activity_cannot_close_or_see_it(api, activity):
    colleague = UserFactory(roles=["officer"])
    _as(api, colleague)
    response = api.post(f"{ACTIVITIES}{activity.pk}/close/", {"ended_at": _iso()}, format="json")
    assert response.status_code == 404
    assert api.get(f"{ACTIVITIES}{activity.pk}/").status_code == 404
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN


# Corrections (hard rule 6, R-23) ---------------------------------------------------------------


def test_the_officer_corrects_the_start_with_a_reason_and_the_ledger_keeps_the_old_one(
    api, officer, activity
):
    old, new = activity.started_at, activity.started_at - timedelta(minutes=30)
    body = {"started_at": new.isoformat(), "reason": "到达时间填错了"}
    response = _as(api, officer).post(f"{ACTIVITIES}{activity.pk}/correct/", body, format="json")
    assert response.status_code == 200, response.content
    assert datetime.fromisoformat(response.json()["started_at"]) == new
    payload = last_entry_of(activity).payload
    assert payload["event"] == "corrected" and payload["reason"] == "到达时间填错了"
    assert set(payload["before"]) == {"started_at"} and payload["before"] != payload["after"]
    assert datetime.fromisoformat(payload["before"]["started_at"]) == old


def test_a_correction_without_a_reason_is_refused_in_both_languages(api, officer, activity):
    _as(api, officer)
    url = f"{ACTIVITIES}{activity.pk}/correct/"
    assert "reason" in field_errors(api.post(url, {"location": "东城区"}, format="json"))
    body = {"location": "东城区", "reason": " "}
    refused(lambda **lang: api.post(url, body, format="json", **lang), 400)
    activity.refresh_from_db()
    assert activity.location == "" and events_of(activity) == ["opened"]


@pytest.mark.parametrize("who", ["head", "custodian", "auditor"])
def test_roles_that_do_not_correct_activities_are_refused(api, request, who, activity):
    _as(api, request.getfixturevalue(who))
    steps = (("correct", {"location": "x", "reason": "r"}), ("cancel", {"reason": "r"}))
    for step, body in steps:
        url = f"{ACTIVITIES}{activity.pk}/{step}/"
        refused(lambda url=url, body=body, **lang: api.post(url, body, format="json", **lang), 403)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN and activity.location == ""


def test_the_records_office_cancels_an_activity_opened_by_mistake(api, records_clerk, activity):
    response = _as(api, records_clerk).post(
        f"{ACTIVITIES}{activity.pk}/cancel/", {"reason": "重复登记"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "重复登记"
    assert last_entry_of(activity).actor_id == records_clerk.pk


def test_a_start_in_2001_is_refused_as_a_late_entry_without_a_reason(api, officer, issued):
    _as(api, officer)
    body = _open_body(started_at="2001-03-02T09:00:00+08:00")
    refused(lambda **lang: api.post(ACTIVITIES, body, format="json", **lang), 400, "late_entry")
    assert not EnforcementActivity.objects.exists()
    body["late_reason"] = "整理旧档案时补录"
    response = api.post(ACTIVITIES, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["late_entry_reason"] == "整理旧档案时补录"


def test_a_recorder_not_issued_to_the_officer_needs_a_reason(api, officer, device):
    _as(api, officer)
    refused(
        lambda **lang: api.post(ACTIVITIES, _open_body(), format="json", **lang),
        400,
        "device_not_issued",
    )
    response = api.post(ACTIVITIES, _open_body(device_reason="临时借用"), format="json")
    assert response.status_code == 201 and response.json()["device_reason"] == "临时借用"


def test_away_from_base_the_return_time_given_at_close_is_stored(api, officer, issued):
    _as(api, officer)
    opened = api.post(ACTIVITIES, _open_body(away_from_base=True), format="json").json()
    ended, returned = timezone.now() - timedelta(minutes=10), timezone.now() - timedelta(minutes=1)
    response = api.post(
        f"{ACTIVITIES}{opened['id']}/close/",
        {"ended_at": ended.isoformat(), "returned_at": returned.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    activity = EnforcementActivity.objects.get(pk=opened["id"])
    assert activity.returned_at == returned and activity.ended_at == ended
    assert events_of(activity) == ["opened", "closed", "returned_to_base"]
    assert datetime.fromisoformat(last_entry_of(activity).payload["returned_at"]) == returned


def test_a_return_time_for_an_activity_at_base_is_refused_and_it_stays_open(api, officer, activity):
    body = {"ended_at": _iso(-timedelta(minutes=10)), "returned_at": _iso(-timedelta(minutes=1))}
    response = _as(api, officer).post(f"{ACTIVITIES}{activity.pk}/close/", body, format="json")
    assert response.status_code == 400
    assert "不是外出执法" in response.json()["detail"]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN and activity.returned_at is None
    assert events_of(activity) == ["opened"]


# Listing ----------------------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {a["id"] for a in response.json()["results"]}


def test_head_and_supervisor_see_every_activity_an_officer_only_theirs(
    api, officer, head, supervisor, activity
):
    colleague = UserFactory(roles=["officer"])
    theirs = lifecycle.open_activity(
        "complaint_handling", [colleague], timezone.now() - timedelta(hours=2), colleague
    )
    assert _ids(_as(api, head).get(ACTIVITIES)) == {activity.pk, theirs.pk}
    assert _ids(_as(api, supervisor).get(ACTIVITIES)) == {activity.pk, theirs.pk}
    assert _ids(_as(api, officer).get(ACTIVITIES)) == {activity.pk}
    assert _ids(_as(api, colleague).get(ACTIVITIES)) == {theirs.pk}
    assert _as(api, officer).get(f"{ACTIVITIES}{theirs.pk}/").status_code == 404


# Exemptions (R-04) ------------------------------------------------------------------------


def test_an_exemption_is_filed_only_after_the_activity_is_closed(api, officer, activity):
    _as(api, officer)
    early = api.post(EXEMPTIONS, _exemption_body(activity), format="json")
    assert early.status_code == 400
    assert "结束" in early.json()["detail"]
    assert not Exemption.objects.exists()
    lifecycle.close_activity(activity, timezone.now(), officer)
    response = api.post(EXEMPTIONS, _exemption_body(activity), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "filed"
    exemption = Exemption.objects.get(activity=activity)
    assert exemption.filed_by == officer and exemption.ground == "secrecy"
    assert events_of(activity) == ["opened", "closed", "exemption_filed"]
    assert last_entry_of(activity).payload["exemption"] == exemption.pk


@pytest.mark.parametrize("field", ["legal_basis", "facts"])
def test_an_exemption_without_legal_basis_or_facts_is_refused(api, officer, closed, field):
    body = _exemption_body(closed, **{field: ""})
    response = _as(api, officer).post(EXEMPTIONS, body, format="json")
    assert field in field_errors(response)
    assert not Exemption.objects.exists()


def test_no_explosion_proof_device_cannot_be_claimed_when_one_was_used(api, officer, custodian):
    proof = registry.register_device("EX-001", custodian, None, explosion_proof=True)
    plain = registry.register_device("TA-001", custodian, None)
    activity = lifecycle.open_activity(
        "routine_inspection",
        [officer],
        timezone.now() - timedelta(hours=1),
        officer,
        devices=[plain, proof],
        device_reason="临时借用保管室的记录仪",
    )
    lifecycle.close_activity(activity, timezone.now(), officer)
    body = _exemption_body(activity, ground="explosion_hazard")
    response = _as(api, officer).post(EXEMPTIONS, body, format="json")
    assert response.status_code == 400
    assert "EX-001" in response.json()["detail"] and "防爆" in response.json()["detail"]
    assert not Exemption.objects.exists()


def test_explosion_hazard_is_accepted_when_no_device_was_explosion_proof(api, officer, closed):
    body = _exemption_body(closed, ground="explosion_hazard")
    response = _as(api, officer).post(EXEMPTIONS, body, format="json")
    assert response.status_code == 201, response.content


def test_a_second_filing_while_one_is_pending_is_refused(api, officer, filed):
    response = _as(api, officer).post(EXEMPTIONS, _exemption_body(filed.activity), format="json")
    assert response.status_code == 400
    assert "重复报送" in response.json()["detail"]
    assert Exemption.objects.count() == 1


def test_an_officer_not_on_the_activity_cannot_file_for_it(api, closed):
    colleague = UserFactory(roles=["officer"])
    response = _as(api, colleague).post(EXEMPTIONS, _exemption_body(closed), format="json")
    assert response.status_code == 404
    assert not Exemption.objects.exists()


def test_the_oversight_office_acknowledges_an_exemption(api, oversight, filed):
    response = _as(api, oversight).post(f"{EXEMPTIONS}{filed.pk}/acknowledge/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"
    filed.refresh_from_db()
    assert filed.status == "acknowledged" and filed.reviewed_by == oversight
    assert events_of(filed.activity)[-1] == "exemption_acknowledged"
    assert last_entry_of(filed.activity).actor_id == oversight.pk
    again = api.post(f"{EXEMPTIONS}{filed.pk}/acknowledge/")
    assert again.status_code == 400
    assert "已经处理过" in again.json()["detail"]


@pytest.mark.parametrize("role", ["officer", "head"])
def test_only_the_oversight_office_acknowledges(api, request, filed, role):
    response = _as(api, request.getfixturevalue(role)).post(f"{EXEMPTIONS}{filed.pk}/acknowledge/")
    assert response.status_code == 403  # their role reviews no filing at all
    filed.refresh_from_db()
    assert filed.status == "filed" and filed.reviewed_by is None
    assert "exemption_acknowledged" not in events_of(filed.activity)


def test_a_return_needs_a_comment_and_then_the_officer_may_file_again(
    api, officer, oversight, filed
):
    url = f"{EXEMPTIONS}{filed.pk}/return/"
    _as(api, oversight)
    bare = api.post(url, {"comment": "  "}, format="json")
    assert bare.status_code == 400
    assert "意见" in bare.json()["detail"]
    filed.refresh_from_db()
    assert filed.status == "filed"
    comment = "请补充商业秘密的具体范围"
    response = api.post(url, {"comment": comment}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    assert response.json()["review_comment"] == comment
    assert events_of(filed.activity)[-1] == "exemption_returned"
    refiled = _as(api, officer).post(
        EXEMPTIONS,
        _exemption_body(filed.activity, facts="生产工艺属于商业秘密，范围见附件"),
        format="json",
    )
    assert refiled.status_code == 201, refiled.content
    assert Exemption.objects.filter(activity=filed.activity).count() == 2
    assert events_of(filed.activity)[-1] == "exemption_filed"


def test_the_officer_sees_their_filings_and_the_oversight_office_sees_all(
    api, officer, oversight, filed
):
    colleague = UserFactory(roles=["officer"])
    assert _ids(_as(api, officer).get(EXEMPTIONS)) == {filed.pk}
    assert _ids(_as(api, oversight).get(EXEMPTIONS)) == {filed.pk}
    assert _ids(_as(api, colleague).get(EXEMPTIONS)) == set()


# Refusals speak both languages ------------------------------------------------------------


@pytest.mark.parametrize("case", ["future_start", "end_before_start", "file_while_open"])
def test_api_refusals_are_given_in_the_language_asked_for(api, officer, activity, case):
    _as(api, officer)
    if case == "future_start":
        url, body = ACTIVITIES, _open_body(started_at=_iso(timedelta(hours=1)))
    elif case == "end_before_start":
        before = (activity.started_at - timedelta(minutes=1)).isoformat()
        url, body = f"{ACTIVITIES}{activity.pk}/close/", {"ended_at": before}
    else:
        url, body = EXEMPTIONS, _exemption_body(activity)
    refused(lambda **lang: api.post(url, body, format="json", **lang))


def test_the_return_from_work_away_from_base_is_recorded_through_the_api(api, officer):
    from datetime import timedelta

    start = timezone.now() - timedelta(hours=6)
    activity = lifecycle.open_activity(
        "investigation", [officer], start, officer, away_from_base=True
    )
    lifecycle.close_activity(activity, start + timedelta(hours=2), officer)
    api.force_authenticate(officer)
    back = (start + timedelta(hours=4)).isoformat()
    response = api.post(f"{ACTIVITIES}{activity.pk}/return/", {"returned_at": back}, format="json")
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.returned_at == start + timedelta(hours=4)
    early = (start + timedelta(hours=1)).isoformat()
    refused = api.post(f"{ACTIVITIES}{activity.pk}/return/", {"returned_at": early}, format="json")
    assert refused.status_code == 400 and "返回时间应在活动结束之后" in refused.json()["detail"]
