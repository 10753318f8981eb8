"""Scenarios of the compliance rules on real media made by PyAV (and espeak-ng for speech): each
breach is found once, with its facts; what is allowed is not found; re-running changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.compliance import engine, handling
from bodycam.compliance.models import Finding, Rule, Status
from bodycam.devices import checks
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from tests import media
from tests.compliance.scenes import BEIJING, close, found, ingest, segment, stamp

pytestmark = pytest.mark.django_db


def test_a_long_gap_is_one_interruption_and_a_recorder_split_is_none(
    tmp_path, today, officer, issued
):
    start = today.started_at
    first = ingest(segment(tmp_path, "a.mp4", start, 5), officer, issued, today)
    second = ingest(segment(tmp_path, "b.mp4", start + timedelta(seconds=6), 5), officer,
                    issued, today)  # fmt: skip
    third = ingest(segment(tmp_path, "c.mp4", start + timedelta(seconds=251), 5), officer,
                   issued, today)  # fmt: skip
    close(today, officer, timedelta(seconds=258))
    engine.check_activity(today.pk)
    gaps = found(Rule.INTERRUPTION)
    assert len(gaps) == 1
    assert gaps[0].facts["gap_seconds"] == pytest.approx(240, abs=0.5)  # AAC priming: ~0.1 s
    assert (gaps[0].facts["before"], gaps[0].facts["after"]) == (second.pk, third.pk)
    assert gaps[0].officer == officer and gaps[0].requirement == "R-09"
    assert first.pk not in (gaps[0].facts["before"], gaps[0].facts["after"])
    with pytest.raises(Refused) as refused:
        handling.explain(gaps[0], officer, "电池没电，换电池")
    assert refused.value.code == "cause_required"  # the cause is named
    handling.explain(gaps[0], officer, "电池没电，更换电池后继续录像", cause="battery",
                     spoken_at_seconds=2.0)  # fmt: skip
    assert Finding.objects.get(pk=gaps[0].pk).status == Status.EXPLAINED
    engine.check_activity(today.pk)  # the explanation survives a re-run
    assert Finding.objects.get(pk=gaps[0].pk).status == Status.EXPLAINED


def test_a_recording_ingested_after_its_deadline_is_a_late_upload(tmp_path, issued, officer):
    start = timezone.now().replace(microsecond=0) - timedelta(days=3)
    activity = lifecycle.open_activity("investigation", [officer], start, officer,
                                       devices=[issued], late_reason="事后补录")  # fmt: skip
    close(activity, officer, timedelta(minutes=1))
    recording = ingest(segment(tmp_path, "late.mp4", start, 5), officer, issued, activity)
    engine.check_recording(recording.pk)
    late = found(Rule.LATE_UPLOAD, recording=recording)
    assert len(late) == 1 and late[0].requirement == "R-13"
    assert late[0].facts["late_seconds"] > 24 * 3600


def test_a_clock_three_hours_off_is_found(tmp_path, today, officer, issued):
    off = today.started_at - timedelta(hours=3)
    recording = ingest(segment(tmp_path, "off.mp4", off, 5), officer, issued, today)
    engine.check_recording(recording.pk)
    clocks = found(Rule.CLOCK, recording=recording)
    assert len(clocks) == 1 and clocks[0].facts["before_activity_seconds"] == 3 * 3600


def test_a_file_name_and_container_three_hours_apart_are_a_clock_finding(
    tmp_path, today, officer, issued
):
    """R-07: the recorder writes both from one clock; 3 h apart fits no convention (8 h would)."""
    start = today.started_at
    wrong = (start + timedelta(hours=3)).astimezone(BEIJING)
    name = f"{issued.serial}_{officer.badge_number}_{wrong:%Y%m%d%H%M%S}.MP4"
    recording = ingest(segment(tmp_path, name, start, 5), officer, issued, today)
    assert recording.needs_review  # the records office identifies the true time (待核实)
    engine.check_recording(recording.pk)
    (clock,) = found(Rule.CLOCK, recording=recording)
    assert clock.facts["name_difference_seconds"] == -3 * 3600
    assert clock.facts["name_time"] == wrong.strftime("%Y-%m-%d %H:%M:%S")


def test_a_pre_use_check_showing_a_wrong_clock_is_found_on_that_days_recordings(
    tmp_path, today, officer, issued
):
    now = timezone.now()
    reading = checks.Reading(no_fault=True, battery_percent=90, free_storage_gb=Decimal(30),
                             device_clock=now + timedelta(minutes=7))  # fmt: skip
    checks.record_check(issued, reading, officer)
    recording = ingest(segment(tmp_path, "ok.mp4", today.started_at, 5), officer, issued, today)
    engine.check_recording(recording.pk)
    (clock,) = found(Rule.CLOCK, recording=recording)
    assert 400 < clock.facts["offset_seconds"] < 440


def test_a_required_activity_without_recording_is_found_unless_exempted(issued, officer, oversight):
    start = timezone.now() - timedelta(hours=2)
    bare = lifecycle.open_activity("coercive_measure", [officer], start, officer)
    close(bare, officer, timedelta(minutes=30))
    exempted = lifecycle.open_activity("coercive_measure", [officer], start, officer)
    close(exempted, officer, timedelta(minutes=30))
    filed = exemptions.file_exemption(exempted, "emergency", "第四条", "火情", officer)
    exemptions.review_exemption(filed, oversight, accept=True)
    engine.run_all(analyse=False)
    missing = found(Rule.MISSING_RECORDING)
    assert [f.activity for f in missing] == [bare]
    assert missing[0].severity == 3


def test_an_unlinked_recording_is_found_after_the_days_allowed(tmp_path, officer):
    recording = ingest(media.make_mp4(tmp_path / "lost.mp4", 2), officer, None, None)
    engine.check_recording(recording.pk)
    assert not found(Rule.UNLINKED)
    engine.check_recording(recording.pk, now=timezone.now() + timedelta(days=3))
    assert len(found(Rule.UNLINKED, recording=recording)) == 1


def test_a_truncated_file_is_a_damaged_file(tmp_path, officer):
    cut = media.truncate(media.make_mp4(tmp_path / "cut.mp4", 4, faststart=True), 0.6)
    recording = ingest(cut, officer, None, None)
    engine.check_recording(recording.pk)
    (damaged,) = found(Rule.DAMAGED_FILE, recording=recording)
    assert damaged.requirement == "R-11" and damaged.facts["reason"]


def test_the_notification_spoken_at_the_start_is_heard_and_a_tone_is_not(
    tmp_path, today, officer, issued
):
    spoken = media.make_speaking_mp4(tmp_path / "spoken.mp4", 12,
                                     creation_time=stamp(today.started_at))  # fmt: skip
    ingest(spoken, officer, issued, today)
    engine.run_all()
    assert not found(Rule.NO_NOTIFICATION_SPEECH, activity=today)
    assert not found(Rule.SILENT_RECORDING)

    later = lifecycle.open_activity("routine_inspection", [officer], today.started_at, officer,
                                    devices=[issued])  # fmt: skip
    tone = segment(tmp_path, "tone.mp4", today.started_at, 40)
    silent = ingest(tone, officer, issued, later)
    engine.run_all()
    (unheard,) = found(Rule.NO_NOTIFICATION_SPEECH, activity=later)
    assert unheard.facts["recording"] == silent.pk and unheard.requirement == "R-08"
    assert len(found(Rule.SILENT_RECORDING, recording=silent)) == 1


def test_re_running_changes_nothing_and_a_breach_that_ends_is_cleared(
    tmp_path, officer, records_clerk, today, issued
):
    recording = ingest(media.make_mp4(tmp_path / "lost.mp4", 2), officer, None, None)
    later = timezone.now() + timedelta(days=3)
    engine.run_all(now=later)
    rows, entries = Finding.objects.count(), LedgerEntry.objects.count()
    again = engine.run_all(now=later)
    assert again.found == again.updated == again.cleared == 0
    assert (Finding.objects.count(), LedgerEntry.objects.count()) == (rows, entries)
    from bodycam.recordings.linking import link_by_hand

    link_by_hand(recording, today, records_clerk)
    engine.run_all(now=later)
    (unlinked,) = found(Rule.UNLINKED, recording=recording)
    assert unlinked.status == Status.CLEARED  # kept, never deleted


def test_that_day_is_the_beijing_day_whoever_runs_the_rules(issued, officer):
    """R-07 in a worker (no time zone activated): an activity at 07:30 in Beijing (23:30 UTC the
    evening before) and a check at 08:30 in Beijing (00:30 UTC) are the same day."""
    from datetime import datetime

    from bodycam.devices.models import PreUseCheck

    morning = datetime(2026, 11, 20, 7, 30, tzinfo=BEIJING)
    reading = checks.Reading(no_fault=True, battery_percent=90, free_storage_gb=Decimal(30),
                             device_clock=timezone.now())  # fmt: skip
    check = checks.record_check(issued, reading, officer)
    PreUseCheck.objects.filter(pk=check.pk).update(checked_at=morning + timedelta(hours=1))
    activity = lifecycle.open_activity("routine_inspection", [officer], morning, officer,
                                       devices=[issued])  # fmt: skip
    close(activity, officer, timedelta(minutes=30))
    assert timezone.get_current_timezone_name() == "UTC"  # as in the worker
    engine.check_activity(activity.pk)
    assert not found(Rule.NO_PRE_USE_CHECK, activity=activity)
