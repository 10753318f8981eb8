"""Authentication: Django's model backend plus throttling; permissions come from roles."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from bodycam.accounts import throttling


class RoleBackend(ModelBackend):
    """Password sign-in that refuses locked accounts and addresses.

    Permission checks are answered by `User.has_perm` from the role map (roles.py), never by
    Django's permission tables, so there is exactly one place that grants rights.
    """

    def authenticate(self, request, username=None, password=None, **kwargs: Any):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = throttling.client_address(request)
        if throttling.current_lock(username, address) is not None:
            raise PermissionDenied("locked")  # stops the backend chain; the form explains why
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttling.note_failure(username, address)
        else:
            throttling.clear_failures(username)
        return user

    # Only signed-in users hold roles; `User.has_perm` answers for them without asking us.
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return user_obj.is_authenticated and user_obj.has_perm(perm, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return user_obj.is_authenticated and user_obj.has_module_perms(app_label)
