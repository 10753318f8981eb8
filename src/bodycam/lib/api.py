"""Shared API plumbing: querysets restricted exactly as the pages restrict them."""

from rest_framework.request import Request


class RestrictedViewSetMixin:
    """Serve only the rows `restrict(user, action)` allows; others are a plain 404."""

    request: Request
    queryset = None
    restrict_action = "view"

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, self.restrict_action)
