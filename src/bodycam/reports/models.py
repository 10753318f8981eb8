from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    """A month's figures for a unit (None: the whole bureau) as a Chinese PDF, made by the job
    on the first of the next month; kept as made."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    month = models.DateField(_("月份"))  # its first day
    made_at = models.DateTimeField(_("生成时间"))
    pdf = models.BinaryField()

    class Meta:
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        ordering = ["-month", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="one_report_per_unit_month"),
            models.UniqueConstraint(
                fields=["month"], condition=models.Q(unit__isnull=True), name="one_bureau_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.unit_id or '—'}"
