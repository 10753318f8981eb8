"""Readable names for the `event` of device and activity ledger entries."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "registered": _("登记"),
    "issued": _("发放"),
    "returned": _("归还"),
    "pre_use_check": _("使用前检查"),
    "maintenance": _("维护"),
    "lost": _("遗失"),
    "opened": _("开始执法活动"),
    "closed": _("结束执法活动"),
    "exemption_filed": _("报送不予记录情形"),
    "exemption_acknowledged": _("签收不予记录情形"),
    "exemption_returned": _("退回不予记录情形"),
}


def event_label(code: str) -> str:
    """The label of an event code, or the code itself when it has none."""
    return str(EVENT_LABELS.get(code, code))
