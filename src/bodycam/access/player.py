"""The player page and the content endpoints behind it, each made by `content_endpoint` (so
none can be reached without an active grant), and the end of a playback session."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from bodycam.access.content import content_endpoint, content_url, refused
from bodycam.access.delivery import deliver
from bodycam.access.levels import PROTECTED
from bodycam.access.models import CopyState, Playback, ViewingRequest
from bodycam.access.playback import end_playback, start_playback
from bodycam.access.requests import grant_for
from bodycam.activities.vocabulary import ContentTag
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.access import AuthenticatedHttpRequest
from bodycam.lib.api import NOT_FOUND
from bodycam.lib.errors import Refused
from bodycam.lib.parsing import parse_int
from bodycam.lib.ranges import Unsatisfiable, byte_range
from bodycam.recordings import marks
from bodycam.recordings.models import DerivedCopy, DerivedKind, Kind, Recording

NOT_MADE = _("这份副本还没有生成（后台处理中或无法生成），请稍后再试。")
PROXY_TYPES = {Kind.VIDEO: "video/mp4", Kind.AUDIO: "audio/mp4", Kind.PHOTO: "image/jpeg"}


def _copy(recording: Recording, *kinds: str) -> DerivedCopy | None:
    return recording.derived.filter(kind__in=kinds).first()


def _derived(request: HttpRequest, recording: Recording, kinds: tuple[str, ...], mime: str):
    copy = _copy(recording, *kinds)
    if copy is None:
        return refused(request, Refused(NOT_MADE, code="not_made", http_status=404), recording)
    return deliver(request, copy.sha256, mime)


def starts_a_download(request: HttpRequest, size: int) -> bool:
    """Whether this request sends the file's first byte: a download begins (a player's or a
    download manager's later ranges of the same download are not new downloads)."""
    if request.method != "GET":
        return False
    try:
        wanted = byte_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        return False
    return wanted is None or wanted[0] == 0


@content_endpoint("proxy")
def recording_proxy(request: AuthenticatedHttpRequest, recording: Recording, grant: ViewingRequest):
    kinds = (DerivedKind.PREVIEW,) if recording.kind == Kind.PHOTO else (DerivedKind.PROXY,)
    return _derived(request, recording, kinds, PROXY_TYPES[Kind(recording.kind)])


@content_endpoint("strip")
def recording_strip(request: AuthenticatedHttpRequest, recording: Recording, grant: ViewingRequest):
    return _derived(request, recording, (DerivedKind.STRIP,), "image/jpeg")


@content_endpoint("thumbnail")
def recording_thumbnail(
    request: AuthenticatedHttpRequest, recording: Recording, grant: ViewingRequest
):
    return _derived(request, recording, (DerivedKind.THUMBNAIL,), "image/jpeg")


@content_endpoint("original")
def recording_original(
    request: AuthenticatedHttpRequest, recording: Recording, grant: ViewingRequest
):
    """The original's bytes, as a download (R-17, R-18): each download is a ledger entry (a
    player's later range requests of the same download are not)."""
    if starts_a_download(request, recording.size):
        record(Action.DOWNLOAD, recording, request.user, grant=grant.pk,
               register_number=grant.number)  # fmt: skip
    mime = mimetypes.guess_type(recording.original_name)[0] or "application/octet-stream"
    return deliver(request, recording.sha256, mime, recording.original_name, attachment=True)


@content_endpoint("copy")
def recording_copy(request: AuthenticatedHttpRequest, recording: Recording, grant: ViewingRequest):
    """The watermarked copy provided outside the bureau (R-18); each download is an entry."""
    copy = grant.provided_copies.filter(recording=recording, state=CopyState.MADE).first()
    if copy is None:
        return refused(request, Refused(NOT_MADE, code="not_made", http_status=404), recording)
    if starts_a_download(request, copy.size or 0):
        record(Action.DOWNLOAD, recording, request.user, grant=grant.pk, copy=copy.pk,
               register_number=grant.number)  # fmt: skip
    name = f"{grant.number}-{recording.pk}-watermarked.mp4"
    return deliver(request, copy.sha256, "video/mp4", name, attachment=True)


@content_endpoint("play")
def recording_play(request: AuthenticatedHttpRequest, recording: Recording, grant: ViewingRequest):
    """The player: the proxy drawn on a canvas with the viewer's watermark. The session is
    started by the player's POST when playing begins (a GET, which another site can cause,
    writes nothing)."""
    user = request.user
    glances = recording.secrecy < PROTECTED
    copy = grant.provided_copies.filter(recording=recording).first()
    urls = {
        "proxy": content_url(user, grant, recording, "proxy"),
        "strip": content_url(user, grant, recording, "strip") if glances else "",
        "original": content_url(user, grant, recording, "original")
        if grant.gives_original and glances
        else "",
        "copy": content_url(user, grant, recording, "copy")
        if copy is not None and copy.state == CopyState.MADE
        else "",
    }
    viewer = user.display_name
    if grant.is_outside:  # the clerk shows it to the person the letter names
        viewer = f"{grant.viewer_name}（{grant.viewer_unit}）· {grant.number} · {user.display_name}"
    watermark = f"{viewer} · {timezone.localtime():%Y-%m-%d %H:%M}"
    return render(
        request,
        "access/play.html",
        {
            "recording": recording,
            "grant": grant,
            "urls": urls,
            "copy": copy,
            "has_proxy": _copy(recording, DerivedKind.PROXY, DerivedKind.PREVIEW) is not None,
            "has_strip": glances and _copy(recording, DerivedKind.STRIP) is not None,
            "watermark": watermark,
            "time_zone": settings.DISPLAY_TIME_ZONE,
            "marks": recording.marks.select_related("marked_by"),
            "tags": ContentTag.choices,
            "start_at": _start_at(request, recording),
        },
    )


def _start_at(request: AuthenticatedHttpRequest, recording: Recording) -> int:
    """The second `?at=` asks the player to start at (a link from a finding), within the file."""
    text = request.GET.get("at", "").strip()
    if not text:
        return 0
    length = int(recording.duration.total_seconds()) if recording.duration else 24 * 3600
    try:
        return parse_int(text, 0, length)
    except Refused:
        messages.warning(request, _("无法定位到第 %(t)s 秒（应在 0 到 %(n)s 秒之间），从头播放。")
                         % {"t": text[:20], "n": length})  # fmt: skip
        return 0


@require_POST
@login_required
def playback_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The player began playing: a `view` entry opens the session (R-16)."""
    recording = Recording.objects.cleared_for(request.user).filter(pk=pk).first()
    if recording is None:
        return JsonResponse({"code": "not_found", "detail": str(NOT_FOUND)}, status=404)
    try:
        grant = grant_for(request.user, recording)
    except Refused as refusal:
        return JsonResponse({"code": refusal.code, "detail": refusal.text()},
                            status=refusal.http_status)  # fmt: skip
    playback = start_playback(request.user, grant, recording)
    return JsonResponse({"end_url": reverse("playback-end", args=[playback.pk])}, status=201)


@require_POST
@login_required
def playback_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Sent by the player as its page is left (navigator.sendBeacon)."""
    playback = get_object_or_404(Playback, pk=pk, viewer=request.user)
    try:
        end_playback(playback, request.user)
    except Refused as refusal:
        return HttpResponse(status=refusal.http_status)
    return HttpResponse(status=204)


@require_POST
@login_required
def recording_mark(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The player's 标注 form (R-10), answered in JSON so that playback goes on."""
    recording = Recording.objects.cleared_for(request.user).filter(pk=pk).first()
    if recording is None:
        return JsonResponse({"code": "not_found", "detail": str(NOT_FOUND)}, status=404)
    try:
        grant_for(request.user, recording)  # authorise before reading the form
        start = parse_int(request.POST.get("start_ms", ""), 0, 10**11)
        end_text = request.POST.get("end_ms", "").strip()
        end = parse_int(end_text, 0, 10**11) if end_text else None
        made = marks.mark_content(recording, request.user, request.POST.get("tag", ""), start,
                                  end, request.POST.get("note", ""))  # fmt: skip
    except Refused as refusal:
        return JsonResponse({"code": refusal.code, "detail": refusal.text()},
                            status=refusal.http_status)  # fmt: skip
    return JsonResponse(
        {"id": made.pk, "tag": made.get_tag_display(), "start_ms": made.start_ms,
         "end_ms": made.end_ms, "note": made.note}, status=201,
    )  # fmt: skip
