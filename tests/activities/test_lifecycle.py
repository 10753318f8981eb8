"""Opening and closing activities (R-03, R-09, R-13) and the effective date (R-23)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.activities import lifecycle
from bodycam.activities.models import ActivityStatus
from bodycam.devices import registry
from bodycam.lib.errors import Refused
from tests.devices.factories import make_device
from tests.ledger_entries import events_of

pytestmark = pytest.mark.django_db


def _open(officer, **extra):
    start = extra.pop("started_at", timezone.now() - timedelta(hours=1))
    return lifecycle.open_activity("routine_inspection", [officer], start, officer, **extra)


def test_an_activity_opens_and_closes_with_ledger_entries(officer, custodian):
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    activity = _open(officer, devices=[device], subject_name="某某餐饮有限公司")
    assert activity.status == ActivityStatus.OPEN and list(activity.devices.all()) == [device]
    lifecycle.close_activity(activity, timezone.now(), officer)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    assert events_of(activity) == ["opened", "closed"]


@pytest.mark.parametrize("kind", ["parking", "", "ROUTINE_INSPECTION"])
def test_only_the_five_types_of_r03_are_accepted(officer, kind):
    with pytest.raises(Refused, match="五类"):
        lifecycle.open_activity(kind, [officer], timezone.now(), officer)


def test_an_activity_needs_officers(officer, head):
    with pytest.raises(Refused, match="至少"):
        lifecycle.open_activity("routine_inspection", [], timezone.now(), officer)
    with pytest.raises(Refused, match="不是执法人员"):
        lifecycle.open_activity("routine_inspection", [head], timezone.now(), head)


def test_a_start_in_the_future_is_refused(officer):
    with pytest.raises(Refused, match="晚于当前时间"):
        _open(officer, started_at=timezone.now() + timedelta(hours=2))


def test_an_end_before_the_start_is_refused_and_nothing_changes(officer):
    activity = _open(officer)
    with pytest.raises(Refused, match="早于开始时间"):
        lifecycle.close_activity(activity, activity.started_at - timedelta(minutes=1), officer)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN and activity.ended_at is None
    assert events_of(activity) == ["opened"]


def test_closing_twice_is_refused(officer):
    activity = _open(officer)
    lifecycle.close_activity(activity, timezone.now(), officer)
    with pytest.raises(Refused, match="已经结束"):
        lifecycle.close_activity(activity, timezone.now(), officer)


def test_away_from_base_keeps_the_return_time_for_the_deadline(officer):
    activity = _open(officer, away_from_base=True, started_at=timezone.now() - timedelta(hours=5))
    ended = timezone.now() - timedelta(hours=3)
    lifecycle.close_activity(activity, ended, officer)
    with pytest.raises(Refused, match="结束之后"):
        lifecycle.record_return(activity, ended - timedelta(minutes=5), officer)
    lifecycle.record_return(activity, ended + timedelta(hours=2), officer)
    activity.refresh_from_db()
    assert activity.returned_at == ended + timedelta(hours=2)
    assert events_of(activity) == ["opened", "closed", "returned_to_base"]


def test_a_return_time_only_for_work_away_from_base(officer):
    activity = _open(officer)
    lifecycle.close_activity(activity, timezone.now(), officer)
    with pytest.raises(Refused, match="不是外出执法"):
        lifecycle.record_return(activity, timezone.now(), officer)


def test_activities_before_the_effective_date_are_not_judged(officer, settings):
    from bodycam.lib import wallclock

    started = timezone.now() - timedelta(hours=1)
    day = wallclock.local_day(started)  # R-23 is judged by the Beijing day the activity began
    settings.REGULATION_EFFECTIVE_DATE = day + timedelta(days=1)
    before = _open(officer, started_at=started, late_reason="规定施行前的纸质记录补录")
    assert not lifecycle.is_judged(before)
    settings.REGULATION_EFFECTIVE_DATE = day
    assert lifecycle.is_judged(_open(officer, started_at=started))
