"""The viewing workflow through the API: requests and their steps, the caller's grants, the
register (JSON, .xlsx, PDF), secrecy levels and clearances. The same functions as the pages."""

from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bodycam.access import register, secrecy
from bodycam.access import requests as workflow
from bodycam.access.levels import SecrecyLevel
from bodycam.access.models import (
    Manner,
    OutsideBody,
    Right,
    Route,
    SecrecyChange,
    ViewingRequest,
)
from bodycam.accounts.models import User
from bodycam.lib.api import (
    NOT_FOUND,
    NOT_PERMITTED,
    AuthenticatedRequest,
    RestrictedViewSetMixin,
    restricted_object,
)
from bodycam.lib.errors import Refused
from bodycam.lib.fonts import NO_FONT, NoChineseFont
from bodycam.lib.pagination import Pagination
from bodycam.lib.spreadsheets import XLSX
from bodycam.recordings.models import Recording


class ViewingRequestSerializer(serializers.ModelSerializer):
    requester: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    head_decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    secrecy_decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    registered_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    revoked_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    recordings: serializers.PrimaryKeyRelatedField[Recording] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    active = serializers.BooleanField(source="is_active", read_only=True)
    status = serializers.CharField(source="status_label", read_only=True)

    class Meta:
        model = ViewingRequest
        fields = [
            "id", "number", "state", "status", "active", "requester", "requested_at", "route",
            "reason", "download", "hours", "recordings", "activity", "outside_body",
            "viewer_name", "viewer_unit", "viewer_badge", "letter_number", "id_number",
            "head_decided_by", "head_decided_at", "head_opinion", "secrecy_decided_by",
            "secrecy_decided_at", "secrecy_opinion", "registered_by", "registered_at", "manner",
            "copies", "remarks", "starts_at", "ends_at", "revoked_by", "revoked_at",
            "revoke_reason",
        ]  # fmt: skip
        read_only_fields = fields


ONE_TARGET = _("请给出 recordings（编号列表）或 activity 之一。")


class OutsideRequest(serializers.Serializer):
    body = serializers.ChoiceField(choices=OutsideBody.choices, help_text="调阅单位类别")
    name = serializers.CharField(max_length=100, help_text="查阅人")
    unit = serializers.CharField(max_length=200, help_text="查阅人单位")
    badge = serializers.CharField(max_length=60, required=False, default="")
    letter_number = serializers.CharField(max_length=100, help_text="介绍信/调阅函编号")
    id_number = serializers.CharField(max_length=60, help_text="身份证件号码（已核验）")


class SubmitRequest(serializers.Serializer):
    recordings = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**53),
        required=False,
        max_length=workflow.MAX_RECORDINGS,
    )
    activity = serializers.IntegerField(min_value=1, max_value=2**53, required=False)
    route = serializers.ChoiceField(choices=Route.choices)
    reason = serializers.CharField(max_length=2000)
    rights = serializers.ListField(
        child=serializers.ChoiceField(choices=Right.choices), required=False, max_length=2
    )
    hours = serializers.IntegerField(min_value=1, max_value=settings.VIEWING_MAX_HOURS,
                                     required=False)  # fmt: skip
    outside = OutsideRequest(required=False)

    def validate(self, attrs: dict) -> dict:
        if ("recordings" in attrs) == ("activity" in attrs):
            raise serializers.ValidationError(str(ONE_TARGET))
        return attrs


class CommentRequest(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class RegisterRequest(serializers.Serializer):
    manner = serializers.ChoiceField(choices=Manner.choices, required=False)
    copies = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)
    remarks = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReasonRequest(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ViewingRequestViewSet(
    RestrictedViewSetMixin[ViewingRequest], viewsets.ReadOnlyModelViewSet[ViewingRequest]
):
    """Viewing requests (R-16 .. R-19): submitted by anyone, approved by the bureau head (and
    the secrecy officer above the ordinary level), registered by the custodian or the records
    office; the registration opens the grant's window."""

    serializer_class = ViewingRequestSerializer
    queryset = ViewingRequest.objects.select_related(
        "requester", "head_decided_by", "secrecy_decided_by", "registered_by", "revoked_by"
    ).prefetch_related("recordings")
    action_restrictions = {"approve": "decide", "deny": "decide", "register": "register",
                           "revoke": "revoke"}  # fmt: skip

    @extend_schema(request=SubmitRequest, responses={201: ViewingRequestSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        data = self.validated(SubmitRequest)
        outside = data.get("outside")
        made = workflow.submit_request(
            request.user,
            route=data["route"],
            reason=data["reason"],
            recordings=data.get("recordings"),
            activity=data.get("activity"),
            rights=data.get("rights") or [Right.VIEW],
            hours=data.get("hours"),
            outside=workflow.Outside(**outside) if outside else None,
        )
        return Response(ViewingRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    def _answer(self, viewing: ViewingRequest) -> Response:
        return Response(ViewingRequestSerializer(self.get_queryset().get(pk=viewing.pk)).data)

    @extend_schema(request=CommentRequest, responses=ViewingRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The head's approval, or the secrecy officer's second one; `comment` is the opinion."""
        viewing = self.get_object()
        body = self.validated(CommentRequest)
        return self._answer(workflow.approve(viewing, request.user, body["comment"]))

    @extend_schema(request=CommentRequest, responses=ViewingRequestSerializer)
    @action(detail=True, methods=["post"])
    def deny(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Not approved; `comment` (required) tells the requester why."""
        viewing = self.get_object()
        body = self.validated(CommentRequest)
        return self._answer(workflow.deny(viewing, request.user, body["comment"]))

    @extend_schema(request=RegisterRequest, responses=ViewingRequestSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request: AuthenticatedRequest, **kwargs) -> Response:
        viewing = self.get_object()
        body = self.validated(RegisterRequest)
        registered = workflow.register(viewing, request.user, manner=body.get("manner", ""),
                                       copies=body["copies"], remarks=body["remarks"])  # fmt: skip
        return self._answer(registered)

    @extend_schema(request=ReasonRequest, responses=ViewingRequestSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedRequest, **kwargs) -> Response:
        viewing = self.get_object()
        body = self.validated(ReasonRequest)
        return self._answer(workflow.revoke(viewing, request.user, body["reason"]))


class GrantViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ViewingRequest]):
    """The caller's grants in force now (registered, within their window)."""

    serializer_class = ViewingRequestSerializer

    def get_queryset(self) -> QuerySet[ViewingRequest]:
        return (
            ViewingRequest.objects.active()
            .filter(requester=cast(User, self.request.user))
            .select_related("requester", "head_decided_by", "secrecy_decided_by",
                            "registered_by", "revoked_by")
            .prefetch_related("recordings")
            .order_by("ends_at")
        )  # fmt: skip


class _Document(BaseRenderer):
    """Passes prepared bytes through (the register's .xlsx and PDF)."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XlsxRenderer(_Document):
    media_type, format = XLSX, "xlsx"


class PdfRenderer(_Document):
    media_type, format = "application/pdf", "pdf"


class RegisterPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ViewingRequestSerializer(many=True)


class RegisterView(APIView):
    """The viewing register (R-16); `?format=xlsx` or `?format=pdf` for the documents,
    `?since=` / `?until=` (registration day) to narrow it. Each document is a ledger entry."""

    renderer_classes = [JSONRenderer, XlsxRenderer, PdfRenderer]

    def get_permissions(self):
        return [*super().get_permissions(), _MayReadRegister()]

    def handle_exception(self, exc: Exception) -> Response:
        """Errors are JSON ({code, detail}) even when a document was asked for."""
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATE),
            OpenApiParameter("until", OpenApiTypes.DATE),
            OpenApiParameter("format", str, enum=["json", "xlsx", "pdf"]),
        ],
        responses={(200, "application/json"): RegisterPage,
                   (200, XLSX): OpenApiTypes.BINARY, (200, "application/pdf"): OpenApiTypes.BINARY},
    )  # fmt: skip
    def get(self, request: AuthenticatedRequest) -> Response:
        rows = register.entries(request.user, request.query_params)
        chosen = getattr(request.accepted_renderer, "format", "json")
        if chosen == "xlsx":
            return _attachment(register.register_xlsx(request.user, rows), "xlsx")
        if chosen == "pdf":
            try:
                return _attachment(register.register_pdf(request.user, rows), "pdf")
            except NoChineseFont:
                raise Refused(NO_FONT, code="no_font", http_status=503) from None
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ViewingRequestSerializer(page, many=True).data)


def _attachment(data: bytes, extension: str) -> Response:
    response = Response(data)
    response["Content-Disposition"] = f'attachment; filename="viewing-register.{extension}"'
    return response


class _MayReadRegister:
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("access.view_viewingrequest")

    def has_object_permission(self, request, view, obj) -> bool:
        return True


class SecrecyRequest(serializers.Serializer):
    level = serializers.ChoiceField(choices=SecrecyLevel.choices)
    reason = serializers.CharField(max_length=2000)


class SecrecyProposalRequest(SecrecyRequest):
    recording = serializers.IntegerField(min_value=1, max_value=2**53)


class ClearanceRequest(SecrecyRequest):
    user = serializers.CharField(max_length=150, help_text="用户名")


class SecrecyChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecrecyChange
        fields = ["id", "recording", "from_level", "to_level", "reason", "proposed_by",
                  "proposed_at", "state", "head_approved_by", "secrecy_approved_by",
                  "decided_at", "comment"]  # fmt: skip
        read_only_fields = fields


class SecrecyChangeViewSet(
    RestrictedViewSetMixin[SecrecyChange], viewsets.ReadOnlyModelViewSet[SecrecyChange]
):
    """Changes of recordings' secrecy levels (R-19). `POST` raises a level at once or
    proposes lowering it; lowering waits for the head's and the secrecy officer's approval."""

    serializer_class = SecrecyChangeSerializer
    queryset = SecrecyChange.objects.all()
    action_restrictions = {"create": "propose", "approve": "approve", "refuse": "approve"}

    @extend_schema(request=SecrecyProposalRequest, responses={201: SecrecyChangeSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        data = self.validated(SecrecyProposalRequest)
        recording = restricted_object(Recording.objects, request.user, "view", data["recording"])
        change = secrecy.change_secrecy(recording, data["level"], request.user, data["reason"])
        return Response(SecrecyChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SecrecyChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: AuthenticatedRequest, **kwargs) -> Response:
        change = secrecy.approve_lowering(self.get_object(), request.user)
        return Response(SecrecyChangeSerializer(change).data)

    @extend_schema(request=CommentRequest, responses=SecrecyChangeSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: AuthenticatedRequest, **kwargs) -> Response:
        change = self.get_object()
        body = self.validated(CommentRequest)
        refused = secrecy.refuse_lowering(change, request.user, body["comment"])
        return Response(SecrecyChangeSerializer(refused).data)


class ClearanceView(APIView):
    """Set the highest secrecy level a person may see listed (the secrecy officer, R-19)."""

    @extend_schema(request=ClearanceRequest, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not request.user.has_perm("accounts.change_clearance"):
            raise Refused(NOT_PERMITTED, code="permission_denied", http_status=403)
        body = ClearanceRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person = User.objects.restrict(request.user).filter(username=data["user"]).first()
        if person is None:
            raise Refused(NOT_FOUND, code="not_found", http_status=404)
        secrecy.set_clearance(person, data["level"], request.user, data["reason"])
        return Response({"user": person.username, "clearance": person.clearance})
