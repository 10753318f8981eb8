from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """The rules that find breaches of the recording rules, each finding with its evidence
    (R-02 .. R-13)."""

    name = "bodycam.compliance"
    label = "compliance"
    verbose_name = _("合规检查")
