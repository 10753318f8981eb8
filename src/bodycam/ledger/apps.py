from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "bodycam.ledger"
    label = "ledger"
    verbose_name = _("监管链日志")
