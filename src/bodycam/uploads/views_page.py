"""The upload page: pick files or a recorder's whole folder; tus does the rest in the browser."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from bodycam.lib.access import permission_required
from bodycam.recordings.probe import MEDIA_EXTENSIONS


@ensure_csrf_cookie
@permission_required("recordings.ingest_recording")
def upload_page(request: HttpRequest) -> HttpResponse:
    extensions = ",".join(sorted(MEDIA_EXTENSIONS))
    return render(request, "uploads/page.html", {"extensions": extensions})
