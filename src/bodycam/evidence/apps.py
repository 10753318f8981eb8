from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Case files (案卷) and the recordings used as evidence in them (R-14, R-15)."""

    name = "bodycam.evidence"
    label = "evidence"
    verbose_name = _("案卷与证据")
