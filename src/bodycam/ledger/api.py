"""The custody ledger through the API: entries, proofs, checkpoints, the public key."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bodycam.ledger import heads, integrity, tree
from bodycam.ledger.entries import entry_bytes, stored_size
from bodycam.ledger.models import LedgerEntry, SignedHead
from bodycam.ledger.queries import filter_entries
from bodycam.ledger.tasks import fixity_check
from bodycam.lib.api import NOT_FOUND, RestrictedViewSetMixin
from bodycam.lib.b64 import b64
from bodycam.lib.errors import Refused
from bodycam.lib.parsing import MAX_ID, parse_int

AUDITORS_SIGN = _("只有审计人员可以立即签名树头。")
AUDITORS_CHECK = _("只有审计人员可以发起核验。")
WHOLE_NUMBER = _("%(name)s 应为非负整数。")
NO_CHECKPOINT = _("尚无签名树头，请稍后再试（后台每几分钟签名一次）。")
TREE_SIZE = _("tree_size 应大于 %(seq)s 且不超过日志的条数。")
FIRST_SECOND = _("应满足 0 < first ≤ second ≤ 日志的条数。")


class EntrySerializer(serializers.ModelSerializer):
    payload = serializers.JSONField()
    leaf_hash = serializers.SerializerMethodField()
    canonical = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "seq", "time", "actor_id", "actor_name", "actor_badge", "action",
            "subject_kind", "subject_id", "subject_sha256", "payload", "leaf_hash", "canonical",
        ]  # fmt: skip

    def get_leaf_hash(self, entry: LedgerEntry) -> str:
        return b64(bytes(entry.leaf_hash))

    def get_canonical(self, entry: LedgerEntry) -> str:
        return entry_bytes(entry).decode("utf-8")


class HeadSerializer(serializers.ModelSerializer):
    root_hash = serializers.SerializerMethodField()

    class Meta:
        model = SignedHead
        fields = ["tree_size", "root_hash", "signed_at", "note"]

    def get_root_hash(self, head: SignedHead) -> str:
        return b64(bytes(head.root_hash))


@extend_schema(
    parameters=[
        OpenApiParameter(name, str, description="filter")
        for name in ("action", "actor", "subject_kind", "subject_id", "sha256", "since", "until")
    ]
)
class EntryViewSet(RestrictedViewSetMixin[LedgerEntry], viewsets.ReadOnlyModelViewSet[LedgerEntry]):
    """Ledger entries: auditors and the head read all; others their own actions."""

    serializer_class = EntrySerializer
    queryset = LedgerEntry.objects.all()
    lookup_field = "seq"

    def get_queryset(self):
        return filter_entries(super().get_queryset(), self.request.query_params)


class HeadViewSet(viewsets.ReadOnlyModelViewSet):
    """Every signed checkpoint, newest first."""

    serializer_class = HeadSerializer
    queryset = SignedHead.objects.all()
    lookup_field = "tree_size"

    @extend_schema(request=None, responses={201: HeadSerializer, 200: HeadSerializer})
    def create(self, request: Request, **kwargs) -> Response:
        """Sign a checkpoint now (auditors)."""
        if not request.user.has_perm("ledger.verify"):
            raise Refused(AUDITORS_SIGN, code="permission_denied", http_status=403)
        head = heads.sign_head()
        if head is None:
            return Response(HeadSerializer(heads.latest_head()).data, status=status.HTTP_200_OK)
        return Response(HeadSerializer(head).data, status=status.HTTP_201_CREATED)


def _int_param(request: Request, name: str) -> int:
    value = request.query_params.get(name, "")
    if not (value.isascii() and value.isdigit()):
        raise Refused(WHOLE_NUMBER, code="invalid_number", name=name)
    return parse_int(value, 0, MAX_ID)


class InclusionProofView(APIView):
    """Proof that entry `seq` is in the tree of `tree_size` entries (default: latest head)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("seq", int, required=True),
            OpenApiParameter("tree_size", int),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, **kwargs) -> Response:
        seq = _int_param(request, "seq")
        entry = LedgerEntry.objects.restrict(request.user).filter(seq=seq).first()
        if entry is None:
            raise Refused(NOT_FOUND, code="not_found", http_status=404)
        latest = heads.latest_head()
        if "tree_size" in request.query_params:
            size = _int_param(request, "tree_size")
        elif latest is not None:
            size = latest.tree_size
        else:
            raise Refused(NO_CHECKPOINT, code="no_checkpoint", http_status=404)
        if not seq < size <= stored_size():
            raise Refused(TREE_SIZE, code="out_of_range", seq=seq)
        head = SignedHead.objects.filter(tree_size=size).first()
        return Response(
            {
                "seq": seq,
                "tree_size": size,
                "leaf_hash": b64(bytes(entry.leaf_hash)),
                "proof": [b64(h) for h in tree.inclusion_proof(seq, size)],
                "checkpoint": head.note if head else None,
            }
        )


class ConsistencyProofView(APIView):
    """Proof that the tree of `second` entries extends the tree of `first` entries."""

    @extend_schema(
        parameters=[
            OpenApiParameter("first", int, required=True),
            OpenApiParameter("second", int, required=True),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, **kwargs) -> Response:
        first, second = _int_param(request, "first"), _int_param(request, "second")
        if not 0 < first <= second <= stored_size():
            raise Refused(FIRST_SECOND, code="out_of_range")
        proof = tree.consistency_proof(first, second)
        return Response({"first": first, "second": second, "proof": [b64(h) for h in proof]})


class CheckpointView(APIView):
    """The latest signed checkpoint, exactly as signed (text/plain)."""

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    def get(self, request: Request, **kwargs) -> HttpResponse:
        head = heads.latest_head()
        if head is None:
            raise Refused(NO_CHECKPOINT, code="no_checkpoint", http_status=404)
        return HttpResponse(head.note, content_type="text/plain; charset=utf-8")


class PublicKeyView(APIView):
    """The ledger's public key: PEM (`?form=pem` for the bare PEM) and verifier key."""

    @extend_schema(
        parameters=[OpenApiParameter("form", str, enum=["json", "pem"])],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/x-pem-file"): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request, **kwargs) -> Response | HttpResponse:
        if request.query_params.get("form") == "pem":
            return HttpResponse(heads.public_key_pem(), content_type="application/x-pem-file")
        return Response(
            {
                "origin": heads.origin(),
                "pem": heads.public_key_pem(),
                "verifier_key": heads.verifier_key(),
            }
        )


class VerifyView(APIView):
    """Check the ledger now (auditors; the run is itself a ledger entry) and queue the
    re-hashing of every original as a background job (its result appears on the ledger page)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, **kwargs) -> Response:
        if not request.user.has_perm("ledger.verify"):
            raise Refused(AUDITORS_CHECK, code="permission_denied", http_status=403)
        report = integrity.run_check(include_blobs=False, actor=request.user, trigger="api")
        report["blob_check_queued"] = fixity_check.enqueue().id
        return Response(report, status=200 if report["ok"] else 409)
