from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards and the monthly report: figures from aggregates, each with its table."""

    name = "bodycam.reports"
    label = "reports"
    verbose_name = _("统计报表")
