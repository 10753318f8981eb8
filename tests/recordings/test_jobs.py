"""After ingest: the follow-up job, fixity checks that report (never repair), the watch folder."""

import hashlib
import json
import os
import threading

import pytest
from django.core.management import call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from bodycam.recordings import processing
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.jobs import unavailable_reasons
from bodycam.recordings.models import JobState, ProcessingJob, Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from bodycam.recordings.watch import watch
from tests import media

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_follow_up_job_makes_derived_copies_and_never_touches_the_original(
    tmp_path, client, records_clerk
):
    card = media.make_recorder_folder(tmp_path / "card")
    paths = [card["segment1"], card["hevc"], card["jpg"], card["truncated"], card["wav"]]
    list(ingest_paths(paths, Given()))
    originals = {r.pk: r.sha256 for r in Recording.objects.all()}
    unreadable = Recording.objects.get(original_name=card["truncated"].name)
    call_command("worker", until_idle=True, verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    made = {
        (r.original_name, copy.kind): copy
        for r in Recording.objects.all()
        for copy in r.derived.all()
    }
    h264, hevc = card["segment1"].name, card["hevc"].name
    assert made[h264, "proxy"].method == "remux" and made[hevc, "proxy"].method == "transcode"
    assert made[hevc, "proxy"].details["video_codec"] == "h264"
    assert {kind for name, kind in made if name == h264} == {"thumbnail", "strip", "proxy"}
    assert {kind for name, kind in made if name == card["jpg"].name} == {"thumbnail", "preview"}
    assert made[card["wav"].name, "proxy"].details["audio_codec"] == "aac"
    assert not unreadable.derived.exists()  # moov lost: nothing can be decoded
    job = ProcessingJob.objects.get(recording=unreadable)
    assert job.state == JobState.DONE and job.unavailable  # said why, not failed
    with translation.override("en"):
        assert all(reason.startswith("No playable copy") for reason in unavailable_reasons(job))
    states = set(ProcessingJob.objects.values_list("state", flat=True))
    assert states == {JobState.DONE} and ProcessingJob.objects.count() == len(paths)
    store = blob_store()
    with store.open(made[h264, "thumbnail"].sha256) as blob:
        assert blob.read(3) == b"\xff\xd8\xff"  # a JPEG
    for sha256 in originals.values():  # hard rule 1: originals are only read
        with store.open(sha256) as blob:
            assert hashlib.sha256(blob.read()).hexdigest() == sha256
    client.force_login(records_clerk)  # how each copy was made, in words
    hevc_page = f"/recordings/{made[hevc, 'proxy'].recording_id}/"
    page = client.get(hevc_page).content.decode()
    assert "转码" in page and "transcode" not in page


def test_a_damaged_original_gets_a_partial_proxy(tmp_path):
    clip = media.truncate(
        media.make_mp4(tmp_path / "TA00716_JX0227_20261120093621.MP4", seconds=3, faststart=True),
        0.6,
    )
    list(ingest_paths([clip], Given()))
    call_command("worker", until_idle=True, verbosity=0)
    proxy = Recording.objects.get().derived.get(kind="proxy")
    assert proxy.partial is True
    assert proxy.details["duration"] < 3


def test_a_failing_job_is_shown_failed_and_retried_later(tmp_path, settings, client, records_clerk):
    clip = media.make_mp4(tmp_path / "TA00716_JX0227_20261120093621.MP4")
    list(ingest_paths([clip], Given()))
    recording = Recording.objects.get()
    blob = (
        settings.BLOB_STORAGE_DIR / recording.sha256[:2] / recording.sha256[2:4] / recording.sha256
    )
    hidden = tmp_path / "hidden-blob"
    blob.rename(hidden)  # storage briefly unreachable
    call_command("worker", until_idle=True, verbosity=0)
    failed = DBTaskResult.objects.get(status="FAILED")
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"] == [recording.pk, 2] and retry.run_after > failed.finished_at
    job = ProcessingJob.objects.get(recording=recording)
    assert (job.state, job.attempts, job.retry_at) == (JobState.RETRYING, 1, retry.run_after)
    client.force_login(records_clerk)
    page = client.get(f"/recordings/{recording.pk}/").content.decode()
    assert "等待重试" in page and "将于" in page and "原始文件暂时无法读取" in page
    assert "FileNotFoundError" in page  # the technical line, folded away for the administrator
    hidden.rename(blob)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=failed.finished_at)  # time passes
    call_command("worker", until_idle=True, verbosity=0)
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert recording.derived.filter(kind="proxy").exists()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (JobState.DONE, 2, "")


def _verify(capsys) -> tuple[int, dict]:
    code = 0
    try:
        call_command("verify", as_json=True)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_bodycam_verify_rehashes_every_original_and_reports_changes_without_repairing(
    tmp_path, settings, capsys
):
    card = media.make_recorder_folder(tmp_path / "card")
    list(ingest_paths([card["segment1"], card["segment2"]], Given()))
    code, report = _verify(capsys)
    assert code == 0 and report["blobs"]["checked"] == 2

    first, second = Recording.objects.order_by("pk")
    changed = settings.BLOB_STORAGE_DIR / first.sha256[:2] / first.sha256[2:4] / first.sha256
    os.chmod(changed, 0o644)
    with changed.open("r+b") as blob:  # an intruder flips one byte
        blob.seek(100)
        blob.write(b"\x00")
    gone = settings.BLOB_STORAGE_DIR / second.sha256[:2] / second.sha256[2:4] / second.sha256
    gone.rename(tmp_path / "elsewhere")
    code, report = _verify(capsys)
    assert code == 1
    problems = " ".join(report["blobs"]["problems"])
    assert f"记录 {first.pk} 的原始文件已被改动" in problems
    assert f"记录 {second.pk} 的原始文件缺失" in problems
    assert Recording.objects.count() == 2  # nothing "cleaned up"
    assert changed.exists()


def test_the_watch_folder_takes_a_file_once_it_stops_growing(tmp_path):
    folder = tmp_path / "dock"
    folder.mkdir()
    clip = media.make_mp4(tmp_path / "TA00716_JX0227_20261120093621.MP4")
    target = folder / clip.name
    data = clip.read_bytes()
    target.write_bytes(data[: len(data) // 2])  # still being copied
    results, stop = [], threading.Event()

    def run():
        for result in watch(folder, Given(), settle=0.6, interval=0.1, stop=stop.is_set):
            results.append(result)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        threading.Event().wait(0.3)
        with target.open("ab") as out:
            out.write(data[len(data) // 2 :])  # the copy completes
        for _ in range(60):
            if results:
                break
            threading.Event().wait(0.1)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert [r.status for r in results] == ["stored"]
    assert Recording.objects.get().size == len(data)  # the whole file, not the half


def test_a_copy_another_run_made_meanwhile_is_reported_as_existing_not_made(tmp_path):
    clip = media.make_mp4(tmp_path / "TA00716_JX0227_20261120093621.MP4")
    list(ingest_paths([clip], Given()))
    recording = Recording.objects.get()
    call_command("worker", until_idle=True, verbosity=0)
    made = recording.derived.get(kind="thumbnail")
    # a second run that started before the first one saved its thumbnail
    with processing.local_original(recording) as original, processing._workdir() as work:
        outcome = processing._make(recording, "thumbnail", processing._thumbnail, original, work)
    assert outcome == "exists"
    assert list(recording.derived.filter(kind="thumbnail")) == [made]
