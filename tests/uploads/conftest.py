"""Shared pieces of the upload tests: a recorder clip, tokens, and a small tus client that
speaks through Django's test client."""

import base64
import hashlib
from urllib.parse import urlsplit

import pytest

from bodycam.accounts.roles import Role
from tests import media
from tests.factories import UserFactory, api_key
from tests.jobs import run_jobs

CLIP_NAME = "TA00716_JX0227_20261120093621.MP4"


@pytest.fixture
def clip(tmp_path):
    """A 2 s recorder clip named by the recorder's convention."""
    return media.make_mp4(tmp_path / "card" / CLIP_NAME)


@pytest.fixture
def token(records_clerk):
    return api_key(records_clerk)


@pytest.fixture
def other_clerk(db):
    return UserFactory(username="records_qian", roles=[Role.RECORDS_OFFICE])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def checksum(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


class Tus:
    """tus requests through Django's test client, authenticated by a token (or not)."""

    def __init__(self, client, token: str | None = None) -> None:
        self.client = client
        self.auth = {"Authorization": f"Token {token}"} if token else {}

    def call(self, method: str, url: str, body: bytes = b"", **headers):
        headers = {"Tus-Resumable": "1.0.0", **self.auth, **headers}
        content_type = headers.pop("Content-Type", "application/offset+octet-stream")
        path = urlsplit(url).path
        return self.client.generic(method, path, body, content_type=content_type, headers=headers)

    def create(self, length: int, filename: str = CLIP_NAME, **extra: str):
        return self.call(
            "POST", "/api/v1/uploads/", Upload_Length=str(length),
            Upload_Metadata=metadata(filename=filename, **extra),
        )  # fmt: skip

    def new(self, length: int, filename: str = CLIP_NAME, **extra: str) -> str:
        response = self.create(length, filename, **extra)
        assert response.status_code == 201, response.content
        return response["Location"]

    def head(self, url: str):
        return self.call("HEAD", url)

    def offset(self, url: str) -> int:
        return int(self.head(url)["Upload-Offset"])

    def patch(self, url: str, offset: int, body: bytes, **headers):
        return self.call("PATCH", url, body, Upload_Offset=str(offset), **headers)

    def send(self, url: str, data: bytes, start: int = 0, chunk: int = 64 * 1024):
        """PATCH data[start:] in chunks with checksums; returns the last response (the one
        that completes the upload, whatever its status)."""
        response = None
        for at in range(start, len(data), chunk):
            part = data[at : at + chunk]
            response = self.patch(url, at, part, Upload_Checksum=checksum(part))
            if at + chunk < len(data):
                assert response.status_code == 204, response.content
        return response

    def in_english(self) -> "Tus":
        """The same client asking for English answers (Accept-Language: en)."""
        english = Tus(self.client)
        english.auth = {**self.auth, "Accept-Language": "en"}
        return english

    def finished(self, url: str) -> dict:
        """The upload's status once a worker has run its queued ingest."""
        run_jobs()
        return self.status(url)

    def status(self, url: str) -> dict:
        response = self.client.get(urlsplit(url).path, headers=self.auth)
        assert response["Content-Type"] == "application/json"
        return response.json()


@pytest.fixture
def tus(client, token):
    return Tus(client, token)


def refused_in_both(send, status: int) -> tuple[str, str]:
    """A refusal asked for by a Chinese and by an English client (send(tus) with each):
    the same status, the reason in each one's language. Returns both texts."""
    from tests.api import CHINESE

    chinese, english = send("zh"), send("en")
    assert chinese.status_code == english.status_code == status, chinese.content
    zh, en = chinese.content.decode(), english.content.decode()
    assert CHINESE.search(zh) and zh != en and not CHINESE.search(en), (zh, en)
    return zh, en
