from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    """The recorder registry: custodians, issue and return, maintenance, pre-use checks (R-05,
    R-07)."""

    name = "bodycam.devices"
    label = "devices"
    verbose_name = _("执法记录仪")
