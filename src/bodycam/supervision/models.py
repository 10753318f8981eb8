"""Spot-check campaigns (R-20): a supervisor proposes one, the bureau head starts it (which
publishes its seed, freezes its candidates, draws its sample and is the reviewers' viewing
grant), the reviewers review each sampled recording, a supervisor closes it.

proposed --head starts--> started --supervisor closes--> closed
proposed --head refuses--> refused
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class CampaignState(models.TextChoices):
    PROPOSED = "proposed", _("待主要负责人批准")
    STARTED = "started", _("抽查中")
    REFUSED = "refused", _("未批准")
    CLOSED = "closed", _("已结束")


class CampaignEvent(models.TextChoices):
    """What a ledger entry about a campaign or a review says happened (its payload's `event`)."""

    PROPOSED = "proposed", _("提出抽查")
    STARTED = "started", _("批准并开始抽查")
    REFUSED = "refused", _("不批准抽查")
    CLOSED = "closed", _("结束抽查")
    REVIEWED = "reviewed", _("提交评查")
    REVISED = "revised", _("更正评查")


class Verdict(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class CampaignQuerySet(RestrictedQuerySet["Campaign"]):
    def scope(self, user: Any, action: str) -> Self:
        """Supervisors, the head and auditors see every campaign; supervisors propose and close,
        the head starts or refuses."""
        if action == "view":
            return self if user.has_perm("supervision.view_campaign") else self.none()
        if action == "change":
            return self if user.has_perm("supervision.add_campaign") else self.none()
        if action == "start":
            return self if user.has_perm("supervision.start_campaign") else self.none()
        return self.none()


class Campaign(models.Model):
    """A spot check of the recordings made in a period by the officers of some units."""

    number = models.CharField(_("抽查编号"), max_length=20, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    period_from = models.DateField(_("抽查期间自"))
    period_to = models.DateField(_("抽查期间至"))
    units = models.ManyToManyField(
        "accounts.Unit", verbose_name=_("抽查单位"), blank=True, related_name="+"
    )
    ratio = models.DecimalField(_("抽查比例"), max_digits=5, decimal_places=4)
    minimum = models.PositiveSmallIntegerField(_("每人至少抽查"))
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评查人员"), related_name="+"
    )
    review_until = models.DateField(_("评查截止日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=CampaignState.choices, default=CampaignState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    opinion = models.TextField(_("审批意见"), blank=True)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("结束人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summary = models.TextField(_("抽查总结"), blank=True)
    grants = models.ManyToManyField(
        "access.ViewingRequest", verbose_name=_("查看授权"), blank=True, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        ordering = ["-proposed_at", "-pk"]
        permissions = [("start_campaign", "Start or refuse a spot-check campaign (R-20)")]

    def __str__(self) -> str:
        return str(_("抽查 %(number)s")) % {"number": self.number}


class Candidate(models.Model):
    """A recording in a started campaign's scope, frozen when it started: its stratum (the
    officer's username) and, when sampled, the reviewer it was assigned to."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="candidates")
    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("分层"), max_length=150)
    sampled = models.BooleanField(_("抽中"), default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评查人员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    hold = models.ForeignKey(
        "retention.Hold", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("抽查范围内的记录")
        verbose_name_plural = _("抽查范围内的记录")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "recording"], name="one_candidacy")
        ]
        indexes = [models.Index(fields=["campaign", "sampled"], name="campaign_sample")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.recording_id}"


class ReviewQuerySet(RestrictedQuerySet["Review"]):
    def scope(self, user: Any, action: str) -> Self:
        if action == "view":
            return self if user.has_perm("supervision.view_campaign") else self.none()
        return self.none()


class Review(models.Model):
    """A reviewer's judgement of one sampled recording (评查), scored 0–100."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评查人员"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("评查时间"))
    score = models.PositiveSmallIntegerField(_("得分"))
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices)
    vetoed = models.BooleanField(_("否决"), default=False)
    comment = models.TextField(_("评查意见"), blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("评查")
        verbose_name_plural = _("评查")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.candidate_id} · {self.score}"


class Answer(models.Model):
    """One item of a review: pass, fail or not applicable, with a comment and the second of the
    recording that shows it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(_("评查项目"), max_length=30)
    verdict = models.CharField(_("结论"), max_length=4, choices=Verdict.choices)
    comment = models.TextField(_("说明"), blank=True)
    at_second = models.PositiveIntegerField(_("位置（秒）"), null=True, blank=True)

    class Meta:
        verbose_name = _("评查项目")
        verbose_name_plural = _("评查项目")
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="one_answer")]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.item} · {self.verdict}"
