"""Shared API plumbing: querysets restricted exactly as the pages restrict them."""

from rest_framework.request import Request


class RestrictedViewSetMixin:
    """Serve only the rows `restrict(user, action)` allows; others are a plain 404."""

    request: Request
    queryset = None
    restrict_action = "view"

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, self.restrict_action)


def exception_handler(exc, context):
    """DRF's handler, plus our refusals: 400 with the message in Chinese and English."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler as drf_handler

    from bodycam.lib.errors import Refused

    if isinstance(exc, Refused):
        return Response({"detail": exc.bilingual()}, status=400)
    return drf_handler(exc, context)
