"""Findings: what the compliance rules found (rules.py), one row per breach, never deleted.

open --officer explains--> explained --supervisor or head--> accepted / escalated / dismissed
open --the facts no longer hold (a link was made, an exemption acknowledged)--> cleared
cleared --the facts hold again--> open
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class Rule(models.TextChoices):
    MISSING_RECORDING = "missing_recording", _("应录未录")
    INTERRUPTION = "interruption", _("录像中断")
    LATE_START = "late_start", _("开始录像晚")
    EARLY_STOP = "early_stop", _("提前停止录像")
    LATE_UPLOAD = "late_upload", _("超时移交")
    CLOCK = "clock", _("记录仪时钟不准")
    NO_PRE_USE_CHECK = "no_pre_use_check", _("未做使用前检查")
    UNLINKED = "unlinked", _("未关联执法活动")
    EXEMPTION_PENDING = "exemption_pending", _("不予记录情形未签收")
    DAMAGED_FILE = "damaged_file", _("文件损坏")
    NO_NOTIFICATION_SPEECH = "no_notification_speech", _("开头未检测到告知语音")
    NO_SPOKEN_EXPLANATION = "no_spoken_explanation", _("中断后未检测到语音说明")
    SILENT_RECORDING = "silent_recording", _("没有声音")


# The article each rule enforces.
REQUIREMENT = {
    Rule.MISSING_RECORDING: "R-03", Rule.INTERRUPTION: "R-09", Rule.LATE_START: "R-09",
    Rule.EARLY_STOP: "R-09", Rule.LATE_UPLOAD: "R-13", Rule.CLOCK: "R-07",
    Rule.NO_PRE_USE_CHECK: "R-07", Rule.UNLINKED: "R-02", Rule.EXEMPTION_PENDING: "R-04",
    Rule.DAMAGED_FILE: "R-11", Rule.NO_NOTIFICATION_SPEECH: "R-08",
    Rule.NO_SPOKEN_EXPLANATION: "R-11", Rule.SILENT_RECORDING: "R-08",
}  # fmt: skip


class Severity(models.IntegerChoices):
    LOW = 1, _("提示")
    MEDIUM = 2, _("一般")
    HIGH = 3, _("严重")


class Status(models.TextChoices):
    OPEN = "open", _("待处理")
    EXPLAINED = "explained", _("已说明")
    ACCEPTED = "accepted", _("说明已采纳")
    ESCALATED = "escalated", _("已移交追责")
    DISMISSED = "dismissed", _("不构成问题")
    CLEARED = "cleared", _("已消除")


class FindingEvent(models.TextChoices):
    """What a ledger entry about a finding says happened (its payload's `event`)."""

    FOUND = "found", _("发现问题")
    UPDATED = "updated", _("事实更新")
    CLEARED = "cleared", _("问题已消除")
    REOPENED = "reopened", _("问题再次出现")
    EXPLAINED = "explained", _("执法人员说明")
    ACCEPTED = "accepted", _("说明已采纳")
    ESCALATED = "escalated", _("移交追责")
    DISMISSED = "dismissed", _("认定不构成问题")


# Decided by a person: the rules never reopen these.
DECIDED = frozenset({Status.ACCEPTED, Status.ESCALATED, Status.DISMISSED})


class Cause(models.TextChoices):
    """Why recording was interrupted (R-11)."""

    FAULT = "fault", _("设备故障")
    WEATHER = "weather", _("天气原因")
    BATTERY = "battery", _("电量耗尽")
    STORAGE = "storage", _("存储空间不足")
    SITE_CHANGE = "site_change", _("转换场地")
    OTHER = "other", _("其他")


class FindingQuerySet(RestrictedQuerySet["Finding"]):
    def scope(self, user: Any, action: str) -> Self:
        """Supervisors, the head, auditors and the records office see every finding; an
        officer those about them. Deciding is for supervisors and the head; explaining for the
        officer concerned."""
        if action == "view":
            if user.has_perm("compliance.view_finding"):
                return self
            return self.filter(officer=user)
        if action == "decide":
            return self if user.has_perm("compliance.decide_finding") else self.none()
        if action == "explain":
            return self.filter(officer=user)
        return self.none()


class Finding(models.Model):
    """One breach a rule found, with the facts that show it."""

    rule = models.CharField(_("规则"), max_length=30, choices=Rule.choices)
    requirement = models.CharField(_("依据"), max_length=8)
    key = models.CharField(max_length=200)  # what makes it this breach and not another
    subject_kind = models.CharField(max_length=30)
    subject_id = models.CharField(max_length=40)
    activity = models.ForeignKey(
        "activities.EnforcementActivity", verbose_name=_("执法活动"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="findings",
    )  # fmt: skip
    recording = models.ForeignKey(
        "recordings.Recording", verbose_name=_("音像记录"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="findings",
    )  # fmt: skip
    device = models.ForeignKey(
        "devices.Device", verbose_name=_("执法记录仪"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="findings",
    )  # fmt: skip
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="findings",
    )  # fmt: skip
    facts = models.JSONField(_("事实"), default=dict)
    severity = models.PositiveSmallIntegerField(_("严重程度"), choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(_("发现时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"))
    # The officer's explanation (R-11: cause, where the spoken explanation is, written report).
    cause = models.CharField(_("原因"), max_length=20, choices=Cause.choices, blank=True)
    spoken_at_seconds = models.FloatField(_("语音说明位置（秒）"), null=True, blank=True)
    explanation = models.TextField(_("说明"), blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("说明人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    explained_at = models.DateTimeField(_("说明时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("合规问题")
        verbose_name_plural = _("合规问题")
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="one_finding_per_breach")
        ]
        indexes = [
            models.Index(fields=["subject_kind", "subject_id"], name="finding_subject"),
            models.Index(fields=["status", "rule"], name="finding_status_rule"),
            models.Index(fields=["officer", "status"], name="finding_officer"),
        ]
        permissions = [("decide_finding", "Accept, escalate or dismiss findings")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} #{self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("findings are never deleted")


class SpeechAnalysis(models.Model):
    """Where someone speaks in a recording (Silero VAD), once per recording: spans in seconds.
    It proves only that someone spoke; a reviewer confirms the words."""

    recording = models.OneToOneField(
        "recordings.Recording", on_delete=models.PROTECT, related_name="speech"
    )
    has_audio = models.BooleanField(_("有声音"))
    analysed_seconds = models.FloatField(_("分析时长（秒）"))
    spans = models.JSONField(_("语音片段"), default=list)
    analysed_at = models.DateTimeField(_("分析时间"))
    problem = models.CharField(_("问题"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("语音检测")
        verbose_name_plural = _("语音检测")

    def __str__(self) -> str:
        return f"{self.recording_id}: {len(self.spans)} spans"

    def speech_within(self, first: float, last: float) -> bool:
        """Whether any speech span overlaps [first, last] seconds."""
        return any(start < last and end > first for start, end in self.spans)


OPEN_STATES = Q(status__in=[Status.OPEN, Status.EXPLAINED])
