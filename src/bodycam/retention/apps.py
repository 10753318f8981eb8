from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """How long each recording is kept, what holds it, and its disposal by two approvals (R-14)."""

    name = "bodycam.retention"
    label = "retention"
    verbose_name = _("保存期限与销毁")
