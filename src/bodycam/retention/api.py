"""Holds and disposal batches through the API (R-14): the same functions as the pages, so the
same two different approvers, the same refusals; nothing here deletes anything by itself."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.accounts.models import User
from bodycam.lib.api import NOT_FOUND, AuthenticatedRequest, RestrictedViewSetMixin
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording
from bodycam.retention import disposal, holds
from bodycam.retention.models import DisposalBatch, Hold, HoldKind

NOT_CONFIRMED = _("销毁不可恢复：请以 confirm=true 确认已核对清单。")


class HoldSerializer(serializers.ModelSerializer):
    placed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    released_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = Hold
        fields = ["id", "recording", "kind", "reason", "placed_by", "placed_at", "released_by",
                  "released_at", "release_reason"]  # fmt: skip
        read_only_fields = fields


class PlaceHold(serializers.Serializer):
    recording = serializers.IntegerField(min_value=1, max_value=2**62)
    kind = serializers.ChoiceField(choices=HoldKind.choices)
    reason = serializers.CharField(max_length=2000)


class Reason(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class HoldViewSet(RestrictedViewSetMixin[Hold], viewsets.ReadOnlyModelViewSet[Hold]):
    """Holds (legal hold, complaint under investigation, spot check in progress): while one is
    in force the recording is never disposed of, whatever its dates."""

    serializer_class = HoldSerializer
    queryset = Hold.objects.select_related("placed_by", "released_by")
    action_restrictions = {"release": "add"}

    @extend_schema(request=PlaceHold, responses={201: HoldSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(PlaceHold)
        recording = Recording.objects.restrict(request.user).filter(pk=body["recording"]).first()
        if recording is None:
            raise Refused(NOT_FOUND, code="not_found", http_status=404)
        hold = holds.place_hold(recording, body["kind"], body["reason"], request.user)
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=Reason, responses=HoldSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: AuthenticatedRequest, **kwargs) -> Response:
        hold = self.get_object()
        body = self.validated(Reason)
        return Response(HoldSerializer(holds.release_hold(hold, body["reason"], request.user)).data)


class BatchSerializer(serializers.ModelSerializer):
    recordings: serializers.PrimaryKeyRelatedField[Recording] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    head_approved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    records_approved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = DisposalBatch
        fields = ["id", "collected_at", "state", "recordings", "head_approved_by",
                  "head_approved_at", "records_approved_by", "records_approved_at", "closed_at",
                  "comment"]  # fmt: skip
        read_only_fields = fields


class Approval(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="已核对清单，确认销毁不可恢复")
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class Rejection(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class DisposalBatchViewSet(
    RestrictedViewSetMixin[DisposalBatch], viewsets.ReadOnlyModelViewSet[DisposalBatch]
):
    """Disposal batches: what the daily job found past its retention date with no hold and not
    evidence; removed only once the head AND the records office, two people, approved."""

    serializer_class = BatchSerializer
    queryset = DisposalBatch.objects.prefetch_related("recordings").select_related(
        "head_approved_by", "records_approved_by"
    )
    action_restrictions = {"approve": "approve", "reject": "approve"}

    @extend_schema(request=Approval, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """One of the two approvals; the second disposes of what is still due."""
        batch = self.get_object()
        body = self.validated(Approval)
        if not body["confirm"]:
            raise Refused(NOT_CONFIRMED, code="not_confirmed")
        decided = disposal.approve(batch, request.user, body["comment"])
        return Response(BatchSerializer(self.get_queryset().get(pk=decided.pk)).data)

    @extend_schema(request=Rejection, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Not approved, with the reason: the batch closes and nothing is removed."""
        batch = self.get_object()
        body = self.validated(Rejection)
        decided = disposal.reject(batch, request.user, body["comment"])
        return Response(BatchSerializer(self.get_queryset().get(pk=decided.pk)).data)
