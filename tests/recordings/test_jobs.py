"""After ingest: the follow-up job, fixity checks that report (never repair), the watch folder."""

import json
import os
import threading

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from bodycam.recordings.watch import watch
from tests import media

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_follow_up_job_makes_thumbnails_and_survives_a_damaged_original(tmp_path):
    card = media.make_recorder_folder(tmp_path / "card")
    paths = [card["segment1"], card["jpg"], card["truncated"], card["wav"]]
    list(ingest_paths(paths, Given()))
    call_command("worker", until_idle=True, verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    store = blob_store()
    by_kind = {r.original_name: r for r in Recording.objects.all()}
    for path in (card["segment1"], card["jpg"]):
        thumbnail = by_kind[path.name].thumbnail_sha256
        with store.open(thumbnail) as blob:
            assert blob.read(3) == b"\xff\xd8\xff"  # a JPEG
    assert by_kind[card["truncated"].name].thumbnail_sha256 == ""
    assert by_kind[card["wav"].name].thumbnail_sha256 == ""


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
