"""The API's OpenAPI schema, served from memory.

drf-spectacular loads its extensions on first use without a lock: in a fresh process, requests
that asked for the schema at the same moment failed with server errors. The schema is the same
for every request in a language (it is public), so it is made once per language, under a lock.
"""

import threading

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """OpenAPI 3 schema of /api/v1/ (JSON with ?format=json, YAML by default)."""

    _lock = threading.Lock()
    _made: dict[str, dict] = {}

    def _get_schema_response(self, request: Request) -> Response:
        language = translation.get_language() or ""
        with self._lock:
            if language not in self._made:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=self.api_version, patterns=self.patterns
                )
                self._made[language] = generator.get_schema(request=request, public=True)
        disposition = f'inline; filename="{self._get_filename(request, None)}"'
        return Response(self._made[language], headers={"Content-Disposition": disposition})
