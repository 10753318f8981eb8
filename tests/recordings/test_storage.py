"""The blob store contract, run against both backends: local files, and S3 on two real peers, an
emulator (moto_server) and a distributed object store (SeaweedFS)."""

import contextlib
import hashlib
import multiprocessing
import os
import resource
import signal
import stat
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured

from bodycam import health
from bodycam.recordings.storage import StorageFull
from bodycam.recordings.storage_s3 import object_key

BAD_KEYS = ["../x", "ab" * 31 + "zz", "AB" * 32, "a" * 65, "a" * 63, "", "a" * 63 + "\n"]
DEAD_PID = 2**22 + 12345  # above any Linux pid_max


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(store, data: bytes, chunks: int = 4, retain_until=None) -> tuple[str, bool]:
    staging = store.stage(size_hint=len(data))
    step = max(1, -(-len(data) // chunks))
    for start in range(0, len(data), step):
        staging.write(data[start : start + step])
    key = sha(data)
    return key, staging.commit(key, retain_until)


def read(store, key: str) -> bytes:
    with store.open(key) as body:
        return body.read()


def staging_files(store) -> list[str]:
    folder = store.staging_dir
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_blob_written_in_chunks_reads_back(store):
    data = os.urandom(1024 * 1024 + 17)
    staging = store.stage(size_hint=len(data))
    for start in range(0, len(data), 300_000):
        staging.write(data[start : start + 300_000])
    [temp] = staging_files(store)
    assert temp.startswith(f"{os.getpid()}-") and temp.endswith(".part")
    assert stat.S_IMODE((store.staging_dir / temp).stat().st_mode) == 0o600

    assert staging.commit(sha(data), None) is True

    assert store.exists(sha(data))
    assert store.size(sha(data)) == len(data)
    assert read(store, sha(data)) == data
    assert list(store.keys()) == [sha(data)]
    assert staging_files(store) == []
    assert not store.exists(sha(b"other"))


def test_same_content_twice_is_one_blob(store):
    data = os.urandom(200_000)
    assert put(store, data) == (sha(data), True)
    assert put(store, data, chunks=7) == (sha(data), False)
    assert list(store.keys()) == [sha(data)]
    assert read(store, sha(data)) == data
    assert staging_files(store) == []


def test_keys_lists_every_blob(store):
    blobs = [os.urandom(1000 + n) for n in range(5)]
    for data in blobs:
        put(store, data)
    assert list(store.keys()) == sorted(sha(data) for data in blobs)


def test_abort_leaves_nothing(store):
    staging = store.stage(size_hint=3)
    staging.write(b"abc")
    staging.abort()
    staging.abort()  # harmless to repeat
    assert not store.exists(sha(b"abc"))
    assert list(store.keys()) == []
    assert staging_files(store) == []


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_key_is_refused_before_anything_is_stored(store, key):
    staging = store.stage()
    staging.write(b"content")
    with pytest.raises(ValueError, match="64"):
        staging.commit(key, None)
    assert list(store.keys()) == []
    assert staging_files(store) == []
    for method in (store.exists, store.open, store.size):
        with pytest.raises(ValueError):
            method(key)


def test_missing_blob_is_file_not_found(store):
    with pytest.raises(FileNotFoundError, match="No blob"):
        store.open(sha(b"never stored"))
    with pytest.raises(FileNotFoundError):
        store.size(sha(b"never stored"))


def test_sweep_removes_leftovers_of_dead_writers_only(store):
    live = store.stage()
    live.write(b"still being written")
    folder = store.staging_dir
    dead = folder / f"{DEAD_PID}-{uuid.uuid4().hex}.part"
    ours = folder / f"{os.getpid()}-{uuid.uuid4().hex}.part"
    idle = folder / f"{os.getpid()}-{uuid.uuid4().hex}.part"
    unrelated = folder / "notes.txt"
    for path in (dead, ours, idle, unrelated):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(idle, (day_ago, day_ago))

    assert store.sweep() == 2

    assert not dead.exists() and not idle.exists()
    assert ours.exists() and unrelated.exists()
    assert live.commit(sha(b"still being written"), None) is True


def test_storage_full_up_front(store):
    with pytest.raises(StorageFull) as full:
        store.stage(size_hint=2**62)
    assert "存储空间不足" in str(full.value) and "Storage full" in str(full.value)
    assert staging_files(store) == []


def _write_past_file_size_limit(store, limit: int) -> None:
    """In a child process: writes fail with EFBIG past `limit`, as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills us instead of EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    staging = store.stage(size_hint=4 * limit)
    try:
        for _ in range(4):
            staging.write(b"x" * (limit // 2 + 1))
    except StorageFull:
        return
    raise AssertionError("the write past the limit did not raise StorageFull")


def test_disk_full_mid_write_leaves_nothing(store):
    child = multiprocessing.get_context("fork").Process(
        target=_write_past_file_size_limit, args=(store, 1024 * 1024)
    )
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
    assert staging_files(store) == []
    assert list(store.keys()) == []


def test_local_blob_is_read_only_and_never_rewritten(local_store):
    data = os.urandom(50_000)
    key, _ = put(local_store, data)
    path = local_store.root / key[:2] / key[2:4] / key
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    assert path.stat().st_nlink == 1  # the staging name is gone
    before = path.stat()

    assert put(local_store, data) == (key, False)
    put(local_store, os.urandom(50_000))

    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert path.read_bytes() == data
    assert not hasattr(local_store, "delete")


def test_local_free_bytes(local_store):
    assert local_store.free_bytes() > 0


def test_s3_object_is_locked_in_compliance_mode(s3_store):
    data = os.urandom(10_000)
    stored_at = datetime.now(UTC)
    key, _ = put(s3_store, data)
    mode, until = s3_store.retention(key)
    assert mode == "COMPLIANCE"
    # The lock is counted from the moment of storing, not from when the test reads it back.
    assert until >= stored_at + timedelta(days=366)
    assert s3_store.free_bytes() is None

    client, bucket = s3_store.client, s3_store.bucket
    [version] = client.list_object_versions(Bucket=bucket, Prefix=object_key(key))["Versions"]
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=bucket, Key=object_key(key), VersionId=version["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert read(s3_store, key) == data
    assert s3_store.retention(key)[0] == "COMPLIANCE"


def test_s3_lock_follows_a_later_retain_until(s3_store):
    later = datetime.now(UTC) + timedelta(days=3000)
    key, _ = put(s3_store, b"evidence", retain_until=later)
    assert s3_store.retention(key)[1] >= later


def test_s3_plain_delete_only_hides_the_locked_version(s3_store):
    """Object Lock allows a delete marker: the bytes stay (credentials should not allow it)."""
    key, _ = put(s3_store, b"kept")
    s3_store.client.delete_object(Bucket=s3_store.bucket, Key=object_key(key))
    assert not s3_store.exists(key)
    [version] = s3_store.client.list_object_versions(
        Bucket=s3_store.bucket, Prefix=object_key(key)
    )["Versions"]
    body = s3_store.client.get_object(
        Bucket=s3_store.bucket, Key=object_key(key), VersionId=version["VersionId"]
    )["Body"]
    assert body.read() == b"kept"


def test_s3_big_blob_goes_in_parts_and_is_locked(s3_store):
    s3_store.single_put_limit = s3_store.part_size = 5 * 2**20  # S3's smallest part
    data = os.urandom(11 * 2**20)
    key, created = put(s3_store, data, chunks=3)
    assert created is True
    assert read(s3_store, key) == data
    assert s3_store.retention(key)[0] == "COMPLIANCE"
    assert put(s3_store, data) == (key, False)


def test_s3_bucket_without_object_lock_is_refused(s3_store):
    s3_store.bucket = f"plain-{uuid.uuid4().hex[:16]}"
    s3_store.client.create_bucket(Bucket=s3_store.bucket)
    with pytest.raises(ImproperlyConfigured, match="Object Lock"):
        s3_store.ensure_bucket()


def test_s3_sweep_aborts_abandoned_multipart_uploads(moto_store):
    s3_store = moto_store
    # moto reports every upload as initiated in 2010: here that stands for "abandoned long ago".
    s3_store.client.create_multipart_upload(Bucket=s3_store.bucket, Key=object_key(sha(b"x")))
    assert s3_store.sweep() == 1
    uploads = s3_store.client.list_multipart_uploads(Bucket=s3_store.bucket)
    assert uploads.get("Uploads", []) == []


def test_healthz_reaches_the_object_store(client, s3_store, settings):
    assert client.get("/healthz").json()["storage"] == "ok"
    settings.S3_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["storage"].startswith("error")


def test_a_file_already_hashed_is_adopted_once_and_read_back(store, tmp_path):
    """An upload's file, hashed as it arrived: linked (local) or streamed once (S3)."""
    data = os.urandom(300_000)
    received = tmp_path / "received.part"
    received.write_bytes(data)
    assert store.adopt(received, sha(data), None) is True
    assert store.adopt(received, sha(data), None) is False  # the same bytes: stored once
    assert read(store, sha(data)) == data
    assert list(store.keys()) == [sha(data)] and list(store.keys(sha(data)[:3])) == [sha(data)]
    assert list(store.keys("f" if not sha(data).startswith("f") else "0")) == []
    assert store.age_seconds(sha(data)) < 60


@contextlib.contextmanager
def lock_headers_dropped(store):
    """The store is sent no lock with each object, though every request succeeds: a store that
    accepts a lock but does not keep it, as some S3 imitations do."""

    def drop(request, **kwargs):
        for header in [h for h in request.headers if h.lower().startswith("x-amz-object-lock")]:
            del request.headers[header]

    events = store.client.meta.events
    events.register("before-sign.s3.PutObject", drop)
    try:
        yield
    finally:
        events.unregister("before-sign.s3.PutObject", drop)


def test_seaweedfs_enforces_the_lock_and_passes_the_worm_proof(seaweed_store):
    seaweed_store.prove_worm()  # a canary locked for a day could not be deleted
    canaries = seaweed_store.client.list_object_versions(
        Bucket=seaweed_store.bucket, Prefix="canary/"
    )["Versions"]
    assert len(canaries) == 2  # this one and the one ensure_bucket wrote: both still there
    assert seaweed_store.sweep() == 0  # young canaries stay until their lock has run out


def test_a_store_that_accepts_a_lock_but_lets_it_be_deleted_is_refused(
    seaweed_store, client, monkeypatch
):
    monkeypatch.setattr(health, "_WORM_PROVEN", {})
    with lock_headers_dropped(seaweed_store):
        with pytest.raises(ImproperlyConfigured, match=r"允许删除锁定期内的对象.*does not enforce"):
            seaweed_store.ensure_bucket()  # what `bodycam migrate` does
        report = client.get("/healthz")
    assert report.status_code == 503
    assert report.json()["storage"] == "error: object lock not enforced"
