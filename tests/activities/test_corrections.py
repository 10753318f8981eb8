"""Correcting an activity, or cancelling one opened by mistake (hard rule 6; R-02, R-03, R-13,
R-23): refused for the wrong person, accepted with a reason, the ledger keeps what was replaced,
links and deadlines follow the corrected facts, and the original files are never touched."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.activities import corrections, lifecycle
from bodycam.activities.models import ActivityStatus, EnforcementActivity
from bodycam.compliance import engine
from bodycam.compliance.models import Rule, Status
from bodycam.devices import registry
from bodycam.ledger.entries import format_time
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings import linking, timing
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store
from tests.compliance.scenes import found, ingest, segment
from tests.factories import UserFactory
from tests.ledger_entries import events_of, last_entry_of

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(second=0, microsecond=0)
TRUE_START = NOW - timedelta(hours=3)


@pytest.fixture
def mistyped(officer, issued):
    """An open inspection whose start the officer typed two hours late (the truth: 3 h ago)."""
    return lifecycle.open_activity(
        "routine_inspection", [officer], NOW - timedelta(hours=1), officer, devices=[issued]
    )


@pytest.fixture
def clip(tmp_path, officer, issued, mistyped):
    """Recorded ten minutes after the true start: before the typed one, so linked to nothing."""
    made = segment(tmp_path, "a.mp4", TRUE_START + timedelta(minutes=10), 3)
    recording = ingest(made, officer, issued, None)
    assert recording.activity is None
    return recording


def _stored_hash(recording: Recording) -> str:
    with blob_store().open(recording.sha256) as blob:
        return hashlib.sha256(blob.read()).hexdigest()


def _links(recording: Recording) -> list[dict]:
    entries = LedgerEntry.objects.filter(
        action=Action.LINK_CHANGE, subject_id=str(recording.pk)
    ).order_by("seq")
    return [e.payload for e in entries]


def test_the_officer_corrects_a_mistyped_start_and_the_recording_links_to_it(
    officer, mistyped, clip
):
    unlinked_deadline = clip.upload_deadline
    corrections.correct_activity(mistyped, officer, "到达时间填错了", started_at=TRUE_START)
    mistyped.refresh_from_db()
    assert mistyped.started_at == TRUE_START
    entry = last_entry_of(mistyped)
    assert entry.payload["event"] == "corrected" and entry.actor_id == officer.pk
    assert entry.payload["reason"] == "到达时间填错了"
    assert entry.payload["before"] == {"started_at": format_time(NOW - timedelta(hours=1))}
    assert entry.payload["after"] == {"started_at": format_time(TRUE_START)}
    clip.refresh_from_db()
    assert clip.activity == mistyped  # linked by the corrected facts
    assert _links(clip)[-1] == {"before": None, "after": mistyped.pk, "how": "after correction"}
    assert clip.upload_deadline is not None and unlinked_deadline is not None
    assert _stored_hash(clip) == clip.sha256  # the original is never changed


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(officer, mistyped):
    entries = LedgerEntry.objects.count()
    with pytest.raises(Refused) as refused:
        corrections.correct_activity(mistyped, officer, "  ", started_at=TRUE_START)
    assert refused.value.code == "reason_required" and "理由" in refused.value.text()
    mistyped.refresh_from_db()
    assert mistyped.started_at == NOW - timedelta(hours=1)
    assert LedgerEntry.objects.count() == entries


def test_a_correction_that_changes_nothing_is_refused(officer, mistyped):
    with pytest.raises(Refused) as refused:
        corrections.correct_activity(mistyped, officer, "理由", started_at=mistyped.started_at)
    assert refused.value.code == "nothing_changed"


def test_an_officer_not_on_the_activity_may_not_correct_or_cancel_it(mistyped):
    stranger = UserFactory(roles=["officer"])
    with pytest.raises(Refused) as refused:
        corrections.correct_activity(mistyped, stranger, "理由", subject_name="别的单位")
    assert refused.value.code == "not_permitted" and refused.value.http_status == 403
    with pytest.raises(Refused):
        corrections.cancel_activity(mistyped, stranger, "误开")
    mistyped.refresh_from_db()
    assert mistyped.status == ActivityStatus.OPEN and mistyped.subject_name == ""


def test_after_the_correction_window_only_the_records_office_corrects(
    officer, records_clerk, settings
):
    settings.ACTIVITY_CORRECTION_DAYS = 7
    start = NOW - timedelta(days=9)
    activity = lifecycle.open_activity(
        "investigation", [officer], start, officer, late_reason="纸质登记后补录"
    )
    lifecycle.close_activity(activity, start + timedelta(days=1), officer)
    with pytest.raises(Refused) as refused:
        corrections.correct_activity(activity, officer, "地点填错", location="东城区")
    assert refused.value.code == "correction_window" and "综合科" in refused.value.text()
    corrections.correct_activity(activity, records_clerk, "地点填错", location="东城区")
    activity.refresh_from_db()
    assert activity.location == "东城区"
    assert last_entry_of(activity).payload["before"] == {"location": ""}


def test_officers_and_devices_are_corrected_as_lists_in_the_ledger(
    officer, mistyped, custodian, issued
):
    partner = UserFactory(roles=["officer"], username="officer_wang")
    corrections.correct_activity(mistyped, officer, "漏填了同事", officers=[officer, partner])
    assert set(mistyped.officers.all()) == {officer, partner}
    payload = last_entry_of(mistyped).payload
    assert payload["before"] == {"officers": [officer.username]}
    assert payload["after"] == {"officers": sorted([officer.username, "officer_wang"])}


def test_a_link_made_by_hand_stays_through_a_correction(officer, records_clerk, mistyped, clip):
    linking.link_by_hand(clip, mistyped, records_clerk)
    corrections.correct_activity(mistyped, officer, "单位名称填错", subject_name="某某超市")
    clip.refresh_from_db()
    assert clip.activity == mistyped
    assert _links(clip)[-1]["how"] == "by hand"


def test_a_recording_that_no_longer_fits_leaves_and_its_deadline_follows(officer, mistyped, clip):
    corrections.correct_activity(mistyped, officer, "到达时间填错了", started_at=TRUE_START)
    clip.refresh_from_db()
    linked_deadline = clip.upload_deadline
    lifecycle.close_activity(mistyped, timezone.now(), officer)
    corrections.correct_activity(
        mistyped, officer, "又填错了，实际是一小时前到的", started_at=NOW - timedelta(hours=1)
    )
    clip.refresh_from_db()
    assert clip.activity is None
    assert _links(clip)[-1] == {"before": mistyped.pk, "after": None, "how": "after correction"}
    assert clip.upload_deadline == timing.upload_deadline(clip.recorded_at, None)
    assert linked_deadline is not None
    assert _stored_hash(clip) == clip.sha256


def test_a_start_long_past_is_taken_only_as_a_late_entry_with_a_reason(officer):
    long_ago = NOW.replace(year=2001)
    with pytest.raises(Refused) as refused:
        lifecycle.open_activity("routine_inspection", [officer], long_ago, officer)
    assert refused.value.code == "late_entry" and "补录" in refused.value.text()
    assert not EnforcementActivity.objects.exists()
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], long_ago, officer, late_reason="整理旧档案时补录"
    )
    assert activity.late_entry_reason == "整理旧档案时补录"
    assert last_entry_of(activity).payload["late_entry_reason"] == "整理旧档案时补录"


def test_a_start_before_the_rules_took_effect_is_a_late_entry_even_if_recent(officer, settings):
    settings.REGULATION_EFFECTIVE_DATE = (NOW + timedelta(days=2)).date()
    with pytest.raises(Refused) as refused:
        lifecycle.open_activity("routine_inspection", [officer], NOW, officer)
    assert refused.value.code == "late_entry"


def test_correcting_the_start_into_the_far_past_needs_a_late_entry_reason(officer, mistyped):
    with pytest.raises(Refused) as refused:
        corrections.correct_activity(mistyped, officer, "年份", started_at=NOW.replace(year=2001))
    assert refused.value.code == "late_entry"
    corrections.correct_activity(
        mistyped, officer, "年份", started_at=NOW - timedelta(days=5), late_reason="出差回来补录"
    )
    mistyped.refresh_from_db()
    assert mistyped.late_entry_reason == "出差回来补录"


def test_a_recorder_not_issued_to_the_officers_needs_a_reason(officer, custodian):
    borrowed = registry.register_device("TB-100", custodian, None)
    with pytest.raises(Refused) as refused:
        lifecycle.open_activity("routine_inspection", [officer], NOW, officer, devices=[borrowed])
    assert refused.value.code == "device_not_issued" and "TB-100" in refused.value.text()
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], NOW, officer, devices=[borrowed],
        device_reason="本人记录仪没电，临时借用",
    )  # fmt: skip
    assert activity.device_reason == "本人记录仪没电，临时借用"


def test_a_cancelled_activity_stays_and_is_no_longer_required(officer):
    start = NOW - timedelta(hours=2)
    activity = lifecycle.open_activity("investigation", [officer], start, officer)
    lifecycle.close_activity(activity, NOW - timedelta(hours=1), officer)
    engine.check_activity(activity.pk)
    [missing] = found(Rule.MISSING_RECORDING, activity=activity)
    corrections.cancel_activity(activity, officer, "重复登记，同一次检查已另开活动")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED
    assert activity.get_status_display() == "已撤销"
    assert activity.cancel_reason == "重复登记，同一次检查已另开活动"
    assert events_of(activity)[-1] == "cancelled"
    engine.check_activity(activity.pk)
    missing.refresh_from_db()
    assert missing.status == Status.CLEARED


def test_cancelling_unlinks_every_recording_and_refuses_new_links(
    officer, records_clerk, mistyped, clip
):
    linking.link_by_hand(clip, mistyped, records_clerk)
    corrections.cancel_activity(mistyped, officer, "误开")
    clip.refresh_from_db()
    assert clip.activity is None
    with pytest.raises(Refused) as refused:
        linking.link_by_hand(clip, mistyped, records_clerk)
    assert refused.value.code == "cancelled"
    with pytest.raises(Refused):
        corrections.correct_activity(mistyped, records_clerk, "恢复", subject_name="x")
    assert _stored_hash(clip) == clip.sha256
