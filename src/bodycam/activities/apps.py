from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Enforcement activities that must be recorded, and exemptions from recording (R-03,
    R-04, R-13)."""

    name = "bodycam.activities"
    label = "activities"
    verbose_name = _("执法活动")
