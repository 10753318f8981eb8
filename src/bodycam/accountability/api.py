"""Violation cases through the API (R-21, R-22): the same functions as the pages."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.accountability import violations
from bodycam.accountability.models import (
    AdministrativeSanction,
    Category,
    Part,
    Sanction,
    ViolationCase,
)
from bodycam.accounts.models import User
from bodycam.compliance.models import Finding
from bodycam.lib.api import NOT_FOUND, AuthenticatedRequest, RestrictedViewSetMixin
from bodycam.lib.errors import Refused
from bodycam.supervision.models import Review

NOT_NAMED = _("案件中没有用户名为 %(name)s 的责任人。")


class CaseSerializer(serializers.ModelSerializer):
    people = serializers.SerializerMethodField()
    findings: serializers.PrimaryKeyRelatedField[Finding] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    reviews: serializers.PrimaryKeyRelatedField[Review] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = ViolationCase
        fields = ["id", "number", "category", "facts", "state", "opened_at", "deadline",
                  "extension_reason", "findings", "reviews", "ledger_seqs", "statement",
                  "aggravating", "mitigating", "decided_at", "decision", "notified_at",
                  "closing_report", "closed_at", "appeal_note", "people"]  # fmt: skip
        read_only_fields = fields

    def get_people(self, case: ViolationCase) -> list[dict[str, Any]]:
        return [
            {"username": s.person.username, "part": s.part, "sanction": s.sanction,
             "administrative": s.administrative, "suspended_until": s.suspended_until,
             "criticism_at": s.criticism_at}
            for s in case.responsibilities.select_related("person").order_by("pk")
        ]  # fmt: skip


class PersonPart(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    part = serializers.ChoiceField(choices=Part.choices, default=Part.HANDLER)


class OpenRequest(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    facts = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    people = serializers.ListField(child=PersonPart(), required=False, max_length=10)
    finding = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    review = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    ledger_seqs = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=2**62), required=False,
        max_length=200,
    )  # fmt: skip


class TextRequest(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class PersonSanction(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    sanction = serializers.ChoiceField(choices=Sanction.choices)
    administrative = serializers.ChoiceField(
        choices=AdministrativeSanction.choices, required=False, allow_blank=True, default=""
    )


class DecideRequest(serializers.Serializer):
    decision = serializers.CharField(max_length=5000)
    mitigating = serializers.BooleanField(default=False)
    sanctions = serializers.ListField(child=PersonSanction(), max_length=10)


class CriticismRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    text = serializers.CharField(max_length=5000)


def _person(name: str) -> User:
    found = User.objects.filter(username=name, is_active=True).first()
    if found is None:
        raise Refused(_("没有用户名为 %(name)s 的在职用户。"), code="not_found", name=name)
    return found


class ViolationCaseViewSet(
    RestrictedViewSetMixin[ViolationCase], viewsets.ReadOnlyModelViewSet[ViolationCase]
):
    """Violation cases (执法过错责任追究, R-21, R-22)."""

    serializer_class = CaseSerializer
    queryset = ViolationCase.objects.prefetch_related("findings", "reviews")
    action_restrictions = {"statement": "change", "extend": "decide", "decide": "decide",
                           "notify": "change", "close": "change", "appeal": "change",
                           "criticism": "criticise"}  # fmt: skip

    @extend_schema(request=OpenRequest, responses={201: CaseSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Open a case naming its people, or in one step from a `finding` or a `review`."""
        body = self.validated(OpenRequest)
        user, category, facts = request.user, body["category"], body["facts"]
        if "finding" in body:
            finding = Finding.objects.restrict(user, "decide").filter(pk=body["finding"]).first()
            if finding is None:
                raise Refused(NOT_FOUND, code="not_found", http_status=404)
            case = violations.open_from_finding(finding, user, category, facts)
        elif "review" in body:
            review = Review.objects.restrict(user, "view").filter(pk=body["review"]).first()
            if review is None:
                raise Refused(NOT_FOUND, code="not_found", http_status=404)
            case = violations.open_from_review(review, user, category, facts)
        else:
            shares = [violations.Share(_person(p["username"]), p["part"])
                      for p in body.get("people", [])]  # fmt: skip
            case = violations.open_case(user, category, facts, shares,
                                        ledger_seqs=body.get("ledger_seqs", []))  # fmt: skip
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    def _text_step(self, step) -> Response:
        body = self.validated(TextRequest)
        return Response(CaseSerializer(step(self.get_object(), self.request.user,
                                            body["text"])).data)  # fmt: skip

    @extend_schema(request=TextRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def statement(self, request: AuthenticatedRequest, **kwargs) -> Response:
        return self._text_step(violations.take_statement)

    @extend_schema(request=TextRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Once, by 30 days (the head), with the reason as `text`."""
        return self._text_step(violations.extend_deadline)

    @extend_schema(request=DecideRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: AuthenticatedRequest, **kwargs) -> Response:
        case = self.get_object()
        body = self.validated(DecideRequest)
        named = {s.person.username: s.person_id
                 for s in case.responsibilities.select_related("person")}  # fmt: skip
        sanctions = {}
        for given in body["sanctions"]:
            if given["username"] not in named:
                raise Refused(NOT_NAMED, code="not_named", name=given["username"])
            sanctions[named[given["username"]]] = violations.Decided(
                given["sanction"], given["administrative"]
            )
        decided = violations.decide(case, request.user, body["decision"], sanctions,
                                    mitigating=body["mitigating"])  # fmt: skip
        return Response(CaseSerializer(decided).data)

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request: AuthenticatedRequest, **kwargs) -> Response:
        return Response(CaseSerializer(violations.notify(self.get_object(), request.user)).data)

    @extend_schema(request=TextRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, **kwargs) -> Response:
        return self._text_step(violations.close_case)

    @extend_schema(request=TextRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request: AuthenticatedRequest, **kwargs) -> Response:
        return self._text_step(violations.note_appeal)

    @extend_schema(request=CriticismRequest, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def criticism(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The oversight office issues the public criticism decided for `username`."""
        case = self.get_object()
        body = self.validated(CriticismRequest)
        share = case.responsibilities.filter(person__username=body["username"]).first()
        if share is None:
            raise Refused(NOT_NAMED, code="not_named", name=body["username"])
        violations.issue_criticism(share, request.user, body["text"])
        return Response(CaseSerializer(ViolationCase.objects.get(pk=case.pk)).data)
