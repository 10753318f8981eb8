"""Shared fixtures of the recordings tests: blob stores of both backends, a real S3 peer."""

import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bodycam.recordings.storage import blob_store
from tests.commands import free_port


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"moto_server exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("moto_server did not answer within 20 s")


@pytest.fixture(scope="session")
def moto_endpoint():
    """A real S3 endpoint (moto_server) on a free local port, for the whole session."""
    binary = Path(sys.executable).with_name("moto_server")
    if not binary.exists():
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", url.rsplit(":", 1)[1]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _make_store(request, settings, backend: str):
    settings.BLOB_BACKEND = backend
    if backend == "s3":
        settings.S3_ENDPOINT_URL = request.getfixturevalue("moto_endpoint")
        settings.S3_BUCKET = f"bodycam-test-{uuid.uuid4().hex[:16]}"
        settings.S3_REGION = "us-east-1"
        settings.S3_ACCESS_KEY = "testing"
        settings.S3_SECRET_KEY = "testing"
    store = blob_store()
    assert store.name == backend
    if backend == "s3":
        store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "s3"])
def store(request, settings):
    """The configured store of each backend; S3 gets a fresh Object Lock bucket per test."""
    return _make_store(request, settings, request.param)


@pytest.fixture
def local_store(request, settings):
    return _make_store(request, settings, "local")


@pytest.fixture
def s3_store(request, settings):
    return _make_store(request, settings, "s3")
