"""Sending a blob to the browser without the application touching its bytes.

Local storage: the file is handed to the WSGI server's file wrapper, which gunicorn sends with
sendfile(2) from the range's first byte for exactly its length (HTTP Range: 206, 416). Behind
nginx, `BODYCAM_CONTENT_ACCEL_REDIRECT` hands the file to the proxy instead (X-Accel-Redirect).
S3: a presigned URL good for BODYCAM_CONTENT_PRESIGN_SECONDS (default 60); the browser fetches
(and seeks in) the object directly, and the player asks the application again when it expires.
"""

from typing import BinaryIO, TypeVar

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from bodycam.lib.ranges import Unsatisfiable, byte_range
from bodycam.recordings.storage import blob_store

BLOCK = 1024 * 1024
_R = TypeVar("_R", bound=HttpResponseBase)


class FileWindow:
    """The bytes [start, start + length) of an open file. Its `fileno()` is the file's, whose
    position is `start`, so a server using sendfile sends from there for Content-Length
    bytes; `read` (the fallback) stops at the window's end."""

    def __init__(self, file: BinaryIO, start: int, length: int) -> None:
        file.seek(start)
        self.file = file
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        wanted = self.remaining if size < 0 else min(size, self.remaining)
        data = self.file.read(wanted)
        self.remaining -= len(data)
        return data

    def fileno(self) -> int:
        return self.file.fileno()

    # socket.sendfile()'s fallback (where sendfile(2) fails) seeks to the window's start.
    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def close(self) -> None:
        self.file.close()


def deliver(
    request,
    sha256: str,
    content_type: str,
    filename: str = "",
    attachment: bool = False,
) -> HttpResponseBase:
    """The blob `sha256` as the response to `request`, honouring its Range header."""
    store = blob_store()
    disposition = content_disposition_header(attachment, filename) if filename else None
    presign = getattr(store, "presigned_url", None)
    if presign is not None:
        # Short: a presigned URL works for whoever holds it, and a revocation cannot reach it.
        seconds = settings.CONTENT_PRESIGN_SECONDS
        return HttpResponseRedirect(presign(sha256, seconds, content_type, disposition))
    size = store.size(sha256)
    try:
        wanted = byte_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _private(response, sha256)
    local_path = getattr(store, "path", None)
    if settings.CONTENT_ACCEL_REDIRECT and local_path is not None:
        return _accelerated(local_path(sha256), content_type, disposition, sha256)
    start, end = wanted if wanted else (0, size - 1)
    length = max(end - start + 1, 0)
    window = FileWindow(store.open(sha256), start, length)
    streamed = FileResponse(window, content_type=content_type)
    streamed.block_size = BLOCK
    streamed["Content-Length"] = str(length)
    if wanted:
        streamed.status_code = 206
        streamed["Content-Range"] = f"bytes {start}-{end}/{size}"
    if disposition:
        streamed["Content-Disposition"] = disposition
    return _private(streamed, sha256)


def _accelerated(path, content_type: str, disposition: str | None, sha256: str) -> HttpResponse:
    """nginx serves the file (and its ranges) from its internal location."""
    relative = path.relative_to(settings.BLOB_STORAGE_DIR)
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = f"{settings.CONTENT_ACCEL_REDIRECT.rstrip('/')}/{relative}"
    if disposition:
        response["Content-Disposition"] = disposition
    return _private(response, sha256)


def _private(response: _R, sha256: str) -> _R:
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{sha256}"'
    return response
