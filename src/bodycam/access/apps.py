from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Viewing recordings: requests, approvals, the viewing register, grants, playback and
    secrecy levels (R-16 .. R-19)."""

    name = "bodycam.access"
    label = "access"
    verbose_name = _("查阅管理")
