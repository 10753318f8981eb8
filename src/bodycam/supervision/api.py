"""Spot checks through the API (R-20): propose, start or refuse, the published sample anyone
may recompute, reviews, close. The same functions as the pages and the command line."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bodycam.accounts.models import Unit, User
from bodycam.lib.api import NOT_FOUND, AuthenticatedRequest, RestrictedViewSetMixin
from bodycam.lib.errors import Refused
from bodycam.supervision import campaigns, reviews
from bodycam.supervision.models import Campaign, CampaignState, Candidate, Review, Verdict

NOT_STARTED = _("抽查 %(number)s 还没有开始，尚未抽样。")


class CampaignSerializer(serializers.ModelSerializer):
    units: serializers.SlugRelatedField[Unit] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    reviewers: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="username"
    )
    ratio = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "number", "title", "period_from", "period_to", "units", "ratio",
                  "minimum", "reviewers", "review_until", "state", "proposed_at", "decided_at",
                  "opinion", "seed", "closed_at", "summary"]  # fmt: skip
        read_only_fields = fields

    def get_ratio(self, campaign: Campaign) -> str:
        return campaigns.ratio_text(campaign.ratio)


class ProposeRequest(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    ratio = serializers.DecimalField(max_digits=6, decimal_places=4)
    minimum = serializers.IntegerField(min_value=0, max_value=100, default=1)
    reviewers = serializers.ListField(
        child=serializers.CharField(max_length=150), min_length=1, max_length=100
    )
    units = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=200
    )
    review_until = serializers.DateField(required=False)


class CommentRequest(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CloseRequest(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)


class AnswerFields(serializers.Serializer):
    item = serializers.CharField(max_length=30)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    at_second = serializers.IntegerField(min_value=0, max_value=10**7, required=False,
                                         allow_null=True, default=None)  # fmt: skip


class ReviewRequest(serializers.Serializer):
    recording = serializers.IntegerField(min_value=1, max_value=2**62)
    answers = AnswerFields(many=True)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    recording = serializers.IntegerField(source="candidate.recording_id")
    reviewer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "recording", "reviewer", "reviewed_at", "score", "grade", "vetoed",
                  "comment", "answers"]  # fmt: skip
        read_only_fields = fields

    def get_answers(self, review: Review) -> list[dict[str, Any]]:
        return [{"item": a.item, "verdict": a.verdict, "comment": a.comment,
                 "at_second": a.at_second} for a in review.answers.order_by("pk")]  # fmt: skip


SampleAnswer = inline_serializer(
    "CampaignSample",
    {
        "seed": serializers.CharField(),
        "ratio": serializers.CharField(),
        "minimum": serializers.IntegerField(),
        "rule": serializers.CharField(),
        "candidates": inline_serializer(
            "SampleCandidate",
            {
                "id": serializers.IntegerField(),
                "sha256": serializers.CharField(),
                "stratum": serializers.CharField(),
            },
            many=True,
        ),
        "sample": serializers.ListField(child=serializers.IntegerField()),
    },
)


def _named(model: Any, field: str, values: list[str], what: Any) -> list[Any]:
    found = {getattr(row, field): row for row in model.objects.filter(**{f"{field}__in": values})}
    missing = sorted(set(values) - set(found))
    if missing:
        raise Refused(_("没有这些%(what)s：%(names)s。"), code="not_found", what=what,
                      names="、".join(missing))  # fmt: skip
    return [found[value] for value in dict.fromkeys(values)]


class CampaignViewSet(RestrictedViewSetMixin[Campaign], viewsets.ReadOnlyModelViewSet[Campaign]):
    """Spot-check campaigns (执法监督抽查, R-20)."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.prefetch_related("units", "reviewers")
    action_restrictions = {"start": "start", "refuse": "start", "close": "change",
                           "sample": "view", "review": "view"}  # fmt: skip

    @extend_schema(request=ProposeRequest, responses={201: CampaignSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Propose a campaign; it starts when the bureau head approves it."""
        body = self.validated(ProposeRequest)
        plan = campaigns.Plan(
            title=body["title"], period_from=body["period_from"], period_to=body["period_to"],
            ratio=body["ratio"], minimum=body["minimum"],
            reviewers=_named(User, "username", body["reviewers"], _("评查人员")),
            units=_named(Unit, "code", body.get("units", []), _("单位")),
            review_until=body.get("review_until"),
        )  # fmt: skip
        campaign = campaigns.propose_campaign(plan, request.user)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentRequest, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The head approves: the seed is published and the sample drawn; the approval is the
        reviewers' viewing grant for the recordings assigned to them."""
        body = self.validated(CommentRequest)
        started = campaigns.start_campaign(self.get_object(), request.user, body["comment"])
        return Response(CampaignSerializer(started).data)

    @extend_schema(request=CommentRequest, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(CommentRequest)
        refused = campaigns.refuse_campaign(self.get_object(), request.user, body["comment"])
        return Response(CampaignSerializer(refused).data)

    @extend_schema(request=CloseRequest, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(CloseRequest)
        closed = campaigns.close_campaign(self.get_object(), request.user, body["summary"])
        return Response(CampaignSerializer(closed).data)

    @extend_schema(request=None, responses=SampleAnswer)
    @action(detail=True, methods=["get"])
    def sample(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The seed, the rule and every candidate, so that anyone can recompute the sample."""
        campaign = self.get_object()
        if campaign.state == CampaignState.PROPOSED or not campaign.seed:
            raise Refused(NOT_STARTED, code="not_started", http_status=409,
                          number=campaign.number)  # fmt: skip
        rows = campaign.candidates.order_by("stratum", "recording_id").values_list(
            "recording_id", "recording__sha256", "stratum", "sampled"
        )
        candidates, sample = [], []
        for pk, sha256, stratum, sampled in rows.iterator(chunk_size=5000):
            candidates.append({"id": pk, "sha256": sha256, "stratum": stratum})
            if sampled:
                sample.append(pk)
        return Response({"seed": campaign.seed, "ratio": campaigns.ratio_text(campaign.ratio),
                         "minimum": campaign.minimum, "rule": str(campaigns.RULE),
                         "candidates": candidates, "sample": sample})  # fmt: skip

    @extend_schema(request=ReviewRequest, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The assigned reviewer's review of one sampled recording; sent again, with a
        `reason`, it corrects the earlier one."""
        campaign = self.get_object()
        body = self.validated(ReviewRequest)
        candidate = Candidate.objects.filter(campaign=campaign, recording_id=body["recording"],
                                             sampled=True).first()  # fmt: skip
        if candidate is None:
            raise Refused(NOT_FOUND, code="not_found", http_status=404)
        answers = {a["item"]: reviews.Given(a["verdict"], a["comment"], a["at_second"])
                   for a in body["answers"]}  # fmt: skip
        review = reviews.submit_review(candidate, request.user, answers, body["comment"],
                                       body["reason"])  # fmt: skip
        return Response(ReviewSerializer(review).data)
