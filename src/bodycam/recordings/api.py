"""Recordings through the API: the facts about each original (never its content: that needs
an approved viewing request), the same filters as the page, and linking."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.access.content import content_urls
from bodycam.access.requests import grant_for
from bodycam.accounts.models import User
from bodycam.activities.models import EnforcementActivity
from bodycam.activities.vocabulary import ContentTag
from bodycam.devices.lookup import device_by_serial, person
from bodycam.devices.models import Device
from bodycam.lib.api import AuthenticatedRequest, RestrictedViewSetMixin, restricted_object
from bodycam.lib.errors import Refused
from bodycam.recordings import identification, linking, marks, mistakes
from bodycam.recordings.models import (
    ContentMark,
    DerivedCopy,
    MistakenUpload,
    MistakeStatus,
    ProcessingJob,
    Recording,
)
from bodycam.recordings.queries import FILTERS, filter_recordings


class DerivedSerializer(serializers.ModelSerializer):
    class Meta:
        model = DerivedCopy
        fields = ["kind", "method", "partial", "size", "made_at"]


class ProcessingSerializer(serializers.ModelSerializer):
    next_retry = serializers.DateTimeField(source="retry_at", allow_null=True)

    class Meta:
        model = ProcessingJob
        fields = ["state", "attempts", "error", "next_retry", "finished_at"]


class MarkSerializer(serializers.ModelSerializer):
    marked_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )

    class Meta:
        model = ContentMark
        fields = ["id", "tag", "start_ms", "end_ms", "note", "marked_by", "marked_at"]
        read_only_fields = ["id", "marked_by", "marked_at"]


class MarkRequest(serializers.Serializer):
    tag = serializers.ChoiceField(choices=ContentTag.choices, help_text="摄录要点（R-10）")
    start_ms = serializers.IntegerField(min_value=0, max_value=10**11)
    end_ms = serializers.IntegerField(
        min_value=0, max_value=10**11, required=False, allow_null=True
    )
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ContentSerializer(serializers.Serializer):
    proxy_url = serializers.URLField()
    original_url = serializers.URLField()
    strip_url = serializers.URLField()
    thumbnail_url = serializers.URLField()


class RecordingSerializer(serializers.ModelSerializer):
    device: serializers.SlugRelatedField[Device] = serializers.SlugRelatedField(
        read_only=True, slug_field="serial"
    )
    officer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="badge_number"
    )
    duration_seconds = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField(
        help_text="内容地址：持有有效查看授权时为签名链接，否则为不带签名的地址（访问时返回 403）"
    )
    derived = DerivedSerializer(many=True, read_only=True)
    processing = ProcessingSerializer(read_only=True, allow_null=True)
    marks = MarkSerializer(many=True, read_only=True)

    class Meta:
        model = Recording
        fields = [
            "id", "sha256", "hash_algorithm", "size", "kind", "condition", "damage_reason",
            "original_name", "device", "officer", "serial_raw", "badge_raw", "needs_review",
            "review_notes", "recorded_at", "recorded_at_raw", "time_source", "clock_convention",
            "container", "duration_seconds", "video_codec", "audio_codec", "width", "height",
            "latitude", "longitude", "ingested_at", "upload_deadline", "deadline_met", "activity",
            "secrecy", "content", "derived", "processing", "marks",
        ]  # fmt: skip

    def get_duration_seconds(self, recording: Recording) -> float | None:
        return recording.duration.total_seconds() if recording.duration else None

    @extend_schema_field(ContentSerializer)
    def get_content(self, recording: Recording) -> dict[str, str]:
        request = self.context["request"]
        return {
            f"{kind}_url": request.build_absolute_uri(url)
            for kind, url in content_urls(request.user, recording).items()
        }


class LinkRequest(serializers.Serializer):
    activity = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="执法活动编号；null 取消关联"
    )


class IdentifyRequest(serializers.Serializer):
    """Only the facts given are set; the raw values read from the file stay as they are."""

    reason = serializers.CharField(help_text="核实理由和依据")
    officer = serializers.CharField(required=False, help_text="执法人员警号")
    device = serializers.CharField(required=False, help_text="记录仪产品序号")
    recorded_at = serializers.DateTimeField(required=False, help_text="真实录制时间")


class MistakenRequest(serializers.Serializer):
    reason = serializers.CharField(help_text="为什么这不是音像记录（如：文本文件改名为 .mp4）")


class MistakenDecision(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 同意作为误传处理；false 不同意")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MistakenSerializer(serializers.ModelSerializer):
    class Meta:
        model = MistakenUpload
        fields = [
            "id", "recording", "reason", "proposed_by", "proposed_at", "status", "decided_by",
            "decided_at", "comment",
        ]  # fmt: skip


@extend_schema(parameters=[OpenApiParameter(name, str) for name in FILTERS])
class RecordingViewSet(RestrictedViewSetMixin[Recording], viewsets.ReadOnlyModelViewSet[Recording]):
    """Recordings (R-11..R-13): metadata, times raw and interpreted, hash, deadline, link."""

    serializer_class = RecordingSerializer
    # marking needs a grant (checked by mark_content); deciding the head's permission (mistakes)
    action_restrictions = {"mark": "view", "decide_mistaken": "view"}
    queryset = Recording.objects.select_related("device", "officer", "processing").prefetch_related(
        "derived", "marks__marked_by"
    )

    def get_queryset(self):
        rows = super().get_queryset()
        if self.action != "list":  # a mistaken upload leaves the lists, not its own address
            return rows
        return filter_recordings(rows, self.request.query_params)

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
        return Response(self.get_serializer(recording).data)

    @extend_schema(request=IdentifyRequest, responses=RecordingSerializer)
    @action(detail=True, methods=["post"])
    def identify(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Set the officer, recorder or true recording time with a reason (records office)."""
        recording = self.get_object()
        body = self.validated(IdentifyRequest)
        recording = identification.identify_recording(
            recording, request.user, body["reason"],
            officer=person(body["officer"]) if "officer" in body else None,
            device=device_by_serial(body["device"]) if "device" in body else None,
            recorded_at=body.get("recorded_at"),
        )  # fmt: skip
        return Response(self.get_serializer(recording).data)

    @extend_schema(request=MistakenRequest, responses={201: MistakenSerializer})
    @action(detail=True, methods=["post"])
    def mistaken(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Propose that the file is no recording at all (误传; records office)."""
        recording = self.get_object()
        reason = self.validated(MistakenRequest)["reason"]
        proposal = mistakes.propose_mistaken(recording, request.user, reason)
        return Response(MistakenSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MistakenDecision, responses=MistakenSerializer)
    @action(detail=True, methods=["post"], url_path="mistaken/decide")
    def decide_mistaken(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Agree or not that the file is a mistaken upload (the head)."""
        recording = self.get_object()
        body = self.validated(MistakenDecision)
        proposal = recording.mistakes.filter(status=MistakeStatus.PROPOSED).first()
        if proposal is None:
            raise Refused(_("该文件没有待审批的误传申请。"), code="no_proposal", http_status=404)
        proposal = mistakes.decide_mistaken(
            proposal, request.user, body["approve"], body["comment"]
        )
        return Response(MistakenSerializer(proposal).data)

    @extend_schema(request=MarkRequest, responses={201: MarkSerializer})
    @action(detail=True, methods=["post"], url_path="marks")
    def mark(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Mark a moment or a span with an R-10 content tag (needs an active viewing grant)."""
        recording = self.get_object()
        grant_for(request.user, recording)  # authorise before reading the body
        body = self.validated(MarkRequest)
        made = marks.mark_content(recording, request.user, body["tag"], body["start_ms"],
                                  body.get("end_ms"), body["note"])  # fmt: skip
        return Response(MarkSerializer(made).data, status=201)
