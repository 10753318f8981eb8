"""The last byte of an upload: the declared SHA-256 checked, then the same ingest as the
command line, its result kept on the upload and the server's copy of the bytes removed."""

import random
import socket
from datetime import timedelta
from uuid import UUID

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bodycam.devices import registry
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store
from bodycam.recordings.storage_local import storage_full
from bodycam.uploads import completion, partial, tasks
from bodycam.uploads.models import Status, Upload
from tests import media
from tests.devices.factories import make_device
from tests.jobs import run_jobs
from tests.uploads.conftest import sha256

# A real worker runs the queued ingests: it needs committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def _pk(url: str) -> UUID:
    return UUID(url.rstrip("/").rsplit("/", 1)[1])


def _no_bytes_left(url: str) -> bool:
    return list(partial.folder().iterdir()) == [] and not partial.part_path(_pk(url)).exists()


@pytest.fixture
def recorder(custodian, officer):
    device = make_device(custodian, "TA00716", model="DSJ-V9")
    registry.issue_device(device, officer, custodian)
    return device


def test_an_upload_interrupted_at_a_random_offset_resumes_into_the_same_recording(
    tus, clip, recorder, officer
):
    data = clip.read_bytes()
    url = tus.new(len(data), sha256=sha256(data))
    cut = random.randrange(1, len(data))
    tus.send(url, data[:cut], chunk=7919)  # the connection dies after `cut` bytes
    partial.running.pop(_pk(url), cut)  # and the next request reaches a fresh process
    assert tus.head(url)["Upload-Offset"] == str(cut)
    last = tus.send(url, data, start=tus.offset(url), chunk=50_000)
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(data))
    assert tus.status(url)["status"] == "complete"  # answered at once; a worker ingests
    status = tus.finished(url)
    assert status["status"] == "ingested", status
    assert status["result"]["status"] == "stored" and status["result"]["sha256"] == sha256(data)
    recording = Recording.objects.get(pk=status["result"]["recording_id"])
    assert recording.sha256 == sha256(data) and recording.size == len(data)
    assert (recording.device, recording.officer, recording.original_name) == (
        recorder, officer, clip.name,
    )  # fmt: skip
    with blob_store().open(recording.sha256) as blob:
        assert blob.read() == data
    assert _no_bytes_left(url)


def test_completion_enters_the_same_ingest_as_the_command_line(tus, clip, recorder, records_clerk):
    data = clip.read_bytes()
    url = tus.new(len(data))
    tus.send(url, data)
    assert tus.finished(url)["status"] == "ingested"
    recording = Recording.objects.get(sha256=sha256(data))
    assert recording.ingested_by == records_clerk
    entry = LedgerEntry.objects.get(action=Action.INGEST, subject_id=str(recording.pk))
    assert entry.actor_id == records_clerk.pk and entry.payload["size"] == len(data)
    assert entry.payload["path"] == clip.name  # the client's name, never our disk's path
    job = DBTaskResult.objects.get(task_path="bodycam.recordings.tasks.process_recording")
    assert job.args_kwargs["args"] == [recording.pk]
    assert tus.status(url)["result"]["path"] == clip.name


def test_the_bytes_are_hashed_while_received_and_never_read_again(tus, clip, monkeypatch):
    reads = []
    monkeypatch.setattr(completion, "sha256_of", lambda source: reads.append(1) or ("", 0))
    data = clip.read_bytes()
    url = tus.new(len(data))  # no declared hash: the running hash is kept all the same
    tus.send(url, data, chunk=10_000)
    assert Upload.objects.get().sha256 == sha256(data)
    assert tus.finished(url)["status"] == "ingested" and reads == []


def test_a_lost_running_hash_costs_one_read_at_completion(tus, clip, monkeypatch):
    reads = []
    original = completion.sha256_of
    monkeypatch.setattr(completion, "sha256_of", lambda s: reads.append(1) or original(s))
    data = clip.read_bytes()
    url = tus.new(len(data), sha256=sha256(data))
    tus.send(url, data[:1000])
    partial.running.pop(_pk(url), 1000)
    tus.send(url, data, start=1000, chunk=5000)
    assert Upload.objects.get().sha256 == ""  # this process did not see every byte
    assert tus.finished(url)["status"] == "ingested" and reads == [1]


def test_a_declared_hash_that_does_not_match_fails_and_stores_nothing(tus, clip):
    data = clip.read_bytes()
    url = tus.new(len(data), sha256=sha256(b"another file"))
    last = tus.send(url, data)
    assert last.status_code == 460 and "校验值与声明的 sha256 不符" in last.content.decode()
    status = tus.status(url)
    assert status["status"] == "failed" and "校验值与声明的 sha256 不符" in status["error"]
    assert not Recording.objects.exists()
    assert not LedgerEntry.objects.filter(action=Action.INGEST).exists()
    assert list(blob_store().keys()) == []
    assert tus.head(url).status_code == 410  # a tus client starts a new upload
    assert _no_bytes_left(url)


def test_a_duplicate_upload_finds_the_existing_recording(tus, clip):
    data = clip.read_bytes()
    first, second = tus.new(len(data)), tus.new(len(data))
    tus.send(first, data)
    tus.finished(first)
    tus.send(second, data)
    results = [tus.finished(url)["result"] for url in (first, second)]
    assert [r["status"] for r in results] == ["stored", "duplicate"]
    assert results[0]["recording_id"] == results[1]["recording_id"]
    assert Recording.objects.count() == 1
    assert LedgerEntry.objects.filter(action=Action.DUPLICATE_SEEN).count() == 1
    assert _no_bytes_left(second)


def test_device_and_officer_from_the_metadata_name_a_hand_named_file(
    tus, tmp_path, recorder, officer
):
    data = media.make_mp4(tmp_path / "执法记录_测试.mp4").read_bytes()
    url = tus.new(len(data), filename="执法记录_测试.mp4", device="TA00716", officer="JX0227")
    tus.send(url, data)
    tus.finished(url)
    recording = Recording.objects.get()
    assert (recording.device, recording.officer, recording.needs_review) == (
        recorder, officer, False,
    )  # fmt: skip


def test_a_hostile_file_name_is_stored_as_a_plain_name(tus, clip):
    data = clip.read_bytes()
    hostile = "../../etc/" + "长" * 150 + "\x01\n.MP4"
    url = tus.new(len(data), filename=hostile)
    tus.send(url, data)
    tus.finished(url)
    recording = Recording.objects.get()
    assert "/" not in recording.original_name and recording.original_name.endswith(".MP4")
    assert "\n" not in recording.original_name and len(recording.original_name.encode()) <= 200
    from django.conf import settings

    assert not (settings.DATA_DIR / "etc").exists()
    assert not (partial.folder().parent / "etc").exists()


def test_a_zero_byte_upload_is_reported_empty_and_never_as_ingested(tus):
    url = tus.new(0)
    status = tus.finished(url)
    assert status["status"] == "failed" and status["result"]["status"] == "empty"
    assert LedgerEntry.objects.filter(action=Action.EMPTY_FILE).count() == 1
    assert tus.head(url).status_code == 410  # nothing to resume: it was never stored


def test_full_storage_fails_the_upload_and_says_so(tus, clip, monkeypatch):
    def full(*args):
        raise storage_full("存储空间不足 / storage full")

    monkeypatch.setattr(completion, "ingest_file", full)
    data = clip.read_bytes()
    url = tus.new(len(data))
    assert tus.send(url, data, chunk=len(data)).status_code == 204
    status = tus.finished(url)
    assert status["status"] == "failed" and "存储空间不足" in status["error"]
    english = tus.in_english().status(url)
    assert "Not enough space" in english["error"]
    assert _no_bytes_left(url)


def test_an_ingest_whose_worker_died_is_taken_up_again(tus, clip):
    data = clip.read_bytes()
    url = tus.new(len(data))
    tus.send(url, data)
    # a worker on this host claimed it and died (no such process), another host's claim is
    # trusted until it is older than any ingest takes
    Upload.objects.update(
        claimed_by=f"{socket.gethostname()}:{2**22 + 7}", claimed_at=timezone.now()
    )
    assert tasks.sweep_expired_uploads.call()["resumed"] == 1
    Upload.objects.update(claimed_by="elsewhere:1", claimed_at=timezone.now())
    assert tasks.sweep_expired_uploads.call()["resumed"] == 0
    Upload.objects.update(claimed_at=timezone.now() - timedelta(hours=7))
    assert tasks.sweep_expired_uploads.call()["resumed"] == 1
    assert tus.finished(url)["result"]["status"] == "stored"
    assert Recording.objects.get().sha256 == sha256(data) and _no_bytes_left(url)


def test_a_complete_upload_takes_no_more_bytes_and_cannot_be_terminated(tus, clip):
    data = clip.read_bytes()
    url = tus.new(len(data))
    tus.send(url, data)
    for _ in range(2):  # while its ingest is queued, and after
        assert tus.patch(url, len(data), b"x").status_code == 409
        assert tus.call("DELETE", url).status_code == 409
        run_jobs()
    assert Recording.objects.count() == 1 and tus.status(url)["status"] == Status.INGESTED


def test_bytes_lost_from_disk_fail_the_upload_cleanly(tus, clip):
    data = clip.read_bytes()
    url = tus.new(len(data))
    tus.send(url, data[:1000])
    real_promote = partial.promote

    def vanish(pk, name):
        partial.part_path(pk).unlink()
        return real_promote(pk, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(partial, "promote", vanish)
        assert tus.send(url, data, start=1000, chunk=len(data)).status_code == 204
        status = tus.finished(url)
    assert status["error"] == completion.LOST_ERROR and not Recording.objects.exists()
