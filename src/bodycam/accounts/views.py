from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bodycam.accounts.models import User


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
