"""What holds a recording beyond its retention date, and disposal batches approved by two people
(R-14). A disposed recording's row stays as a tombstone with its hash (recordings.Recording)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class HoldKind(models.TextChoices):
    LEGAL = "legal", _("诉讼保全")
    COMPLAINT = "complaint", _("投诉调查中")
    SPOT_CHECK = "spot_check", _("抽查进行中")


class RetentionEvent(models.TextChoices):
    """What a ledger entry about retention says happened (its payload's `event`)."""

    RETAIN_UNTIL = "retain_until", _("保存期限变更")
    LOCK_EXTENDED = "lock_extended", _("存储锁定期延长")
    HOLD_PLACED = "hold_placed", _("保全")
    HOLD_RELEASED = "hold_released", _("解除保全")
    COLLECTED = "collected", _("列入销毁清单")
    APPROVED = "approved", _("批准销毁")
    DISPOSED = "disposed", _("已销毁")
    RETURNED = "returned", _("移出销毁清单")


class HoldQuerySet(RestrictedQuerySet["Hold"]):
    def active(self) -> "HoldQuerySet":
        return self.filter(released_at__isnull=True)


class Hold(models.Model):
    """A recording that must not be disposed of whatever its dates, until released."""

    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="holds"
    )
    kind = models.CharField(_("保全类型"), max_length=20, choices=HoldKind.choices)
    reason = models.TextField(_("理由"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保全人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("保全时间"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    release_reason = models.TextField(_("解除理由"), blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("保全")
        verbose_name_plural = _("保全")
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["recording", "released_at"], name="hold_active")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recording_id}"


class BatchState(models.TextChoices):
    COLLECTED = "collected", _("待审批")
    DISPOSED = "disposed", _("已销毁")
    REJECTED = "rejected", _("未批准")


class DisposalBatch(models.Model):
    """Recordings past their retention date with no hold, collected for disposal: nothing is
    removed until the head AND the records office (two different people) approve."""

    collected_at = models.DateTimeField(_("列入时间"))
    state = models.CharField(
        _("状态"), max_length=12, choices=BatchState.choices, default=BatchState.COLLECTED
    )
    recordings = models.ManyToManyField("recordings.Recording", related_name="disposal_batches")
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主要负责人批准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_approved_at = models.DateTimeField(_("主要负责人批准时间"), null=True, blank=True)
    records_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("综合科批准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    records_approved_at = models.DateTimeField(_("综合科批准时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("销毁清单")
        verbose_name_plural = _("销毁清单")
        ordering = ["-collected_at", "-pk"]
        permissions = [("approve_disposalbatch", "Approve disposal of recordings (R-14)")]

    def __str__(self) -> str:
        return f"{_('销毁清单')} #{self.pk}"
