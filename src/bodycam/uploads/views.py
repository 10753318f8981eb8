"""The tus endpoint under /api/v1/uploads/: thin views that translate HTTP to the rules in
tus.py, receive.py and completion.py. tus responses are bodiless with headers (a refusal
carries its reason as text, in the request's language); GET on an upload answers JSON for the
page and clients.

Authentication is the API's: a DRF token, or the browser's session with a CSRF token for
unsafe methods; uploading needs the permission `recordings.ingest_recording`.
"""

from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import BaseParser
from rest_framework.request import Request

from bodycam.accounts.authentication import ApiTokenAuthentication
from bodycam.lib.errors import Refused
from bodycam.uploads import completion, messages, receive, tus
from bodycam.uploads.models import Status, Upload

PERMISSION = "recordings.ingest_recording"
CHALLENGE = {"WWW_Authenticate": "Token"}


@csrf_exempt  # CSRF is enforced below for session-authenticated requests, as DRF does
def collection(request: HttpRequest) -> HttpResponse:
    """OPTIONS (discovery) and POST (creation) on /api/v1/uploads/."""
    return _serve(request, None, {"POST": _create})


@csrf_exempt
def resource(request: HttpRequest, pk: UUID) -> HttpResponse:
    """HEAD, PATCH, DELETE (tus) and GET (JSON status) on /api/v1/uploads/<id>/."""
    handlers = {"HEAD": _head, "PATCH": _patch, "DELETE": _delete, "GET": _status}
    return _serve(request, pk, handlers)


def _serve(request: HttpRequest, pk: UUID | None, handlers: dict) -> HttpResponse:
    method = request.method
    if method == "POST":  # tus clients behind proxies that forbid PATCH or DELETE
        method = request.headers.get("X-HTTP-Method-Override", method).upper()
    if method == "OPTIONS":
        return tus.response(204, **tus.options_headers())
    handler = handlers.get(method)
    if handler is None:
        refused = tus.refuse(
            405, messages.METHOD, "method_not_allowed", {"Allow": _allow(handlers)}
        )
        return tus.refusal(refused)
    try:
        user = _authenticate(request)  # first: a stranger learns nothing, not even a 412
        if method != "GET":
            tus.check_version(request.headers.get("Tus-Resumable"))
        return handler(request, user, pk)
    except Refused as refused:
        if method == "GET":
            body = {"code": refused.code, "detail": refused.text()}
            return _json(body, refused.http_status, **refused.headers)
        return tus.refusal(refused)


def _allow(handlers: dict) -> str:
    return ", ".join(["OPTIONS", *handlers])


class _Unread(BaseParser):
    """DRF's CSRF check looks at request.POST; a tus body must never be parsed (or read)."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        return {}


def _authenticate(request: HttpRequest):
    """The user by token or session (CSRF checked), who must hold the ingest permission."""
    wrapped = Request(request, parsers=[_Unread()])
    user = None
    for authenticator in (ApiTokenAuthentication(), SessionAuthentication()):
        try:
            found = authenticator.authenticate(wrapped)
        except exceptions.AuthenticationFailed:
            raise tus.refuse(401, messages.BAD_TOKEN, "invalid_token", CHALLENGE) from None
        except exceptions.PermissionDenied:
            raise tus.refuse(403, messages.CSRF, "csrf_failed") from None
        if found is not None:
            user = found[0]
            break
    if user is None:
        raise tus.refuse(401, messages.SIGN_IN, "not_authenticated", CHALLENGE)
    if not user.has_perm(PERMISSION):
        raise tus.refuse(403, messages.NOT_ALLOWED, "permission_denied")
    return user


def _create(request: HttpRequest, user, _pk: None) -> HttpResponse:
    if request.headers.get("Upload-Defer-Length"):
        raise tus.refuse(400, messages.LENGTH_MISSING, "length_missing")
    length = tus.non_negative(request.headers.get("Upload-Length"), "Upload-Length")
    metadata = tus.parse_metadata(request.headers.get("Upload-Metadata"))
    upload = receive.create_upload(user, length, metadata)
    location = request.build_absolute_uri(reverse("tus-upload", args=[upload.pk]))
    headers = {"Location": location, "Upload_Offset": "0"}
    if upload.status == Status.RECEIVING:
        headers["Upload_Expires"] = tus.http_date(upload.expires_at)
    return tus.response(201, **headers)


def _head(request: HttpRequest, user, pk: UUID) -> HttpResponse:
    upload = receive.find(user, pk)
    if upload.status == Status.FAILED:
        raise tus.refuse(410, messages.START_AGAIN, "failed", reason=upload.error_text())
    headers = {"Upload_Offset": str(upload.offset), "Upload_Length": str(upload.length)}
    if upload.metadata:
        headers["Upload_Metadata"] = tus.encode_metadata(upload.metadata)
    if upload.status == Status.RECEIVING:
        headers["Upload_Expires"] = tus.http_date(upload.expires_at)
    return tus.response(200, **headers)


def _patch(request: HttpRequest, user, pk: UUID) -> HttpResponse:
    upload = receive.find(user, pk)
    if request.content_type != tus.OFFSET_TYPE:
        raise tus.refuse(415, messages.CONTENT_TYPE, "content_type", type=tus.OFFSET_TYPE)
    offset = tus.non_negative(request.headers.get("Upload-Offset"), "Upload-Offset")
    checksum = tus.parse_checksum(request.headers.get("Upload-Checksum"))
    # Without Content-Length (a chunked body) the server would see no bytes at all.
    declared = tus.content_length(request.META.get("CONTENT_LENGTH"))
    # request.read, never request.body: a PATCH body may be gigabytes
    upload = receive.append(upload, offset, declared, request.read, checksum)
    if upload.status != Status.RECEIVING:  # the last byte: its ingest is queued; GET tells
        refusal = completion.refusal(upload)
        if refusal is not None:
            raise refusal
        return tus.response(204, Upload_Offset=str(upload.offset))
    return tus.response(
        204, Upload_Offset=str(upload.offset), Upload_Expires=tus.http_date(upload.expires_at)
    )


def _delete(request: HttpRequest, user, pk: UUID) -> HttpResponse:
    receive.terminate(receive.find(user, pk))
    return tus.response(204)


def _status(request: HttpRequest, user, pk: UUID) -> HttpResponse:
    return _json(as_json(receive.owned(user, pk)))


def as_json(upload: Upload) -> dict:
    """What the page and the command-line client learn about an upload."""
    return {
        "id": str(upload.pk),
        "filename": upload.filename,
        "status": upload.status,
        "offset": upload.offset,
        "length": upload.length,
        "created_at": upload.created_at.isoformat(),
        "expires_at": upload.expires_at.isoformat(),
        "completed_at": upload.completed_at.isoformat() if upload.completed_at else None,
        "result": _readable(upload.result),
        "error": upload.error_text(),
    }


def _readable(result: dict | None) -> dict | None:
    """The ingest's result with its reason in the reader's language."""
    if not result or not result.get("reason"):
        return result
    return {**result, "reason": gettext(result["reason"])}


def _json(body: dict, status: int = 200, **headers: str) -> JsonResponse:
    answer = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in {
        "Tus_Resumable": tus.VERSION,
        "Cache_Control": "no-store",
        **headers,
    }.items():
        answer[name.replace("_", "-")] = value
    return answer
