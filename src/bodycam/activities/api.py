"""Activities and exemptions through the API: the same rules and ledger entries as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.accounts.models import User
from bodycam.activities import corrections, exemptions, lifecycle
from bodycam.activities.models import EnforcementActivity, Exemption
from bodycam.activities.vocabulary import ActivityType
from bodycam.devices.lookup import device_by_serial, person
from bodycam.devices.models import Device
from bodycam.lib.api import AuthenticatedRequest, RestrictedViewSetMixin, restricted_object


class ExemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exemption
        fields = [
            "id", "activity", "ground", "legal_basis", "facts", "filed_by", "filed_at",
            "status", "reviewed_by", "reviewed_at", "review_comment",
        ]  # fmt: skip
        read_only_fields = [
            "filed_by", "filed_at", "status", "reviewed_by", "reviewed_at", "review_comment",
        ]  # fmt: skip


class ExemptionRequest(serializers.ModelSerializer):
    activity = serializers.IntegerField(help_text="执法活动编号", min_value=1)

    class Meta:
        model = Exemption
        fields = ["activity", "ground", "legal_basis", "facts"]


class ActivitySerializer(serializers.ModelSerializer):
    officers: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="badge_number"
    )
    devices: serializers.SlugRelatedField[Device] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="serial"
    )
    exemptions = ExemptionSerializer(many=True, read_only=True)

    class Meta:
        model = EnforcementActivity
        fields = [
            "id", "type", "subject_name", "subject_code", "location", "officers", "devices",
            "started_at", "ended_at", "away_from_base", "returned_at", "case_number", "status",
            "late_entry_reason", "device_reason", "cancel_reason", "exemptions",
        ]  # fmt: skip


class OpenRequest(serializers.Serializer):
    type = serializers.ChoiceField(choices=ActivityType.choices)
    officers = serializers.ListField(child=serializers.CharField(), help_text="警号")
    devices = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    started_at = serializers.DateTimeField()
    subject_name = serializers.CharField(required=False, allow_blank=True, default="")
    subject_code = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    away_from_base = serializers.BooleanField(required=False, default=False)
    case_number = serializers.CharField(required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="补录理由（开始时间较早时必填）"
    )
    device_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="使用非本人领用记录仪的理由"
    )


class CorrectRequest(serializers.Serializer):
    """Only the fields given are corrected; officers and devices replace the lists."""

    reason = serializers.CharField(help_text="更正理由")
    type = serializers.ChoiceField(choices=ActivityType.choices, required=False)
    officers = serializers.ListField(child=serializers.CharField(), required=False)
    devices = serializers.ListField(child=serializers.CharField(), required=False)
    started_at = serializers.DateTimeField(required=False)
    ended_at = serializers.DateTimeField(required=False)
    returned_at = serializers.DateTimeField(required=False, allow_null=True)
    subject_name = serializers.CharField(required=False, allow_blank=True)
    subject_code = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True)
    away_from_base = serializers.BooleanField(required=False)
    case_number = serializers.CharField(required=False, allow_blank=True)
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")
    device_reason = serializers.CharField(required=False, allow_blank=True, default="")


class CancelRequest(serializers.Serializer):
    reason = serializers.CharField(help_text="撤销理由")


class CloseRequest(serializers.Serializer):
    ended_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReturnRequest(serializers.Serializer):
    returned_at = serializers.DateTimeField()


class ReviewRequest(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ActivityViewSet(
    RestrictedViewSetMixin[EnforcementActivity], viewsets.ReadOnlyModelViewSet[EnforcementActivity]
):
    """Enforcement activities (R-03): officers open and close their own."""

    serializer_class = ActivitySerializer
    queryset = EnforcementActivity.objects.prefetch_related("officers", "devices", "exemptions")
    action_restrictions = {"correct": "correct", "cancel": "correct"}

    @extend_schema(request=OpenRequest, responses={201: ActivitySerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        data = self.validated(OpenRequest)
        activity = lifecycle.open_activity(
            data.pop("type"),
            [person(badge) for badge in data.pop("officers")],
            data.pop("started_at"),
            request.user,
            devices=[device_by_serial(serial) for serial in data.pop("devices")],
            **data,
        )
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseRequest, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, **kwargs) -> Response:
        activity = self.get_object()
        data = self.validated(CloseRequest)
        lifecycle.close_activity(activity, data["ended_at"], request.user, data["returned_at"])
        activity.refresh_from_db()
        return Response(ActivitySerializer(activity).data)

    @extend_schema(request=ReturnRequest, responses=ActivitySerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def record_return(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """When the officers came back from work away from base (R-13's 24 hours start)."""
        activity = self.get_object()
        body = self.validated(ReturnRequest)
        lifecycle.record_return(activity, body["returned_at"], request.user)
        activity.refresh_from_db()
        return Response(ActivitySerializer(activity).data)

    @extend_schema(request=CorrectRequest, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Correct facts with a reason (the ledger keeps the values before and after); the
        officers their own while open and some days after, the records office any."""
        activity = self.get_object()
        data = self.validated(CorrectRequest)
        if "officers" in data:
            data["officers"] = [person(badge) for badge in data["officers"]]
        if "devices" in data:
            data["devices"] = [device_by_serial(serial) for serial in data["devices"]]
        corrections.correct_activity(activity, request.user, **data)
        activity.refresh_from_db()
        return Response(ActivitySerializer(activity).data)

    @extend_schema(request=CancelRequest, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Cancel an activity opened by mistake, with a reason: it stays, as 已撤销."""
        activity = self.get_object()
        corrections.cancel_activity(activity, request.user, self.validated(CancelRequest)["reason"])
        activity.refresh_from_db()
        return Response(ActivitySerializer(activity).data)


class ExemptionViewSet(RestrictedViewSetMixin[Exemption], viewsets.ReadOnlyModelViewSet[Exemption]):
    """Exemptions from recording (R-04): filed by officers, reviewed by the oversight office."""

    serializer_class = ExemptionSerializer
    queryset = Exemption.objects.select_related("activity")
    action_restrictions = {"acknowledge": "review", "send_back": "review"}

    @extend_schema(request=ExemptionRequest, responses={201: ExemptionSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        data = self.validated(ExemptionRequest)
        # someone else's activity and a missing one answer alike
        activity = restricted_object(
            EnforcementActivity.objects, request.user, "change", data["activity"]
        )
        exemption = exemptions.file_exemption(
            activity, data["ground"], data["legal_basis"], data["facts"], request.user
        )
        return Response(ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)

    def _review(self, request: AuthenticatedRequest, accept: bool) -> Response:
        exemption = self.get_object()
        body = self.validated(ReviewRequest)
        exemptions.review_exemption(exemption, request.user, accept, body["comment"])
        exemption.refresh_from_db()
        return Response(ExemptionSerializer(exemption).data)

    @extend_schema(request=ReviewRequest, responses=ExemptionSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: AuthenticatedRequest, **kwargs) -> Response:
        return self._review(request, accept=True)

    @extend_schema(request=ReviewRequest, responses=ExemptionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: AuthenticatedRequest, **kwargs) -> Response:
        return self._review(request, accept=False)
