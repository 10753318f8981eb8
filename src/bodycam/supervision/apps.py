from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Spot checks by supervisors (R-20): campaigns, provable samples and their reviews."""

    name = "bodycam.supervision"
    label = "supervision"
    verbose_name = _("执法监督抽查")
