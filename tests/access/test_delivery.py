"""How content reaches the player: from S3 by a short-lived presigned URL the browser seeks in
itself; locally through the production server (gunicorn's sendfile), ranges and all."""

import http.client
import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import Client

from bodycam.access.content import content_url
from bodycam.management.commands.serve import web_command
from bodycam.recordings.models import DerivedKind
from tests.access.conftest import grant, ingested
from tests.commands import free_port, wait_for_port

pytestmark = pytest.mark.django_db


def test_on_s3_the_player_is_sent_to_a_presigned_url_that_serves_ranges(
    s3_store, clip, officer, head, custodian, settings
):
    recording = ingested(clip, officer)
    active = grant(officer, [recording], head, custodian)
    client = Client()
    client.force_login(officer)
    answer = client.get(content_url(officer, active, recording, "proxy"))
    assert answer.status_code == 302
    target = answer["Location"]
    assert target.startswith(settings.S3_ENDPOINT_URL) and "X-Amz-Expires=" in target
    wanted = urllib.request.Request(target, headers={"Range": "bytes=0-99"})
    with urllib.request.urlopen(wanted) as stored:
        assert stored.status == 206 and stored.headers["Content-Type"] == "video/mp4"
        body = stored.read()
    proxy = recording.derived.get(kind=DerivedKind.PROXY)
    with s3_store.open(proxy.sha256) as blob:
        assert body == blob.read(100)


SERVED_SETUP = """
import json, sys
from bodycam.access.content import content_url
from bodycam.accounts import tokens
from bodycam.accounts.models import User
from tests.access.conftest import grant, ingested
from tests import media
from pathlib import Path
officer, head, custodian = (User.objects.get(username=n) for n in ("officer", "head", "custodian"))
recording = ingested(media.make_mp4(Path(sys.argv[1]) / "JX0227_20261120_101500.mp4", 4), officer)
active = grant(officer, [recording], head, custodian)
proxy = recording.derived.get(kind="proxy")
print(json.dumps({"url": content_url(officer, active, recording, "proxy"),
                  "key": tokens.issue_token(officer, None, name="t").key, "sha256": proxy.sha256}))
"""


@pytest.fixture
def served(tmp_path):
    """`bodycam serve`'s web server on its own data folder holding one granted recording."""
    data = tmp_path / "served"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(data)
    bodycam = [sys.executable, "-m", "bodycam"]
    for args in (("migrate", "--noinput", "-v0"), ("demo",)):
        subprocess.run([*bodycam, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    made = subprocess.run([*bodycam, "shell", "-c", SERVED_SETUP.replace("sys.argv[1]",
                           repr(str(tmp_path)))], env=env, check=True, capture_output=True,
                          text=True, cwd=os.getcwd())  # fmt: skip
    facts = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(web_command(f"127.0.0.1:{port}", 1), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for_port(port)
    yield port, facts, data
    server.terminate()
    server.wait(timeout=20)


def _get(port: int, path: str, headers: dict) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    return answer.status, dict(answer.getheaders()), answer.read()


def test_the_production_server_sends_exactly_the_ranges_asked_for(served):
    port, facts, data = served
    blob = data / "blobs" / facts["sha256"][:2] / facts["sha256"][2:4] / facts["sha256"]
    whole = blob.read_bytes()
    auth = {"Authorization": f"Token {facts['key']}"}
    path = urlsplit(facts["url"])
    target = f"{path.path}?{path.query}"
    middle = (len(whole) // 3, len(whole) // 2)
    for header, (first, last) in {
        "bytes=0-0": (0, 0),
        f"bytes={middle[0]}-{middle[1]}": middle,
        "bytes=-1000": (len(whole) - 1000, len(whole) - 1),
    }.items():
        status, headers, body = _get(port, target, {**auth, "Range": header})
        assert status == 206, header
        assert headers["Content-Range"] == f"bytes {first}-{last}/{len(whole)}"
        assert body == whole[first : last + 1]
    status, headers, body = _get(port, target, auth)
    assert status == 200 and body == whole
    status, headers, _ = _get(port, target, {**auth, "Range": f"bytes={len(whole)}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(whole)}"
    status, _, body = _get(port, target, {"Range": "bytes=0-10"})  # no token, no session
    assert status == 302 and body == b""
