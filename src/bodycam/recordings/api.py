"""Recordings through the API: the facts about each original (never its content: that needs
an approved viewing request), the same filters as the page, and linking."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.accounts.models import User
from bodycam.activities.models import EnforcementActivity
from bodycam.devices.models import Device
from bodycam.lib.api import AuthenticatedRequest, RestrictedViewSetMixin, restricted_object
from bodycam.recordings import linking
from bodycam.recordings.models import Recording
from bodycam.recordings.queries import FILTERS, filter_recordings


class RecordingSerializer(serializers.ModelSerializer):
    device: serializers.SlugRelatedField[Device] = serializers.SlugRelatedField(
        read_only=True, slug_field="serial"
    )
    officer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="badge_number"
    )
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Recording
        fields = [
            "id", "sha256", "hash_algorithm", "size", "kind", "condition", "damage_reason",
            "original_name", "device", "officer", "serial_raw", "badge_raw", "needs_review",
            "review_notes", "recorded_at", "recorded_at_raw", "time_source", "clock_convention",
            "container", "duration_seconds", "video_codec", "audio_codec", "width", "height",
            "latitude", "longitude", "ingested_at", "upload_deadline", "deadline_met", "activity",
        ]  # fmt: skip

    def get_duration_seconds(self, recording: Recording) -> float | None:
        return recording.duration.total_seconds() if recording.duration else None


class LinkRequest(serializers.Serializer):
    activity = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="执法活动编号；null 取消关联"
    )


@extend_schema(parameters=[OpenApiParameter(name, str) for name in FILTERS])
class RecordingViewSet(RestrictedViewSetMixin[Recording], viewsets.ReadOnlyModelViewSet[Recording]):
    """Recordings (R-11..R-13): metadata, times raw and interpreted, hash, deadline, link."""

    serializer_class = RecordingSerializer
    queryset = Recording.objects.select_related("device", "officer")

    def get_queryset(self):
        return filter_recordings(super().get_queryset(), self.request.query_params)

    @extend_schema(request=LinkRequest, responses=RecordingSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Link the recording to an activity, or unlink it (records office, R-02)."""
        recording = self.get_object()
        body = self.validated(LinkRequest)
        number = body["activity"]
        activity = (
            restricted_object(EnforcementActivity.objects, request.user, "view", number)
            if number is not None
            else None
        )
        recording = linking.link_by_hand(recording, activity, request.user)
        return Response(RecordingSerializer(recording).data)
