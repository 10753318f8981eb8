from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.accounts.models import User
from bodycam.importing import import_page


@permission_required("accounts.view_user", raise_exception=True)
def people(request: HttpRequest) -> HttpResponse:
    """The staff directory: name, badge number, unit and roles."""
    users = (
        User.objects.restrict(request.user, "view")
        .filter(is_active=True)
        .select_related("unit")
        .prefetch_related("role_assignments")
        .order_by("unit__code", "username")
    )
    return render(request, "accounts/people.html", {"people": users})


@permission_required("accounts.import_users", raise_exception=True)
def people_import(request: HttpRequest) -> HttpResponse:
    """Bulk import of users; initial passwords are shown once, to hand out."""

    def applied(request: HttpRequest, created: list) -> HttpResponse:
        return render(request, "accounts/imported.html", {"created": created})

    return import_page(
        request,
        plan=plan_user_import,
        apply=apply_user_import,
        applied=applied,
        template="accounts/import.html",
    )
