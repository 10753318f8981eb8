"""Case files (案卷) and the recordings used as evidence in them (作为证据使用, R-14)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class CaseEvent(models.TextChoices):
    """What a ledger entry about a case says happened (its payload's `event`)."""

    OPENED = "opened", _("建立案卷")
    CHANGED = "changed", _("案卷信息变更")
    EVIDENCE_MARKED = "evidence_marked", _("作为证据使用")


class CaseQuerySet(RestrictedQuerySet["Case"]):
    """Seen by those with evidence.view_case, changed (and evidence marked) with change_case."""


class Case(models.Model):
    """A case file: its number, what it is about, and how long it is kept (R-14)."""

    number = models.CharField(_("案件编号"), max_length=60, unique=True)
    title = models.CharField(_("案由"), max_length=200)
    case_type = models.CharField(_("案件类型"), max_length=60, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    opened_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    retention = models.CharField(_("案卷保管期限"), max_length=30)  # a CASE_RETENTION_PERIODS key
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建立人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip  # None: the command line
    created_at = models.DateTimeField(_("建立时间"))
    recordings: models.ManyToManyField = models.ManyToManyField(
        "recordings.Recording", through="EvidenceUse", related_name="cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案卷")
        verbose_name_plural = _("案卷")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EvidenceUse(models.Model):
    """A recording used as evidence in a case: who marked it and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="evidence_uses"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("标记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("标记时间"))
    reason = models.TextField(_("证明对象或理由"))

    class Meta:
        verbose_name = _("证据使用")
        verbose_name_plural = _("证据使用")
        constraints = [
            models.UniqueConstraint(fields=["case", "recording"], name="evidence_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.recording_id}"
