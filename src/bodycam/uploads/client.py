"""A tus 1.0 client for `bodycam upload`, on the standard library only (http.client).

Each file is hashed first (one read), created with its name and SHA-256 as metadata, then
sent in PATCH chunks, each with its own Upload-Checksum. A network error or a 5xx answer is
followed by a randomised exponential back-off, a HEAD for the server's offset and a resume
from there. The upload URL of every file is remembered in a state file, keyed by the file's
absolute path, size, mtime and SHA-256, so a run after a crash resumes instead of starting over.
"""

import base64
import hashlib
import http.client
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

VERSION = "1.0.0"
HASH_CHUNK = 1024 * 1024
DONE = {"ingested", "failed", "expired", "terminated"}
POLL_SECONDS = 0.5  # how often the status of a complete upload is asked while it is ingested


class Fatal(Exception):
    """The server refuses us altogether (bad token, no permission): stop the whole run."""


class Refused(Exception):
    """The server refuses this file (4xx); its message is the server's."""


class Retryable(Exception):
    """A network error or a 5xx: wait, ask the offset, try again."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        """The body as text (the server's bilingual message, for a refusal)."""
        return self.body.decode("utf-8", "replace").strip()


@dataclass
class Sent:
    """What happened to one file: the server's JSON status (if reached) and bytes sent."""

    path: Path
    size: int
    sha256: str
    status: dict = field(default_factory=dict)
    sent: int = 0
    error: str = ""
    url: str = ""


class State:
    """Upload URLs of unfinished files, in a small JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.urls: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.urls = {}

    @staticmethod
    def key(path: Path, size: int, mtime_ns: int, sha256: str) -> str:
        """Which file: the same path with other content is another upload."""
        return f"{path.resolve()}|{size}|{mtime_ns}|{sha256}"

    def set(self, key: str, url: str | None) -> None:
        """Remember (or, with None, forget) a file's upload URL, on disk at once."""
        if url is None:
            self.urls.pop(key, None)
        else:
            self.urls[key] = url
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(self.urls, ensure_ascii=False, indent=1), "utf-8")
        temporary.replace(self.path)


class TusClient:
    """Talks to one server's /api/v1/uploads/ with a token; one connection, reopened after
    an error."""

    def __init__(
        self,
        server: str,
        token: str,
        retries: int = 8,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = urljoin(server.rstrip("/") + "/", "api/v1/uploads/")
        self.token = token
        self.retries = retries
        self.timeout = timeout
        self.sleep = sleep
        self._connection: http.client.HTTPConnection | None = None
        self._origin = ("", "")

    def request(self, method: str, url: str, headers: dict, body: bytes = b"", timeout=None):
        """One request; Retryable on a network error or a 5xx."""
        parts = urlsplit(url)
        headers = {"Authorization": f"Token {self.token}", "Tus-Resumable": VERSION, **headers}
        try:
            connection = self._connect(parts, timeout or self.timeout)
            connection.request(method, parts.path or "/", body=body, headers=headers)
            reply = connection.getresponse()
            answer = Answer(
                reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
            )
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Retryable(f"网络错误 / network error: {error}") from error
        if answer.status >= 500:
            self.close()
            raise Retryable(f"{answer.status} {answer.text()[:200]}")
        if answer.status in (401, 403):
            raise Fatal(f"{answer.status} {answer.text()}")
        return answer

    def _connect(self, parts, timeout: float) -> http.client.HTTPConnection:
        if self._connection is not None and self._origin != (parts.scheme, parts.netloc):
            self.close()
        if self._connection is None:
            kind = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            self._connection = kind(parts.netloc, timeout=timeout)
            self._origin = (parts.scheme, parts.netloc)
        self._connection.timeout = timeout
        if self._connection.sock is not None:
            self._connection.sock.settimeout(timeout)
        return self._connection

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def create(self, size: int, metadata: dict[str, str]) -> str:
        """A new upload's URL (tus creation); Refused if the server will not take the file."""
        encoded = ",".join(
            f"{k} {base64.b64encode(v.encode()).decode('ascii')}" for k, v in metadata.items()
        )
        answer = self._retrying(
            lambda: self.request(
                "POST", self.endpoint, {"Upload-Length": str(size), "Upload-Metadata": encoded}
            )
        )
        if answer.status != 201 or "location" not in answer.headers:
            raise Refused(answer.text() or f"HTTP {answer.status}")
        return urljoin(self.endpoint, answer.headers["location"])

    def offset(self, url: str) -> int | None:
        """The server's offset; None if the upload is gone (expired, failed, terminated)."""
        answer = self._retrying(lambda: self.request("HEAD", url, {}))
        if answer.status != 200 or "upload-offset" not in answer.headers:
            return None
        return int(answer.headers["upload-offset"])

    def patch(self, url: str, offset: int, chunk: bytes, timeout: float | None = None) -> Answer:
        """Send one chunk at `offset` with its SHA-256 (Upload-Checksum); not retried here."""
        digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode("ascii")
        headers = {
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
            "Upload-Checksum": f"sha256 {digest}",
        }
        return self.request("PATCH", url, headers, chunk, timeout)

    def status(self, url: str) -> dict:
        """The upload's JSON status (status, offset, length, result, error)."""
        answer = self._retrying(lambda: self.request("GET", url, {"Accept": "application/json"}))
        try:
            return json.loads(answer.body)
        except ValueError:
            return {"status": "failed", "error": answer.text()}

    def _retrying(self, call: Callable[[], Answer]) -> Answer:
        for attempt in range(self.retries + 1):
            try:
                return call()
            except Retryable:
                if attempt == self.retries:
                    raise
                self.back_off(attempt)
        raise AssertionError("unreachable")

    def back_off(self, attempt: int) -> None:
        """Wait before retry number `attempt`: randomised, exponential, at most a minute."""
        self.sleep(min(60.0, 2.0**attempt) * random.uniform(0.5, 1.0))  # noqa: S311


def sha256_file(path: Path) -> str:
    """The file's SHA-256, in one read."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def send_file(
    client: TusClient,
    path: Path,
    state: State,
    chunk_size: int,
    max_chunks: int | None = None,
    patience: float | None = None,
) -> Sent:
    """Upload one file, resuming a remembered upload if the server still has it; returns the
    server's final JSON status. `max_chunks` stops early (the upload stays resumable);
    `patience` is how long to wait for the server's ingest (default: by the file's size)."""
    info = path.stat()
    sha256 = sha256_file(path)
    key = State.key(path, info.st_size, info.st_mtime_ns, sha256)
    sent = Sent(path, info.st_size, sha256)
    url = state.urls.get(key)
    offset = client.offset(url) if url else None
    if url is None or offset is None:
        url = client.create(info.st_size, {"filename": path.name, "sha256": sha256})
        state.set(key, url)
        offset = 0
    sent.url = url
    final_timeout = client.timeout + info.st_size / (20 * 2**20)  # the server ingests then
    with path.open("rb") as source:
        offset = _send(client, sent, source, offset, chunk_size, max_chunks, final_timeout)
    if offset is not None and offset < info.st_size:
        return sent  # stopped early on purpose
    sent.status = wait_for(client, url, final_timeout if patience is None else patience)
    if sent.status.get("status") in DONE:
        state.set(key, None)
    return sent


def _send(client, sent: Sent, source, offset, chunk_size, max_chunks, final_timeout):
    """PATCH chunks from `offset` to the end; the last offset, or None if the upload went
    away (its JSON status then says why)."""
    chunks = failures = 0
    while offset < sent.size:
        if max_chunks is not None and chunks >= max_chunks:
            return offset
        source.seek(offset)
        chunk = source.read(chunk_size)
        last = offset + len(chunk) >= sent.size
        try:
            answer = client.patch(sent.url, offset, chunk, final_timeout if last else None)
            problem = answer.text() or f"HTTP {answer.status}"
        except Retryable as error:
            answer, problem = None, str(error)
        if answer is not None and answer.status == 204:
            offset = int(answer.headers["upload-offset"])
            sent.sent += len(chunk)
            chunks += 1
            failures = 0
            continue
        if answer is not None and answer.status not in (409, 460):
            raise Refused(problem)
        if failures >= client.retries:
            raise Retryable(problem)
        if answer is None:
            client.back_off(failures)
        failures += 1
        offset = client.offset(sent.url)  # 409, 460 or a network error: ask where we are
        if offset is None:
            return None
    return offset


def wait_for(client: TusClient, url: str, patience: float) -> dict:
    """The upload's JSON status once the server has finished with it (or gave up waiting)."""
    deadline = time.monotonic() + patience
    while True:
        status = client.status(url)
        if status.get("status") in DONE or time.monotonic() > deadline:
            return status
        client.sleep(POLL_SECONDS)
