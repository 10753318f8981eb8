"""The tus 1.0.0 protocol (https://tus.io/protocols/resumable-upload): its headers, their
syntax and its status codes, as plain functions; a refusal is a `Refused` with its HTTP status.
Core, creation, termination, checksum and
expiration are supported; creation-defer-length and concatenation are not.
"""

import base64
import binascii
import hashlib
import re
from datetime import UTC
from email.utils import format_datetime

from django.conf import settings
from django.http import HttpResponse

from bodycam.lib.errors import Refused
from bodycam.uploads import messages

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
OFFSET_TYPE = "application/offset+octet-stream"
CHECKSUM_MISMATCH = 460
MAX_METADATA = 8 * 1024
METADATA_KEY = re.compile(r"[!-+\--~]{1,64}")  # printable ASCII, no space or comma


def response(status: int = 204, text: str = "", **headers: str) -> HttpResponse:
    """A tus response: bodiless unless it explains a refusal; always Tus-Resumable."""
    answer = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    if not text:
        del answer["Content-Type"]
    answer["Tus-Resumable"] = VERSION
    answer["Cache-Control"] = "no-store"
    for name, value in headers.items():
        answer[name.replace("_", "-")] = value
    return answer


def refusal(refused: Refused) -> HttpResponse:
    """The response for a refused request: its status, headers and message (in the
    request's language)."""
    return response(refused.http_status, refused.text() + "\n", **refused.headers)


def refuse(status: int, message, code: str, headers: dict[str, str] | None = None, **params):
    """A Refused for the upload endpoint: its HTTP status, stable code and catalogue message."""
    return Refused(message, code=code, http_status=status, headers=headers, **params)


def options_headers() -> dict[str, str]:
    """What OPTIONS says about this server."""
    return {
        "Tus_Version": VERSION,
        "Tus_Extension": EXTENSIONS,
        "Tus_Max_Size": str(settings.UPLOAD_MAX_BYTES),
        "Tus_Checksum_Algorithm": ",".join(CHECKSUM_ALGORITHMS),
    }


def check_version(value: str | None) -> None:
    """Every request but OPTIONS names the protocol version it speaks."""
    if value != VERSION:
        raise refuse(412, messages.VERSION, "tus_version", {"Tus_Version": VERSION})


def non_negative(value: str | None, header: str) -> int:
    """An Upload-Length or Upload-Offset value."""
    if value is None or not value.isascii() or not value.isdigit():
        raise refuse(400, messages.NOT_A_NUMBER, "invalid_header", header=header)
    return int(value)


def content_length(value: str | None) -> int:
    """A PATCH's Content-Length, which must be given (411 otherwise: a chunked body is not
    passed on to the application, and would be silently lost)."""
    if value is None or value == "":
        raise refuse(411, messages.LENGTH_REQUIRED, "length_required")
    return non_negative(value, "Content-Length")


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: `key base64,key base64,flag` decoded to text (UTF-8)."""
    if not value:
        return {}
    if len(value) > MAX_METADATA:
        raise refuse(400, messages.METADATA_TOO_LONG, "metadata_too_long")
    found: dict[str, str] = {}
    for pair in value.split(","):
        key, _space, encoded = pair.strip().partition(" ")
        if not METADATA_KEY.fullmatch(key) or key in found or " " in encoded.strip():
            raise refuse(400, messages.METADATA_MALFORMED, "metadata_malformed")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            value = "\0"
        if "\0" in value:  # not text (and PostgreSQL's JSON cannot hold NUL)
            raise refuse(400, messages.METADATA_VALUE, "metadata_value", key=key)
        found[key] = value
    return found


def encode_metadata(metadata: dict[str, str]) -> str:
    """The inverse of parse_metadata, for HEAD responses."""
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode('ascii')}"
        for key, value in metadata.items()
    )


def parse_checksum(value: str | None) -> tuple[str, bytes] | None:
    """Upload-Checksum: `<algorithm> <base64 digest>`; 400 for an algorithm we lack."""
    if not value:
        return None
    algorithm, _space, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise refuse(
            400, messages.CHECKSUM_ALGORITHM, "checksum_algorithm",
            {"Tus_Checksum_Algorithm": ",".join(CHECKSUM_ALGORITHMS)}, algorithm=algorithm[:20],
        )  # fmt: skip
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != hashlib.new(algorithm).digest_size:
        raise refuse(400, messages.CHECKSUM_MALFORMED, "checksum_malformed")
    return algorithm, digest


def http_date(moment) -> str:
    """RFC 7231 date, as Upload-Expires wants it."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
