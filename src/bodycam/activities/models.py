"""Enforcement activities (执法活动) and exemptions from recording (不予记录情形)."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bodycam.activities.vocabulary import ActivityType, ExemptionGround
from bodycam.lib import wallclock
from bodycam.lib.restrict import RestrictedQuerySet


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已撤销")  # opened by mistake: kept, never required


class ActivityEvent(models.TextChoices):
    """What an `activity_event` ledger entry says happened (its payload's `event`)."""

    OPENED = "opened", _("开始执法活动")
    CLOSED = "closed", _("结束执法活动")
    RETURNED_TO_BASE = "returned_to_base", _("返回单位")
    EXEMPTION_FILED = "exemption_filed", _("报送不予记录情形")
    EXEMPTION_ACKNOWLEDGED = "exemption_acknowledged", _("签收不予记录情形")
    EXEMPTION_RETURNED = "exemption_returned", _("退回不予记录情形")
    CORRECTED = "corrected", _("更正执法活动")
    CANCELLED = "cancelled", _("撤销执法活动")


class ActivityQuerySet(RestrictedQuerySet["EnforcementActivity"]):
    def scope(self, user: Any, action: str) -> Self:
        """Overseeing roles see every activity; officers see and change their own; the
        oversight office sees those with an exemption."""
        mine = self.filter(officers=user)
        if action == "view":
            if user.has_perm("activities.view_all_activities"):
                return self
            if user.has_perm("activities.review_exemption"):
                return self.filter(Q(officers=user) | Q(exemptions__isnull=False)).distinct()
            return mine
        if action == "change" and user.has_perm("activities.add_enforcementactivity"):
            return mine
        if action == "correct":  # the records office any; officers their own (corrections.py)
            if user.has_perm("activities.correct_activity"):
                return self
            return mine if user.has_perm("activities.add_enforcementactivity") else self.none()
        return self.none()


class EnforcementActivity(models.Model):
    """One on-site job from arrival to end (R-03, R-09); recordings link to it (R-02).

    open --close--> closed. Away from base, the upload deadline runs 24 hours from the
    return time instead of the same day (R-13).
    """

    type = models.CharField(_("活动类型"), max_length=30, choices=ActivityType.choices)
    subject_name = models.CharField(_("被检查单位"), max_length=200, blank=True)
    subject_code = models.CharField(_("单位代码"), max_length=60, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), related_name="activities"
    )
    devices = models.ManyToManyField(
        "devices.Device", verbose_name=_("使用的记录仪"), related_name="activities", blank=True
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    away_from_base = models.BooleanField(_("外出执法"), default=False)
    returned_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Entered long after the fact (补录, R-23), and why; a recorder not issued to its officers,
    # and why (shown as a warning on the activity); cancelled as opened by mistake, and why.
    late_entry_reason = models.TextField(_("补录理由"), blank=True)
    device_reason = models.TextField(_("使用非本人领用记录仪的理由"), blank=True)
    cancel_reason = models.TextField(_("撤销理由"), blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法活动")
        verbose_name_plural = _("执法活动")
        ordering = ["-started_at"]
        permissions = [
            ("view_all_activities", "See every activity"),
            ("correct_activity", "Correct or cancel any activity, with a reason"),
        ]
        indexes = [models.Index(fields=["status", "started_at"], name="activity_status_start")]

    def __str__(self) -> str:
        started = wallclock.local(self.started_at)  # the bureau's day, not UTC's
        return f"{self.get_type_display()} {self.subject_name} {started:%Y-%m-%d %H:%M}"


class ExemptionStatus(models.TextChoices):
    FILED = "filed", _("已报送")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RETURNED = "returned", _("已退回")


class ExemptionQuerySet(RestrictedQuerySet["Exemption"]):
    def scope(self, user: Any, action: str) -> Self:
        if action == "view" and (
            user.has_perm("activities.review_exemption")
            or user.has_perm("activities.view_all_activities")
        ):
            return self
        if action == "review" and user.has_perm("activities.review_exemption"):
            return self
        if action in ("view", "change"):
            return self.filter(filed_by=user)
        return self.none()


class Exemption(models.Model):
    """The work record of an activity left unrecorded (R-04), reported to the oversight office.

    filed --acknowledge--> acknowledged;  filed --return--> returned --refile--> filed.
    An acknowledged exemption means the activity needs no recording.
    """

    activity = models.ForeignKey(
        EnforcementActivity, on_delete=models.PROTECT, related_name="exemptions"
    )
    ground = models.CharField(_("情形"), max_length=30, choices=ExemptionGround.choices)
    legal_basis = models.TextField(_("法律依据"))
    facts = models.TextField(_("事实和理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报送时间"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ExemptionStatus.choices, default=ExemptionStatus.FILED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    review_comment = models.TextField(_("意见"), blank=True)

    objects = ExemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("不予记录情形")
        verbose_name_plural = _("不予记录情形")
        ordering = ["-filed_at"]
        permissions = [("review_exemption", "Acknowledge or return exemptions")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.get_ground_display()}"
