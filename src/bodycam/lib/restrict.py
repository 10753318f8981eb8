"""One way to ask "which rows may this user see for this action", used by pages, API and CLI."""

from typing import Any, Self, TypeVar

from django.db import models

_M_co = TypeVar("_M_co", bound=models.Model, covariant=True)


class RestrictedQuerySet(models.QuerySet[_M_co]):
    """A queryset with `restrict(user, action)`.

    The default allows the rows when the user holds `<app>.<action>_<model>` and nothing
    otherwise; a model narrows it further by overriding `scope(user, action)`.
    """

    def restrict(self, user: Any, action: str = "view") -> Self:
        """The rows `user` may see for `action` (view, change, …); none for anonymous users."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.scope(user, action)

    def scope(self, user: Any, action: str) -> Self:
        """Rows for an authenticated user; override for row-level rules."""
        meta = self.model._meta
        if user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            return self
        return self.none()
