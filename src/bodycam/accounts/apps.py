from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, units and roles (R-05: the head is first responsible; custodians keep devices)."""

    name = "bodycam.accounts"
    label = "accounts"
    verbose_name = _("人员与权限")
