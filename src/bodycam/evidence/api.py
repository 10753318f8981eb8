"""Case files, evidence and evidence discs through the API (R-14, R-15): the same functions as
the pages and the command line, the same refusals with their stable codes."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from bodycam.access.models import ViewingRequest
from bodycam.accounts.models import User
from bodycam.evidence import cases, checking, discs
from bodycam.evidence import extraction as extraction_rules
from bodycam.evidence.models import Case, DiscCheck, Extraction, ExtractionState
from bodycam.lib.api import AuthenticatedRequest, RestrictedViewSetMixin
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording

ISO = "application/x-iso9660-image"
LIMIT = 200  # recordings a request names at most
NOT_MADE = _("光盘镜像还没有制作完成，或是在命令行制作、未保存在服务器上。")
BAD_KEY = _("关键内容的键应是音像记录编号，收到的是“%(key)s”。")


class CaseSerializer(serializers.ModelSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "title", "case_type", "unit", "opened_on", "closed_on",
                  "retention", "created_at", "evidence"]  # fmt: skip
        read_only_fields = fields

    def get_evidence(self, case: Case) -> list[int]:
        return [use.recording_id for use in case.evidence.order_by("pk")]


class CaseFields(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    case_type = serializers.CharField(max_length=60, required=False, allow_blank=True)
    opened_on = serializers.DateField(required=False)
    closed_on = serializers.DateField(required=False, allow_null=True)
    retention = serializers.CharField(max_length=30, required=False)


class OpenCaseRequest(CaseFields):
    number = serializers.CharField(max_length=60)


class ChangeCaseRequest(CaseFields):
    reason = serializers.CharField(max_length=2000)


class MarkRequest(serializers.Serializer):
    recordings = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1,
        max_length=LIMIT,
    )  # fmt: skip
    reason = serializers.CharField(max_length=2000)


class CaseViewSet(RestrictedViewSetMixin[Case], viewsets.ReadOnlyModelViewSet[Case]):
    """Case files (案卷) and the recordings used as evidence in them (R-14)."""

    serializer_class = CaseSerializer
    queryset = Case.objects.prefetch_related("evidence")
    action_restrictions = {"change": "change", "mark": "change"}

    @extend_schema(request=OpenCaseRequest, responses={201: CaseSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(OpenCaseRequest)
        case = cases.open_case(body.pop("number"), request.user, **body)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeCaseRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Correct or close the case file; what it replaced stays in the ledger."""
        case = self.get_object()
        body = self.validated(ChangeCaseRequest)
        changed = cases.change_case(case, request.user, body.pop("reason"), **body)
        return Response(CaseSerializer(changed).data)

    @extend_schema(request=MarkRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Use recordings as evidence in the case: kept as long as the case file (R-14)."""
        case = self.get_object()
        body = self.validated(MarkRequest)
        chosen = cases.recordings_numbered(
            body["recordings"], Recording.objects.restrict(request.user)
        )
        cases.mark_evidence(case, chosen, request.user, body["reason"])
        return Response(CaseSerializer(Case.objects.get(pk=case.pk)).data)


class ExtractedFileSerializer(serializers.Serializer):
    recording = serializers.IntegerField(source="recording_id")
    name = serializers.CharField()
    key_content = serializers.CharField()
    segments = serializers.ListField(child=serializers.ListField())


class ExtractionSerializer(serializers.ModelSerializer):
    case: serializers.SlugRelatedField[Case] = serializers.SlugRelatedField(
        read_only=True, slug_field="number"
    )
    grant: serializers.SlugRelatedField[ViewingRequest] = serializers.SlugRelatedField(
        read_only=True, slug_field="number"
    )
    maker: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    extractor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    files = ExtractedFileSerializer(many=True, read_only=True)

    class Meta:
        model = Extraction
        fields = [
            "id", "number", "case", "grant", "maker", "extractor", "extracted_at", "purpose",
            "recipient", "place", "copies", "state", "problem", "image_sha256", "image_size",
            "made_at", "files",
        ]  # fmt: skip
        read_only_fields = fields


class ExtractRequest(serializers.Serializer):
    case = serializers.CharField(max_length=60, help_text="案件编号")
    recordings = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1,
        max_length=LIMIT,
    )  # fmt: skip
    extractor = serializers.CharField(max_length=150, help_text="提取人用户名")
    purpose = serializers.CharField(max_length=2000)
    recipient = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    copies = serializers.IntegerField(min_value=1, max_value=extraction_rules.MAX_COPIES, default=1)
    key_content = serializers.DictField(
        child=serializers.CharField(max_length=4000, allow_blank=True), required=False,
        default=dict, help_text="音像记录编号 → 关键内容和相应时间段",
    )  # fmt: skip
    request = serializers.CharField(max_length=20, required=False, help_text="查阅登记号")


class DiscCheckSerializer(serializers.ModelSerializer):
    extraction: serializers.SlugRelatedField[Extraction] = serializers.SlugRelatedField(
        read_only=True, slug_field="number", allow_null=True
    )
    problems = serializers.SerializerMethodField()

    class Meta:
        model = DiscCheck
        fields = ["id", "extraction", "checked_at", "what", "passed", "files_checked", "problems"]
        read_only_fields = fields

    def get_problems(self, check: DiscCheck) -> list[dict[str, str]]:
        return [{**p, "detail": checking.problem_text(p)} for p in check.problems]


class DiscUpload(serializers.Serializer):
    image = serializers.FileField(help_text="光盘镜像（.iso）")


class ExtractionViewSet(
    RestrictedViewSetMixin[Extraction], viewsets.ReadOnlyModelViewSet[Extraction]
):
    """Evidence discs (R-15): made under a registered download grant, downloaded by their maker
    or extractor (a ledger entry each time), checked after burning."""

    serializer_class = ExtractionSerializer
    queryset = Extraction.objects.select_related(
        "case", "grant", "maker", "extractor"
    ).prefetch_related("files")
    action_restrictions = {"create": "change", "image": "view", "check": "view"}

    @extend_schema(request=ExtractRequest, responses={201: ExtractionSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Record the extraction; the image is made by a job (poll `state`)."""
        body = self.validated(ExtractRequest)
        case = cases.case_numbered(body["case"], Case.objects.restrict(request.user))
        extractor = cases.active_user(body["extractor"])
        grant = extraction_rules.grant_numbered(body.get("request"))
        chosen = cases.recordings_numbered(
            body["recordings"], Recording.objects.restrict(request.user)
        )
        made = extraction_rules.extract(
            case, chosen, request.user, extractor, body["purpose"], recipient=body["recipient"],
            copies=body["copies"], grant=grant, key_content=_key_content(body["key_content"]),
        )  # fmt: skip
        return Response(ExtractionSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, ISO): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def image(self, request: AuthenticatedRequest, **kwargs) -> FileResponse:
        """The disc image, for its maker or extractor while the grant lasts (ledgered)."""
        extraction = self.get_object()
        path = discs.image_path(extraction)
        if extraction.state != ExtractionState.MADE or not path.exists():
            raise Refused(NOT_MADE, code="not_made", http_status=409)
        extraction_rules.record_download(extraction, request.user)
        return FileResponse(path.open("rb"), as_attachment=True, content_type=ISO,
                            filename=f"evidence-{extraction.number}.iso")  # fmt: skip

    @extend_schema(request={"multipart/form-data": DiscUpload},
                   responses={201: DiscCheckSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def check(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Check an image read back from the burnt disc against its signed manifest."""
        self.get_object()
        done = checking.check_upload(self.validated(DiscUpload)["image"], request.user)
        return Response(DiscCheckSerializer(done).data, status=status.HTTP_201_CREATED)


def _key_content(given: dict[str, str]) -> dict[int, extraction_rules.KeyContent]:
    found = {}
    for key, text in given.items():
        if not key.isdigit() or len(key) > 18:
            raise Refused(BAD_KEY, code="invalid_key_content", key=key[:30])
        found[int(key)] = extraction_rules.KeyContent(text)
    return found
