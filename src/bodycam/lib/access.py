"""Who may open a page: someone not signed in (or whose session ended) is sent to the login
page and back afterwards; a signed-in user whose role lacks the permission is refused (403)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from bodycam.accounts.models import User

View = Callable[..., HttpResponseBase]


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind `login_required` or `permission_required`: its user has
    signed in. For type checking only (django-stubs' pattern); Django makes the requests."""

    user: User


def permission_required(permission: str) -> Callable[[View], View]:
    """Like Django's, but never tells an anonymous visitor that their role lacks a right."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorate
