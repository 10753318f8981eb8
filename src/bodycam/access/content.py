"""The only way to a recording's content (hard rule 2): every view that returns pictures, sound
or the original's bytes is made by `content_endpoint`, which finds the caller's active grant
(R-16), checks the signed URL, writes `access_denied` to the ledger when it refuses, and only
then calls the view. The URL tests find these views by their `content_kind` attribute, so a
new content endpoint is covered by them without editing them.

Content URLs are signed (django.core.signing) over the user, the grant, the recording and the
kind, and expire after BODYCAM_CONTENT_URL_MINUTES: a copied URL is useless to anyone else, for
another recording, or later. The grant itself is checked on every request, so a revocation
takes effect at once.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from bodycam.access.levels import PROTECTED
from bodycam.access.models import Right, ViewingRequest
from bodycam.access.requests import PROVIDED_COPY, active_grant, grant_for
from bodycam.accounts import tokens
from bodycam.accounts.models import User
from bodycam.ledger.entries import Subject, record
from bodycam.ledger.models import Action
from bodycam.lib.access import AuthenticatedHttpRequest
from bodycam.lib.api import NOT_FOUND
from bodycam.lib.errors import Refused
from bodycam.lib.parsing import parse_id
from bodycam.recordings.models import Recording

SALT = "bodycam.access.content"
# The kinds of content, and the right each needs.
KINDS = {"proxy": Right.VIEW, "strip": Right.VIEW, "thumbnail": Right.VIEW,
         "original": Right.DOWNLOAD, "copy": PROVIDED_COPY}  # fmt: skip
# Pictures that give a recording away at a glance: hidden above the ordinary level.
GLANCES = frozenset({"strip", "thumbnail"})

BAD_LINK = _("这个查看链接无效或已过期。请回到音像记录页面重新打开播放。")
HIDDEN = _("涉密的音像记录不显示缩略图和时间轴缩略图（R-19）。")


def content_url(user: User, grant: ViewingRequest, recording: Recording, kind: str) -> str:
    """A signed URL for one kind of `recording`'s content, good for `user` under `grant`."""
    token = signing.dumps({"u": user.pk, "g": grant.pk, "r": recording.pk, "k": kind}, salt=SALT)
    return f"{reverse(f'recording-{kind}', args=[recording.pk])}?t={token}"


def plain_url(recording: Recording, kind: str) -> str:
    """The content URL without a signature: what someone without a grant is shown (it answers
    403, and says why)."""
    return reverse(f"recording-{kind}", args=[recording.pk])


def content_urls(user: User, recording: Recording) -> dict[str, str]:
    """Where each kind of `recording`'s content is: signed for `user` when they hold an
    active grant (the download only if the grant includes it), plain otherwise."""
    active = active_grant(user, recording)
    urls = {}
    for kind in ("proxy", "original", "strip", "thumbnail"):
        usable = active is not None and (kind != "original" or active.gives_original)
        urls[kind] = (
            content_url(user, active, recording, kind) if usable and active
            else plain_url(recording, kind)
        )  # fmt: skip
    return urls


def _caller(request: HttpRequest) -> User | None:
    """The signed-in user, or the owner of the API token the request carries."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "").split()
    if len(header) == 2 and header[0].lower() == "token":
        try:
            return tokens.user_for_key(header[1])[0]
        except Refused:
            return None
    return None


def _signed_grant(token: str | None, user: User, recording: Recording, kind: str) -> int:
    """The grant id a valid signed URL names; Refused if it is missing, forged or expired, or
    made for someone else, another recording or another kind of content."""
    if not token:
        raise Refused(BAD_LINK, code="unsigned_link", http_status=403)
    try:
        claims = signing.loads(token, salt=SALT, max_age=settings.CONTENT_URL_MINUTES * 60)
    except signing.BadSignature:  # SignatureExpired is one too
        raise Refused(BAD_LINK, code="invalid_link", http_status=403) from None
    expected = {"u": user.pk, "r": recording.pk, "k": kind}
    if not isinstance(claims, dict) or any(claims.get(k) != v for k, v in expected.items()):
        raise Refused(BAD_LINK, code="invalid_link", http_status=403)
    return int(claims.get("g", 0))


def authorise(user: User, recording: Recording, kind: str, token: str | None) -> ViewingRequest:
    """The grant under which `user` may have this content now (see the module docstring)."""
    if kind in GLANCES and recording.secrecy >= PROTECTED:
        raise Refused(HIDDEN, code="access_denied", http_status=403)
    right = KINDS.get(kind, Right.VIEW)
    grant = grant_for(user, recording, right)  # says what is missing, if anything is
    if kind == "play":
        return grant
    grant_id = _signed_grant(token, user, recording, kind)
    try:
        return grant_for(user, recording, right, grant_id=grant_id)
    except Refused:  # the grant the link was made under ended, though another is active
        raise Refused(BAD_LINK, code="invalid_link", http_status=403) from None


ContentView = Callable[[AuthenticatedHttpRequest, Recording, ViewingRequest], HttpResponse]


DISPOSED = _("这条音像记录保存期限届满，已按规定经批准销毁，内容不再存在（R-14）。")


def content_endpoint(kind: str) -> Callable[[ContentView], Callable[..., HttpResponse]]:
    """Make a view of `kind` ("proxy", "original", …; "play" for the player page, which needs
    the grant but no signed URL) that runs only for a caller with an active grant."""

    def decorate(view: ContentView) -> Callable[..., HttpResponse]:
        @require_safe  # content is read, never changed: GET and HEAD only
        @wraps(view)
        def guarded(request: HttpRequest, pk: Any) -> HttpResponse:
            user = _caller(request)
            if user is None:
                return redirect_to_login(request.get_full_path())
            number = parse_id(pk)
            recording = (
                Recording.objects.cleared_for(user).filter(pk=number).first() if number else None
            )
            try:
                if recording is None:  # or its existence is secret to this user
                    raise Refused(NOT_FOUND, code="not_found", http_status=404)
                if recording.disposed_at is not None:
                    raise Refused(DISPOSED, code="disposed", http_status=410)
                grant = authorise(user, recording, kind, request.GET.get("t"))
            except Refused as refusal:
                if number is not None:
                    _denied(user, number, kind, refusal.code)
                return refused(request, refusal, recording)
            request.user = user  # an API token's owner, for the view as for the session's user
            return view(cast(AuthenticatedHttpRequest, request), recording, grant)

        guarded.content_kind = kind  # type: ignore[attr-defined]
        return guarded

    return decorate


DENIAL_QUIET_SECONDS = 60


def _denied(user: User, number: int, kind: str, code: str) -> None:
    """An `access_denied` entry; the same refusal again within a minute (a player retrying, a
    page reloaded, a script looping) is not written again."""
    key = f"bodycam:denied:{user.pk}:{number}:{kind}:{code}"
    if cache.add(key, 1, DENIAL_QUIET_SECONDS):
        record(Action.ACCESS_DENIED, Subject("recording", str(number)), user, content=kind,
               code=code)  # fmt: skip


def refused(request: HttpRequest, refusal: Refused, recording: Recording | None) -> HttpResponse:
    """The refusal as JSON for programs and media elements, as a page for people."""
    if request.path.startswith("/api/") or "text/html" not in request.headers.get("Accept", ""):
        return JsonResponse(
            {"code": refusal.code, "detail": refusal.text()}, status=refusal.http_status
        )
    return render(
        request,
        "access/refused.html",
        {"message": refusal.text(), "recording": recording, "code": refusal.code},
        status=refusal.http_status,
    )
