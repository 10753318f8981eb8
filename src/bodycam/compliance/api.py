"""Findings through the API: the same filters as the inbox, explanations and decisions."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.accounts.models import User
from bodycam.compliance import handling
from bodycam.compliance.models import Cause, Finding
from bodycam.compliance.queries import FILTERS, filter_findings
from bodycam.lib.api import AuthenticatedRequest, RestrictedViewSetMixin


class FindingSerializer(serializers.ModelSerializer):
    officer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = Finding
        fields = [
            "id", "rule", "requirement", "subject_kind", "subject_id", "activity", "recording",
            "device", "officer", "facts", "severity", "status", "found_at", "updated_at",
            "cause", "spoken_at_seconds", "explanation", "explained_at", "decided_at",
            "decision_reason",
        ]  # fmt: skip
        read_only_fields = fields


class ExplainRequest(serializers.Serializer):
    explanation = serializers.CharField(max_length=4000)
    cause = serializers.ChoiceField(choices=Cause.choices, required=False, default="")
    spoken_at_seconds = serializers.FloatField(
        min_value=0, max_value=24 * 3600, required=False, allow_null=True
    )


class DecideRequest(serializers.Serializer):
    status = serializers.ChoiceField(choices=sorted(handling.DECISIONS))
    reason = serializers.CharField(max_length=4000)


@extend_schema(parameters=[OpenApiParameter(name, str) for name in FILTERS])
class FindingViewSet(RestrictedViewSetMixin[Finding], viewsets.ReadOnlyModelViewSet[Finding]):
    """Compliance findings (R-02 .. R-13): what the rules found, with the facts that show it."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.select_related("officer")
    action_restrictions = {"explain": "explain", "decide": "decide"}

    def get_queryset(self):
        return filter_findings(super().get_queryset(), self.request.query_params)

    @extend_schema(request=ExplainRequest, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def explain(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The officer's explanation (for an interruption: cause and where it is spoken)."""
        finding = self.get_object()
        body = self.validated(ExplainRequest)
        done = handling.explain(finding, request.user, body["explanation"], body["cause"],
                                body.get("spoken_at_seconds"))  # fmt: skip
        return Response(FindingSerializer(done).data)

    @extend_schema(request=DecideRequest, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Accept the explanation, escalate for accountability, or dismiss, with a reason."""
        finding = self.get_object()
        body = self.validated(DecideRequest)
        done = handling.decide(finding, request.user, body["status"], body["reason"])
        return Response(FindingSerializer(done).data)
