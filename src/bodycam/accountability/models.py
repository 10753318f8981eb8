"""Violation cases (执法过错责任追究, R-21, R-22), following the usual procedure:

investigating (立案, the person's statement; the deadline may be extended once)
  --head decides--> decided --notice served--> notified --closing report--> closed
and an appeal note may follow. Each person responsible (承办人, 审核人, 批准人) has their own
sanction; a suspension (停止执法工作一周) blocks issuing them a recorder and opening an
activity while it runs.
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class Category(models.TextChoices):
    """The seven grounds of R-21 (article 23)."""

    NOT_RECORDED = "not_recorded", _("不按规定记录，造成涉法信访、投诉案件工作被动")
    MEDIA = "media", _("不规范使用记录仪，引发网络、媒体负面报道")
    LEAKED = "leaked", _("违反规定泄露记录内容，造成后果")
    ALTERED = "altered", _("删改记录，弄虚作假")
    LOST = "lost", _("不按规定存储致使记录损毁、灭失，造成后果")
    EQUIPMENT = "equipment", _("故意毁坏执法记录装备")
    OTHER = "other", _("其他违反现场执法记录制度的情形")


class CaseState(models.TextChoices):
    INVESTIGATING = "investigating", _("调查中")
    DECIDED = "decided", _("已决定，待送达")
    NOTIFIED = "notified", _("已送达")
    CLOSED = "closed", _("已结案")


class Part(models.TextChoices):
    """The person's part in the act (who did, checked and approved it)."""

    HANDLER = "handler", _("承办人")
    REVIEWER = "reviewer", _("审核人")
    APPROVER = "approver", _("批准人")


class Sanction(models.TextChoices):
    """R-22 (article 24); NONE: found not responsible."""

    NONE = "none", _("不予追究")
    SELF_CRITICISM = "self_criticism", _("责令作出书面检查")
    PUBLIC_CRITICISM = "public_criticism", _("市编委办通报批评")
    SUSPENSION = "suspension", _("停止执法工作一周")
    MERIT_LOSS = "merit_loss", _("取消当年评优评先资格")


class AdministrativeSanction(models.TextChoices):
    """政务处分法 article 7, decided elsewhere and recorded here when the head referred it."""

    WARNING = "warning", _("警告")
    DEMERIT = "demerit", _("记过")
    MAJOR_DEMERIT = "major_demerit", _("记大过")
    DEMOTION = "demotion", _("降级")
    DISMISSAL = "dismissal", _("撤职")
    EXPULSION = "expulsion", _("开除")


class CaseEvent(models.TextChoices):
    """What a ledger entry about a violation case says happened (its payload's `event`)."""

    OPENED = "opened", _("立案")
    STATEMENT = "statement", _("记录当事人陈述")
    EXTENDED = "extended", _("延长决定期限")
    DECIDED = "decided", _("作出追究决定")
    NOTIFIED = "notified", _("送达决定")
    CRITICISM = "criticism", _("通报批评")
    CLOSED = "closed", _("结案")
    APPEAL = "appeal", _("申诉")


class ViolationCaseQuerySet(RestrictedQuerySet["ViolationCase"]):
    def scope(self, user: Any, action: str) -> Self:
        """Supervisors, the head, auditors and the oversight office see every case; a person
        the cases naming them. Supervisors open and carry them, the head decides."""
        if action == "view":
            if user.has_perm("accountability.view_violationcase"):
                return self
            return self.filter(responsibilities__person=user).distinct()
        if action == "change":
            return self if user.has_perm("accountability.add_violationcase") else self.none()
        if action == "decide":
            return self if user.has_perm("accountability.decide_violationcase") else self.none()
        if action == "criticise":
            return self if user.has_perm("accountability.issue_criticism") else self.none()
        return self.none()


class ViolationCase(models.Model):
    number = models.CharField(_("案号"), max_length=20, unique=True)
    category = models.CharField(_("过错情形（R-21）"), max_length=20, choices=Category.choices)
    facts = models.TextField(_("过错事实"))
    state = models.CharField(
        _("状态"), max_length=15, choices=CaseState.choices, default=CaseState.INVESTIGATING
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("立案人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    opened_at = models.DateTimeField(_("立案时间"))
    deadline = models.DateTimeField(_("决定期限"))
    extension_reason = models.TextField(_("延期理由"), blank=True)
    findings = models.ManyToManyField(
        "compliance.Finding", verbose_name=_("合规问题"), blank=True, related_name="+"
    )
    reviews = models.ManyToManyField(
        "supervision.Review", verbose_name=_("抽查评查"), blank=True, related_name="+"
    )
    ledger_seqs = models.JSONField(_("监管链日志条目"), default=list)
    statement = models.TextField(_("当事人陈述"), blank=True)
    statement_at = models.DateTimeField(_("陈述时间"), null=True, blank=True)
    aggravating = models.BooleanField(_("从重情节：一年内三次以上过错"), default=False)
    mitigating = models.BooleanField(_("从轻情节：主动纠正"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision = models.TextField(_("决定"), blank=True)
    notified_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    closing_report = models.TextField(_("结案报告"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    appeal_note = models.TextField(_("申诉情况"), blank=True)

    objects = ViolationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法过错案件")
        verbose_name_plural = _("执法过错案件")
        ordering = ["-opened_at", "-pk"]
        permissions = [
            ("decide_violationcase", "Decide the sanctions of a violation case (R-22)"),
            ("issue_criticism", "Issue a public criticism (R-22)"),
        ]

    def __str__(self) -> str:
        return str(_("执法过错案件 %(number)s")) % {"number": self.number}


class Responsibility(models.Model):
    """One person's share of a violation and the sanction decided for them."""

    case = models.ForeignKey(
        ViolationCase, on_delete=models.PROTECT, related_name="responsibilities"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
        related_name="responsibilities",
    )  # fmt: skip
    part = models.CharField(_("责任角色"), max_length=10, choices=Part.choices)
    sanction = models.CharField(_("追究方式"), max_length=20, choices=Sanction.choices, blank=True)
    administrative = models.CharField(
        _("行政处分"), max_length=20, choices=AdministrativeSanction.choices, blank=True
    )
    suspended_from = models.DateField(_("停止执法自"), null=True, blank=True)
    suspended_until = models.DateField(_("停止执法至"), null=True, blank=True)
    criticism = models.TextField(_("通报批评内容"), blank=True)
    criticism_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("通报人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    criticism_at = models.DateTimeField(_("通报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("责任认定")
        verbose_name_plural = _("责任认定")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_share_per_person")
        ]
        indexes = [
            models.Index(fields=["person", "sanction", "suspended_until"], name="suspension")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.person_id} · {self.sanction}"
