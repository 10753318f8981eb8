"""The API's pagination, in a module of its own: DRF imports DEFAULT_PAGINATION_CLASS while it
defines its generic views, so this must not import them (bodycam.lib.api does)."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Pages of at most 500 rows; an offset past the end is an empty page."""

    max_limit = 500
