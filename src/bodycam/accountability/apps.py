from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """Violations of the recording rules and their sanctions (执法过错责任追究, R-21, R-22)."""

    name = "bodycam.accountability"
    label = "accountability"
    verbose_name = _("执法过错责任追究")
