"""Ingest: every file of a docked recorder hashed once, stored once, never lost (R-11, R-13)."""

import hashlib
import json
import stat
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from bodycam.activities import lifecycle
from bodycam.devices import checks, registry
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.models import Condition, Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from tests import media
from tests.devices.factories import make_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(tmp_path):
    """A docked recorder's card, as the records office sees it."""
    return media.make_recorder_folder(tmp_path / "recorder")


@pytest.fixture
def recorder(custodian, officer):
    device = make_device(custodian, "TA00716", model="DSJ-V9")
    registry.issue_device(device, officer, custodian)
    return device


def _ingest(*paths, **flags) -> list[dict]:
    from io import StringIO

    out = StringIO()
    call_command("ingest", *map(str, paths), as_json=True, stdout=out, stderr=StringIO(), **flags)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _by_path(results: list[dict]) -> dict[str, dict]:
    return {r["path"]: r for r in results}


def _as_device_writes(moment) -> str:
    """The container stamp a recorder writes: Beijing wall-clock time labelled UTC."""
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def _clip(folder, moment):
    """A clip TA00716/JX0227 recorded at `moment`, named and stamped as the recorder does."""
    wall = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    name = f"TA00716_JX0227_{wall:%Y%m%d%H%M%S}.MP4"
    return media.make_mp4(folder / name, creation_time=_as_device_writes(moment))


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_file_of_the_card_gets_its_status(card, recorder):
    results = _by_path(_ingest(card["segment1"].parents[2]))
    status = {role: results[str(path)]["status"] for role, path in card.items()}
    assert status == {
        "segment1": "stored", "segment2": "stored", "truncated": "damaged", "hevc": "stored",
        "wav": "stored", "jpg": "stored", "chinese": "stored", "empty": "empty",
        "dat": "skipped", "log": "skipped",
    }  # fmt: skip
    assert Recording.objects.count() == 7
    assert Recording.objects.get(sha256=_sha(card["truncated"])).condition == Condition.DAMAGED


def test_the_stored_bytes_equal_the_source_and_the_blob_is_read_only(card, recorder, settings):
    before = {role: (_sha(p), p.stat().st_mtime_ns) for role, p in card.items()}
    _ingest(card["segment1"], card["truncated"], card["chinese"])
    store = blob_store()
    for role in ("segment1", "truncated", "chinese"):
        digest = before[role][0]
        with store.open(digest) as blob:
            assert blob.read() == card[role].read_bytes()
        blob_path = settings.BLOB_STORAGE_DIR / digest[:2] / digest[2:4] / digest
        assert stat.S_IMODE(blob_path.stat().st_mode) == 0o400
    after = {role: (_sha(p), p.stat().st_mtime_ns) for role, p in card.items()}
    assert after == before  # the recorder's files are never modified


def test_row_ledger_entry_and_follow_up_job_come_together(card, recorder, officer):
    [result] = _ingest(card["segment1"])
    recording = Recording.objects.get(pk=result["recording_id"])
    assert result["sha256"] == recording.sha256 == _sha(card["segment1"])
    entry = LedgerEntry.objects.get(action=Action.INGEST, subject_id=str(recording.pk))
    assert entry.subject_sha256 == recording.sha256
    assert entry.payload["size"] == card["segment1"].stat().st_size
    job = DBTaskResult.objects.get(task_path="bodycam.recordings.tasks.process_recording")
    assert job.args_kwargs["args"] == [recording.pk]


def test_a_failed_transaction_leaves_no_row_no_entry_no_job_and_a_rerun_completes(card, recorder):
    with pytest.raises(RuntimeError), transaction.atomic():
        list(ingest_paths([card["segment1"]], Given()))
        raise RuntimeError("the database went away before commit")
    assert not Recording.objects.exists()
    assert not LedgerEntry.objects.filter(action=Action.INGEST).exists()
    assert not DBTaskResult.objects.exists()
    assert blob_store().exists(_sha(card["segment1"]))  # the blob may stay; it is harmless
    [result] = _ingest(card["segment1"])
    assert result["status"] == "stored" and Recording.objects.count() == 1


def test_a_second_ingest_stores_nothing_twice_and_records_the_sighting(card, recorder):
    _ingest(card["segment1"], card["segment2"])
    again = _ingest(card["segment1"], card["segment2"])
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert Recording.objects.count() == 2
    assert LedgerEntry.objects.filter(action=Action.DUPLICATE_SEEN).count() == 2


def test_an_empty_file_is_recorded_as_an_event_and_stores_nothing(card):
    [result] = _ingest(card["empty"])
    assert result["status"] == "empty" and result["recording_id"] is None
    assert LedgerEntry.objects.filter(action=Action.EMPTY_FILE).count() == 1
    assert not Recording.objects.exists()


def test_who_and_when_come_from_the_file_name_and_the_container(card, recorder, officer):
    [result] = _ingest(card["segment1"])
    recording = Recording.objects.get(pk=result["recording_id"])
    assert (recording.device, recording.officer) == (recorder, officer)
    assert (recording.serial_raw, recording.badge_raw) == ("TA00716", "JX0227")
    # Beijing wall time written as if it were UTC: 09:36:21 in Beijing is 01:36:21 UTC.
    assert recording.recorded_at_raw == "2026-11-20T09:36:21.000000Z"
    assert recording.recorded_at == datetime(2026, 11, 20, 1, 36, 21, tzinfo=UTC)
    assert recording.time_source == "container" and not recording.needs_review
    assert (recording.video_codec, recording.audio_codec) == ("h264", "aac")
    assert abs(recording.duration.total_seconds() - 2.0) < 0.3


def test_the_latest_pre_use_check_corrects_a_fast_device_clock(card, recorder, officer):
    from decimal import Decimal

    from django.utils import timezone

    reading = checks.Reading(True, 90, Decimal(30), timezone.now() + timedelta(seconds=30))
    check = checks.record_check(recorder, reading, officer)
    # the check happened after this recording; make the recording after the check instead
    clip = _clip(card["segment1"].parent, check.checked_at + timedelta(minutes=5))
    [result] = _ingest(clip)
    recording = Recording.objects.get(pk=result["recording_id"])
    assert abs(recording.clock_offset.total_seconds() - 30) < 1
    expected = (check.checked_at + timedelta(minutes=5) - timedelta(seconds=30)).replace(
        microsecond=0
    )
    assert abs((recording.recorded_at - expected).total_seconds()) < 1.5


def _true_utc_clip(folder, moment, name_offset=timedelta(0)):
    """A clip from a recorder that stamps its container in true UTC and names files in Beijing
    wall time (its clock `name_offset` away from the container's, if given)."""
    wall = (moment + name_offset).astimezone(ZoneInfo("Asia/Shanghai"))
    name = f"TA00716_JX0227_{wall:%Y%m%d%H%M%S}.MP4"
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    return media.make_mp4(folder / name, creation_time=stamp)


def test_the_clock_convention_is_a_per_model_setting(tmp_path, recorder, settings):
    settings.DEVICE_CLOCK_BY_MODEL = {"DSJ-V9": "utc"}
    moment = datetime(2026, 11, 20, 9, 36, 21, tzinfo=UTC)
    [result] = _ingest(_true_utc_clip(tmp_path, moment))
    recording = Recording.objects.get(pk=result["recording_id"])
    assert recording.recorded_at == moment
    assert recording.clock_convention == "utc" and not recording.needs_review


def test_a_container_in_true_utc_is_read_the_way_its_file_name_agrees_with(
    tmp_path, recorder, client, records_clerk
):
    """R-07: the model is set to "Beijing time labelled UTC", but this recorder writes true UTC;
    read the default way, the file would be placed 8 hours early without a word."""
    moment = datetime(2026, 11, 20, 1, 36, 21, tzinfo=UTC)
    [result] = _ingest(_true_utc_clip(tmp_path, moment))
    recording = Recording.objects.get(pk=result["recording_id"])
    assert recording.recorded_at == moment
    assert recording.clock_convention == "utc" and not recording.needs_review
    client.force_login(records_clerk)
    page = client.get(f"/recordings/{recording.pk}/").content.decode()
    assert "按协调世界时（UTC）解读：与文件名中的时间一致" in page


def test_a_file_name_three_hours_from_its_container_is_flagged_for_identification(
    tmp_path, recorder, client, records_clerk
):
    moment = datetime(2026, 11, 20, 1, 36, 21, tzinfo=UTC)
    clip = _clip(tmp_path, moment)
    three_hours_later = tmp_path / clip.name.replace("093621", "123621")
    clip.rename(three_hours_later)
    [result] = _ingest(three_hours_later)
    recording = Recording.objects.get(pk=result["recording_id"])
    assert recording.recorded_at == moment  # the container's reading, until someone corrects it
    assert recording.needs_review
    [note] = [n for n in recording.review_notes if n["code"] == "name_time_disagrees"]
    assert note == {
        "code": "name_time_disagrees",
        "value": "2026-11-20 12:36:21",
        "difference_seconds": -3 * 3600,
    }
    client.force_login(records_clerk)
    page = client.get(f"/recordings/{recording.pk}/").content.decode()
    assert "文件内记录时间与文件名中的时间（2026-11-20 12:36:21）相差 3 小时 0 分" in page


def test_a_split_file_stamped_when_it_closes_still_agrees_with_its_name(tmp_path, recorder):
    moment = datetime(2026, 11, 20, 1, 36, 21, tzinfo=UTC)
    wall = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    closed = _as_device_writes(moment + timedelta(seconds=62))  # 2 s file, 60 s of slack
    clip = media.make_mp4(
        tmp_path / f"TA00716_JX0227_{wall:%Y%m%d%H%M%S}.MP4", creation_time=closed
    )
    [result] = _ingest(clip)
    assert not Recording.objects.get(pk=result["recording_id"]).needs_review


def test_unknown_serial_and_badge_are_stored_all_the_same_and_flagged(tmp_path):
    clip = media.make_mp4(tmp_path / "ZZ99999_XX0001_20261120093621.MP4")
    [result] = _ingest(clip)
    recording = Recording.objects.get(pk=result["recording_id"])
    assert result["status"] == "stored" and recording.needs_review
    codes = {note["code"] for note in recording.review_notes}
    assert {"unknown_serial", "unknown_badge", "no_officer"} <= codes


def test_flags_name_the_device_and_officer_of_hand_named_files(card, recorder, officer):
    [result] = _ingest(card["chinese"], device="TA00716", officer="JX0227")
    recording = Recording.objects.get(pk=result["recording_id"])
    assert (recording.device, recording.officer, recording.needs_review) == (
        recorder,
        officer,
        False,
    )


def test_a_recording_links_to_the_activity_it_was_made_in(card, recorder, officer):
    start = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 Beijing
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], start, officer, devices=[recorder], late_reason="补录"
    )
    lifecycle.close_activity(activity, start + timedelta(minutes=40), officer)
    [result] = _ingest(card["segment1"])
    recording = Recording.objects.get(pk=result["recording_id"])
    assert recording.activity == activity
    link = LedgerEntry.objects.get(action=Action.LINK_CHANGE, subject_id=str(recording.pk))
    assert link.payload["after"] == activity.pk and link.payload["how"] == "matched"
    # due by the end of 2026-11-20 in Beijing; ingested today, so late.
    assert recording.upload_deadline == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert recording.deadline_met is False


def test_work_away_from_base_is_due_24_hours_after_the_return(tmp_path, recorder, officer):
    from django.utils import timezone

    start = timezone.now() - timedelta(hours=30)
    activity = lifecycle.open_activity("investigation", [officer], start, officer,
                                       devices=[recorder], away_from_base=True)  # fmt: skip
    lifecycle.close_activity(activity, start + timedelta(hours=2), officer,
                             returned_at=start + timedelta(hours=20))  # fmt: skip
    clip = _clip(tmp_path, start + timedelta(minutes=30))
    [result] = _ingest(clip)
    recording = Recording.objects.get(pk=result["recording_id"])
    assert recording.activity == activity
    assert recording.upload_deadline == start + timedelta(hours=44)
    assert recording.deadline_met is True


def test_hostile_names_cannot_escape_the_store(tmp_path, settings):
    import os

    folder = tmp_path / "odd"
    folder.mkdir()
    names = ["..mp4", "a\nb.mp4", "\x1b[31mred.mp4", "-rf.mp4", " .mp4", "x" * 200 + ".mp4"]
    for name in names:
        media.make_mp4(folder / name)
    raw = os.fsencode(folder) + b"/bad\xff\xfename.mp4"
    media.make_mp4(os.fsdecode(raw))
    results = _ingest(folder)
    assert {r["status"] for r in results} <= {"stored", "duplicate"}
    for recording in Recording.objects.all():
        assert "/" not in recording.original_name and "\n" not in recording.original_name
        assert "\x1b" not in recording.original_name
    stored = [p for p in settings.BLOB_STORAGE_DIR.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(settings.BLOB_STORAGE_DIR.resolve()) for p in stored)
    assert all(len(p.name) == 64 for p in stored if "staging" not in p.parts)


def test_a_fifo_named_like_a_video_is_skipped_not_waited_on(tmp_path):
    import os

    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    [result] = _ingest(fifo)
    assert result["status"] == "skipped"


def test_storage_full_stops_before_writing_and_keeps_what_is_stored(
    tmp_path, card, recorder, settings
):
    import subprocess

    _ingest(card["segment1"])
    small = tmp_path / "small-disk"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(small)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here: " + mounted.stderr.decode())
    try:
        settings.BLOB_STORAGE_DIR = small
        big = media.make_mp4(tmp_path / "TA00716_JX0227_big.MP4", seconds=6, size=(640, 480))
        with pytest.raises(CommandError, match="存储空间不足"):
            _ingest(big)
        assert [p for p in small.rglob("*") if p.is_file()] == []
        assert Recording.objects.count() == 1
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_ingest_into_s3_locks_the_original_for_at_least_a_year(card, recorder, s3_store):
    from django.utils import timezone

    [result] = _ingest(card["segment1"])
    assert result["status"] == "stored"
    recording = Recording.objects.get(pk=result["recording_id"])
    assert recording.storage == "s3"
    with s3_store.open(recording.sha256) as blob:
        assert blob.read() == card["segment1"].read_bytes()
    mode, until = s3_store.retention(recording.sha256)
    assert mode == "COMPLIANCE" and until >= timezone.now() + timedelta(days=365)


def test_a_path_that_does_not_exist_is_refused_before_anything_is_taken_in(card, tmp_path):
    with pytest.raises(CommandError, match=r"路径不存在：/no/such/path / No such path: /no/such"):
        _ingest(tmp_path / "recorder", "/no/such/path")
    assert not Recording.objects.exists() and not LedgerEntry.objects.exists()
