"""Against a live server: an independent tus client (tuspy), concurrent PATCHes on real
sockets, and `bodycam upload` sending folders and resuming after an interruption."""

import http.client
import json
import os
import random
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from bodycam.recordings.models import Recording
from bodycam.uploads import client as upload_client
from bodycam.uploads import partial
from bodycam.uploads.models import Status, Upload
from tests import media
from tests.factories import api_key
from tests.jobs import ingests_settled
from tests.uploads.conftest import sha256

# A worker beside the live server ingests what arrives, as `bodycam serve` runs one.
pytestmark = pytest.mark.usefixtures("job_worker")


def _tuspy(live_server, token: str) -> TusClient:
    return TusClient(
        f"{live_server.url}/api/v1/uploads/", headers={"Authorization": f"Token {token}"}
    )


def _pk(url: str) -> UUID:
    return UUID(url.rstrip("/").rsplit("/", 1)[1])


def test_tuspy_uploads_a_clip_with_per_chunk_checksums(live_server, token, clip):
    data = clip.read_bytes()
    uploader = _tuspy(live_server, token).uploader(
        str(clip), chunk_size=16_384, upload_checksum=True,
        metadata={"filename": clip.name, "sha256": sha256(data)},
    )  # fmt: skip
    uploader.upload()
    ingests_settled()
    assert Recording.objects.get().sha256 == sha256(data)
    assert Upload.objects.get().status == Status.INGESTED


def test_tuspy_resumes_an_upload_interrupted_at_a_random_offset(live_server, token, clip):
    data = clip.read_bytes()
    cut = random.randrange(1, len(data))
    first = _tuspy(live_server, token).uploader(
        str(clip), chunk_size=10_000, metadata={"filename": clip.name, "sha256": sha256(data)}
    )
    first.upload(stop_at=cut)
    assert not Recording.objects.exists()
    again = _tuspy(live_server, token).uploader(str(clip), url=first.url, chunk_size=30_000)
    assert again.offset == cut  # from HEAD
    again.upload()
    ingests_settled()
    assert Recording.objects.get().sha256 == sha256(data)


def _refused(uploader) -> int:
    """The status tuspy reports for a refused upload. (Not pytest.raises: its traceback would
    keep requests' response, and so the live server's connection, open past the test.)"""
    try:
        uploader.upload()
    except TusCommunicationError as error:
        return error.status_code
    raise AssertionError("the upload was accepted")


def test_tuspy_sees_the_refusals(live_server, token, officer, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording")
    tuspy = _tuspy(live_server, token)
    assert _refused(tuspy.uploader(str(notes), metadata={"filename": notes.name})) == 400
    clip = media.make_mp4(tmp_path / "clip.mp4")
    officer_tuspy = _tuspy(live_server, api_key(officer))
    assert _refused(officer_tuspy.uploader(str(clip), metadata={"filename": clip.name})) == 403
    assert not Upload.objects.exists()


def _held(path: Path) -> bool:
    """Whether some process holds a flock on `path` (Linux: /proc/locks)."""
    info = path.stat()
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    return any(device in line and "FLOCK" in line for line in open("/proc/locks"))


def test_two_concurrent_patches_never_both_append(live_server, token, clip):
    data = clip.read_bytes()
    creator = upload_client.TusClient(live_server.url, token)
    url = creator.create(len(data), {"filename": clip.name})
    creator.close()
    where = urlsplit(url)
    headers = {
        "Authorization": f"Token {token}", "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
    }  # fmt: skip
    slow = http.client.HTTPConnection(where.netloc, timeout=10)
    slow.putrequest("PATCH", where.path)
    for name, value in {**headers, "Content-Length": str(len(data))}.items():
        slow.putheader(name, value)
    slow.endheaders(data[:1000])  # …and the rest later: the first request is mid-body
    deadline = time.monotonic() + 5
    while not _held(partial.part_path(_pk(url))) and time.monotonic() < deadline:
        time.sleep(0.01)
    fast = http.client.HTTPConnection(where.netloc, timeout=10)
    fast.request("PATCH", where.path, body=data, headers=headers)
    assert fast.getresponse().status == 409
    slow.send(data[1000:])
    assert slow.getresponse().status == 204
    slow.close()
    fast.close()
    ingests_settled()
    assert Recording.objects.get().sha256 == sha256(data)


def test_the_upload_command_sends_a_folder_as_ingest_would(
    live_server, token, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    card = media.make_recorder_folder(tmp_path / "recorder")
    out = StringIO()
    folder = str(tmp_path / "recorder")
    call_command("upload", "--server", live_server.url, "--token", token, folder, stdout=out)
    lines = out.getvalue().splitlines()
    by_name = {Path(line.split("\t")[3]).name: line.split("\t")[0] for line in lines[:-1]}
    assert by_name[card["segment1"].name].endswith(" stored")
    assert by_name[card["truncated"].name].endswith(" damaged")
    assert by_name[card["empty"].name].endswith(" empty")
    assert by_name[card["dat"].name].endswith(" skipped")
    assert sum(label.endswith(" stored") for label in by_name.values()) == 6
    assert lines[-1].startswith("合计 / total:")
    assert Recording.objects.count() == 7
    assert json.loads((tmp_path / "home" / ".bodycam" / "uploads.json").read_text()) == {}
    again = StringIO()
    call_command("upload", "--server", live_server.url, "--token", token, str(card["segment1"]),
                 stdout=again)  # fmt: skip
    assert again.getvalue().split("\t")[0].endswith(" duplicate")


def test_the_upload_command_fails_loudly(live_server, officer, tmp_path, clip):
    state = ["--state", str(tmp_path / "state.json")]
    denied = api_key(officer)
    with pytest.raises(CommandError) as refused:
        call_command("upload", "--server", live_server.url, "--token", denied, *state, str(clip),
                     stdout=StringIO())  # fmt: skip
    assert "403" in str(refused.value) and "没有采集入库音像记录的权限" in str(refused.value)


def test_a_file_the_server_refuses_fails_the_run(live_server, token, tmp_path, clip, settings):
    settings.UPLOAD_MAX_BYTES = clip.stat().st_size - 1
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("upload", "--server", live_server.url, "--token", token, "--state",
                     str(tmp_path / "state.json"), str(clip), stdout=out)  # fmt: skip
    assert "1 个文件上传失败 / 1 files failed" in str(failed.value)
    label, _digest, _size, path, reason = out.getvalue().splitlines()[0].split("\t")
    assert label.endswith(" refused") and path == str(clip) and "文件超过上限" in reason


def test_a_rerun_of_the_command_resumes_from_the_saved_offset(live_server, token, clip, tmp_path):
    data = clip.read_bytes()
    state_file = tmp_path / "state.json"
    client = upload_client.TusClient(live_server.url, token)
    first = upload_client.send_file(
        client, clip, upload_client.State(state_file), chunk_size=20_000, max_chunks=1
    )  # the station loses power after one chunk
    assert client.offset(first.url) == 20_000 and first.sent == 20_000
    client.close()
    assert list(json.loads(state_file.read_text()).values()) == [first.url]
    out = StringIO()
    call_command("upload", "--server", live_server.url, "--token", token, "--state",
                 str(state_file), "--json", str(clip), stdout=out, stderr=StringIO())  # fmt: skip
    line = json.loads(out.getvalue())
    assert line["upload"] == first.url and line["sent"] == len(data) - 20_000
    assert line["status"] == "stored" and line["sha256"] == sha256(data)
    assert Recording.objects.get().sha256 == sha256(data)
    assert json.loads(state_file.read_text()) == {}


def test_the_client_backs_off_and_resumes_after_a_lost_response(live_server, token, clip, tmp_path):
    data = clip.read_bytes()
    naps: list[float] = []
    client = upload_client.TusClient(live_server.url, token, sleep=naps.append)
    real_patch = client.patch
    calls = []

    def flaky(url, offset, chunk, timeout=None):
        answer = real_patch(url, offset, chunk, timeout)
        calls.append(offset)
        if len(calls) == 2:  # the server stored it, but the answer never arrived
            raise upload_client.Retryable("connection reset")
        return answer

    client.patch = flaky
    sent = upload_client.send_file(client, clip, upload_client.State(tmp_path / "s.json"), 10_000)
    client.close()
    backoffs = [nap for nap in naps if nap != upload_client.POLL_SECONDS]  # not the polling
    assert sent.status["result"]["status"] == "stored" and len(backoffs) == 1
    assert calls[:3] == [0, 10_000, 20_000]  # resumed from the server's offset, nothing resent
    assert Recording.objects.get().sha256 == sha256(data)
