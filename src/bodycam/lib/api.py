"""Shared API plumbing: authorisation by action before anything else, rows restricted exactly as
the pages restrict them, and one shape for every error (bounded pagination: lib/pagination.py).

Every error answers `{"code": <stable name>, "detail": <message in the request's language>}`,
plus `"errors": {field: [messages]}` when a body did not validate.
"""

from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from bodycam.accounts.models import User
from bodycam.lib.errors import Refused
from bodycam.lib.parsing import parse_id
from bodycam.lib.restrict import RestrictedQuerySet

_M = TypeVar("_M", bound=Model)
_M_co = TypeVar("_M_co", bound=Model, covariant=True)

# What each HTTP method does to a row, as the restriction it needs (NetBox's HTTP_ACTIONS).
HTTP_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "change",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}
NOT_FOUND = _("没有这个对象，或您无权查看。")
NOT_PERMITTED = _("您的角色没有这项权限。")
SERVER_ERROR = _("服务器出错，未作任何更改。请稍后重试；如果一再出现，请联系系统管理员。")


class AuthenticatedRequest(Request):
    """A request whose user signed in: what every viewset and API view sees, since the default
    permission (IsAuthenticated) refuses anyone else first. For type checking only."""

    user: User


class RestrictedViewSetMixin(viewsets.GenericViewSet[_M]):
    """Serve and change only the rows `restrict(user, restriction)` allows.

    The restriction of a request is decided in `initial()`, before any lookup or body parsing:
    `action_restrictions` names it per viewset action (`{"issue": "issue"}`), else the HTTP
    method's (`view` for GET, `change` for other POSTs, `add` for create). A user for whom the
    restriction leaves no row at all is refused (403); otherwise a row outside it, like a
    missing one, is a plain 404, so nobody learns what exists that they may not see.
    """

    queryset: RestrictedQuerySet[_M] | None = None
    action_restrictions: dict[str, str] = {}
    restriction: str

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.restriction = self._restriction(request)
        rows = self._rows()
        if self.restriction == "add":
            meta = rows.model._meta
            if not request.user.has_perm(f"{meta.app_label}.add_{meta.model_name}"):
                raise exceptions.PermissionDenied(NOT_PERMITTED)
        elif rows.restrict(request.user, self.restriction).query.is_empty():
            raise exceptions.PermissionDenied(NOT_PERMITTED)

    def _rows(self) -> RestrictedQuerySet[_M]:
        assert self.queryset is not None, f"{type(self).__name__} needs a queryset"
        return self.queryset

    def _restriction(self, request: Request) -> str:
        if self.action in self.action_restrictions:
            return self.action_restrictions[self.action]
        if self.action == "create":
            return "add"
        return HTTP_ACTIONS.get(request.method or "GET", "view")

    def get_queryset(self) -> RestrictedQuerySet[_M]:
        restriction = getattr(self, "restriction", "view")
        return self._rows().restrict(self.request.user, restriction)

    def get_object(self) -> _M:
        key = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if parse_id(key) is None:
            raise exceptions.NotFound(NOT_FOUND)
        return super().get_object()

    def validated(self, request_serializer: type[serializers.Serializer]) -> dict[str, Any]:
        """The request's body checked by `request_serializer` (a 400 naming every problem
        otherwise), as a plain dict; called after authorisation, never before."""
        body = request_serializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)


class Restrictable(Protocol[_M_co]):
    """A RestrictedQuerySet, or a manager made from one."""

    def restrict(self, user: Any, action: str = ...) -> RestrictedQuerySet[_M_co]: ...


def restricted_object(queryset: Restrictable[_M], user: Any, restriction: str, pk: Any) -> _M:
    """One row of `queryset` that `user` may act on, for views outside a viewset: 403 when the
    role may not do this to any row, 404 for a row outside what they may (or a missing one)."""
    allowed = queryset.restrict(user, restriction)
    if allowed.query.is_empty():
        raise DjangoPermissionDenied(NOT_PERMITTED)
    number = parse_id(pk)
    found = allowed.filter(pk=number).first() if number is not None else None
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _codes(detail: Any) -> Any:
    """The first stable code inside DRF's nested error codes."""
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return detail if isinstance(detail, str) else "invalid"


INVALID = _("提交的内容有误，请按提示修改后重试。")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus our refusals, in one shape: {code, detail[, errors]}."""
    if isinstance(exc, Refused):
        return Response(
            {"code": exc.code, "detail": exc.text()}, status=exc.http_status, headers=exc.headers
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(NOT_PERMITTED)
    response = drf_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": _codes(exc.get_codes()), "detail": str(INVALID),
                         "errors": _as_fields(exc.detail)}  # fmt: skip
    else:
        response.data = {"code": exc.get_codes(), "detail": str(exc.detail)}
    return response


def _as_fields(detail: Any) -> dict[str, list[str]]:
    """Validation messages by field ("non_field_errors" for the body as a whole)."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in _flatten(detail)]}
    return {str(name): [str(item) for item in _flatten(value)] for name, value in detail.items()}


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, sub in value.items() for item in _flatten(sub)]
    if isinstance(value, list):
        return [item for sub in value for item in _flatten(sub)]
    return [value]
