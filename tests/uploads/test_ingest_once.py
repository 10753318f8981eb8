"""The last byte returns at once; the bytes are hashed once, as they arrive, and never copied on
local storage (hard-linked into the blob store); a worker killed at any point of the ingest
still ends in exactly one recording, and the client sees the final status."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import checks

from bodycam.recordings.ingest import Known, ingest_file
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from bodycam.uploads import completion, partial
from bodycam.uploads.models import Status, Upload
from tests.commands import free_port, wait_for_port
from tests.jobs import run_jobs
from tests.uploads.conftest import sha256

pytestmark = pytest.mark.django_db(transaction=True)
DEAD = f"{socket.gethostname()}:{2**22 + 11}"  # a worker on this host that is gone


def _received(tus, clip) -> tuple[str, bytes]:
    data = clip.read_bytes()
    url = tus.new(len(data))
    assert tus.send(url, data).status_code == 204
    assert tus.status(url)["status"] == "complete"  # the request did not ingest
    return url, data


def test_the_completed_file_is_linked_into_the_store_not_copied(tus, clip):
    _url, data = _received(tus, clip)
    upload = Upload.objects.get()
    path = partial.promote(upload.pk, upload.filename)
    before = path.stat().st_ino
    assert ingest_file(path, Given(actor=upload.owner), blob_store(),
                       Known(upload.sha256, upload.length)).status == "stored"  # fmt: skip
    stored = blob_store().path(sha256(data))
    assert stored.stat().st_ino == before  # one file, two names: no byte was copied
    assert stored.stat().st_mode & 0o777 == 0o400


def test_across_filesystems_the_upload_is_copied_once_and_the_start_up_check_says_so(
    tus, clip, settings
):
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == Path(settings.DATA_DIR).stat().st_dev:
        pytest.skip("needs a second filesystem (/dev/shm)")
    settings.BLOB_STORAGE_DIR = shm / f"bodycam-{os.getpid()}-{time.monotonic_ns()}"
    try:
        warnings = [m.id for m in checks.run_checks() if m.id.startswith("bodycam")]
        assert warnings == ["bodycam.W001"]
        url, data = _received(tus, clip)
        assert tus.finished(url)["status"] == "ingested"
        with blob_store().open(sha256(data)) as blob:
            assert blob.read() == data
    finally:
        subprocess.run(["rm", "-rf", str(settings.BLOB_STORAGE_DIR)], check=False)


@pytest.mark.parametrize("died", ["after_claiming", "after_storing_the_blob", "after_the_row"])
def test_a_worker_killed_at_any_point_ends_in_exactly_one_recording(tus, clip, died):
    url, data = _received(tus, clip)
    upload = Upload.objects.get()
    if died != "after_claiming":  # replay what the dead worker had done
        path = partial.promote(upload.pk, upload.filename)
        if died == "after_storing_the_blob":
            blob_store().adopt(path, upload.sha256, None)
        else:
            given = Given(actor=upload.owner, upload=str(upload.pk))
            ingest_file(path, given, blob_store(), Known(upload.sha256, upload.length))
    Upload.objects.update(claimed_by=DEAD)
    assert completion.resume_stalled() == 1  # what a worker does as it starts
    status = tus.finished(url)
    assert status["status"] == "ingested" and status["result"]["status"] == "stored"
    assert Recording.objects.get().sha256 == sha256(data)
    assert status["result"]["recording_id"] == Recording.objects.get().pk


def test_a_live_claim_is_left_alone(tus, clip):
    url, _data = _received(tus, clip)
    Upload.objects.update(claimed_by=completion.this_worker())  # this very process: alive
    assert completion.resume_stalled() == 0
    assert completion.finish(Upload.objects.get().pk) is None
    run_jobs()
    assert tus.status(url)["status"] == "complete"


def _bodycam(env: dict, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bodycam", *args], env=env, **kwargs)


def _upload_row(data_dir: Path) -> tuple:
    with sqlite3.connect(data_dir / "bodycam.sqlite3") as db:
        return db.execute("SELECT status, claimed_by, sha256 FROM uploads_upload").fetchone()


@pytest.mark.slow
def test_sigkill_of_the_worker_mid_ingest_then_a_restart_ends_in_one_recording(tmp_path):
    """For real: a server, a 512 MiB upload whose running hash was lost (its last chunk
    reached a restarted server), a worker killed while hashing it, a worker started again."""
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(data_dir)
    for args in (("migrate", "-v0"), ("demo",)):
        assert _bodycam(env, *args, stdout=subprocess.DEVNULL).wait(timeout=120) == 0
    key = subprocess.run([sys.executable, "-m", "bodycam", "token", "records"], env=env,
                         capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    big = tmp_path / "TA00716_JX0227_20261120093621.MP4"
    block = os.urandom(8 * 1024 * 1024)
    with big.open("wb") as out:
        for i in range(64):
            out.write(block[:-8] + i.to_bytes(8, "big"))
    from bodycam.management.commands.serve import web_command
    from bodycam.uploads.client import State, TusClient, send_file

    port = free_port()
    web = subprocess.Popen(web_command(f"127.0.0.1:{port}", 1), env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    client = TusClient(f"http://127.0.0.1:{port}", key)
    try:
        wait_for_port(port)
        state = State(tmp_path / "state.json")
        send_file(client, big, state, chunk_size=256 * 1024 * 1024, max_chunks=1)
        web.terminate()  # the web server restarts: the running hash is gone with it
        web.wait(timeout=30)
        web = subprocess.Popen(web_command(f"127.0.0.1:{port}", 1), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        wait_for_port(port)
        sent = send_file(client, big, state, chunk_size=256 * 1024 * 1024, patience=0)
        assert _upload_row(data_dir)[0] == "complete" and _upload_row(data_dir)[2] == ""
        worker = _bodycam(env, "worker", "--until-idle", "-v0")
        deadline = time.monotonic() + 60
        while not _upload_row(data_dir)[1] and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.1)  # well inside the one read of 512 MiB
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
        assert _upload_row(data_dir)[0] == "complete"  # not finished, not lost
        assert _bodycam(env, "worker", "--until-idle", "-v0").wait(timeout=300) == 0
        final = client.status(sent.url)
        assert final["status"] == "ingested" and final["result"]["status"] == "damaged"
        with sqlite3.connect(data_dir / "bodycam.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM recordings_recording").fetchone()[0] == 1
    finally:
        client.close()
        web.terminate()
        web.wait(timeout=30)


def test_a_checksum_declared_wrong_is_refused_by_the_last_patch_itself(tus, clip):
    data = clip.read_bytes()
    url = tus.new(len(data), sha256=sha256(b"something else"))
    last = tus.send(url, data)
    assert last.status_code == 460
    assert Upload.objects.get().status == Status.FAILED and not Recording.objects.exists()
