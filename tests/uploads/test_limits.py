"""Uploads at the edges: a name longer than any display, a body without Content-Length, and
metadata past the limit, through the test client and through the real web server (gunicorn):
each gets a clear answer, and nothing is reported stored that was not."""

import base64
import http.client
import json
import os
import subprocess

import pytest

from bodycam.management.commands.serve import web_command
from bodycam.recordings.models import Recording
from bodycam.uploads.models import Status, Upload
from tests.commands import free_port, run_bodycam, wait_for_port
from tests.uploads.conftest import sha256

# A real worker runs the queued ingests: it needs committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_name_longer_than_any_display_is_stored_with_its_extension(tus, clip):
    data = clip.read_bytes()
    name = "录" * 300 + "_TA00716_JX0227_20261120093621.MP4"
    url = tus.new(len(data), filename=name, sha256=sha256(data))
    assert tus.send(url, data).status_code == 204
    status = tus.finished(url)
    assert status["status"] == "ingested" and status["result"]["status"] == "stored"
    recording = Recording.objects.get()
    assert recording.sha256 == sha256(data)
    assert recording.original_name.endswith(".MP4") and len(recording.original_name) <= 400


def test_a_patch_without_content_length_is_refused_not_ignored(tus, clip):
    data = clip.read_bytes()
    url = tus.new(len(data))
    answer = tus.patch(url, 0, data[:1000], CONTENT_LENGTH="")
    assert answer.status_code == 411
    assert tus.offset(url) == 0


@pytest.fixture
def gunicorn(tmp_path):
    """`bodycam serve`'s web server on its own SQLite file, with the demo bureau, and a key of
    the records office's."""
    data = tmp_path / "served"
    for args in (("migrate", "--noinput"), ("demo",)):
        assert run_bodycam(data, *args).returncode == 0
    key = json.loads(run_bodycam(data, "token", "records", "--json").stdout)["key"]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(data)
    server = subprocess.Popen(
        web_command(f"127.0.0.1:{port}", 1), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port)
    yield port, key
    server.terminate()
    server.wait(timeout=20)


def _request(port: int, method: str, path: str, headers: dict, body=None, chunked=False):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers, encode_chunked=chunked)
    answer = connection.getresponse()
    return answer.status, answer.read().decode("utf-8", "replace"), answer


def test_the_real_server_answers_long_metadata_and_chunked_bodies_itself(gunicorn):
    port, key = gunicorn
    tus = {"Authorization": f"Token {key}", "Tus-Resumable": "1.0.0"}
    name = base64.b64encode(("录" * 2100 + ".MP4").encode()).decode()  # past 8 KiB
    create = {**tus, "Upload-Length": "10"}
    status, text, _ = _request(
        port, "POST", "/api/v1/uploads/", {**create, "Upload-Metadata": f"filename {name}"}
    )
    assert status == 400 and "Upload-Metadata" in text and "<html" not in text.lower()
    fine = base64.b64encode(b"TA00716_JX0227_20261120093621.MP4").decode()
    status, _, answer = _request(
        port, "POST", "/api/v1/uploads/", {**create, "Upload-Metadata": f"filename {fine}"}
    )
    assert status == 201
    path = "/api/v1/uploads/" + answer.getheader("Location").rstrip("/").rsplit("/", 1)[1] + "/"
    patch = {**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    status, text, _ = _request(port, "PATCH", path, patch, body=iter([b"12345", b"67890"]),
                               chunked=True)  # fmt: skip
    assert status == 411 and "Content-Length" in text
    status, _, answer = _request(port, "HEAD", path, tus)
    assert status == 200 and answer.getheader("Upload-Offset") == "0"


def test_nothing_is_reported_ingested_that_was_not_stored(tus):
    url = tus.new(0)
    tus.finished(url)
    upload = Upload.objects.get()
    assert upload.status == Status.FAILED and upload.result["status"] == "empty"
    assert tus.status(url)["status"] == "failed"
    assert not Recording.objects.exists()
