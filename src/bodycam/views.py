"""Pages of the project shell: home, health check, error pages."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from bodycam import health
from bodycam.access import queue
from bodycam.accounts.grants import confirmable_by
from bodycam.accounts.roles import ROLE_GUIDANCE, Role
from bodycam.help import guides_for
from bodycam.lib.access import AuthenticatedHttpRequest
from bodycam.lib.api import NOT_FOUND, SERVER_ERROR
from bodycam.reports.figures import figures
from bodycam.reports.views import last_days


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What each of the user's roles does next."""
    user = request.user
    tasks = [
        {"role": Role(role).label, "guidance": ROLE_GUIDANCE[role]}
        for role in Role.values
        if role in user.roles
    ]
    awaiting = confirmable_by(user).count()
    return render(
        request,
        "home.html",
        {
            "tasks": tasks,
            "grants_awaiting": awaiting,
            "todo": queue.tasks_for(user),
            "figures": figures(last_days()) if user.has_perm("reports.view_dashboard") else [],
        },
    )


@login_required
def help_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """帮助: the steps of each of the user's roles, with a screenshot each."""
    return render(request, "help.html", {"guides": guides_for(request.user.roles)})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and storage reachable: 200, else 503 with what failed."""
    report = health.check(connection)
    status = 200 if report["status"] == "ok" else 503
    return JsonResponse(report, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: for the API a JSON error like every other, for people the page in their language."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": str(NOT_FOUND)}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the API answers JSON; people get the page that says what to do."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "detail": str(SERVER_ERROR)}, status=500)
    # no context processors: whatever failed (the database, say) must not fail this page too
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on their own: the product's icon (SVG)."""
    icon = finders.find("bodycam/favicon.svg")
    if icon is None:  # shipped with the app; only a broken installation lacks it
        raise Http404
    return HttpResponse(Path(icon).read_bytes(), content_type="image/svg+xml")
