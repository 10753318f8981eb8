"""A ledger entry's payload as a person reads it: labelled, codes as words, Beijing time. The
canonical bytes stay on the page beside it, for whoever verifies the hash."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bodycam.accounts.roles import Role
from bodycam.activities.vocabulary import ActivityType, ExemptionGround
from bodycam.lib.words import stored_time_words

LABELS = {
    "reason": gettext_lazy("理由"), "comment": gettext_lazy("意见或备注"),
    "before": gettext_lazy("修改前"), "after": gettext_lazy("修改后"),
    "type": gettext_lazy("活动类型"), "officer": gettext_lazy("执法人员"),
    "officers": gettext_lazy("执法人员"), "devices": gettext_lazy("记录仪"),
    "device": gettext_lazy("记录仪"), "serial": gettext_lazy("产品序号"),
    "started_at": gettext_lazy("开始时间"), "ended_at": gettext_lazy("结束时间"),
    "returned_at": gettext_lazy("返回时间"), "recorded_at": gettext_lazy("录制时间"),
    "subject_name": gettext_lazy("被检查单位"), "location": gettext_lazy("地点"),
    "username": gettext_lazy("用户名"), "roles": gettext_lazy("角色"),
    "role": gettext_lazy("角色"), "ground": gettext_lazy("不予记录的情形"),
    "late_entry_reason": gettext_lazy("补录理由"),
    "device_reason": gettext_lazy("使用他人记录仪的理由"),
    "override_reason": gettext_lazy("未通过检查仍发放的理由"),
    "badge_number": gettext_lazy("警号"), "size": gettext_lazy("大小（字节）"),
    "original_name": gettext_lazy("原文件名"),
}  # fmt: skip
WORDS = {**dict(ActivityType.choices), **dict(ExemptionGround.choices), **dict(Role.choices)}


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{_label(k)}：{_text(v)}" for k, v in value.items() if k in LABELS)
    if (moment := stored_time_words(value)) is not None:
        return moment
    return str(WORDS.get(value, value))


def _label(key: str) -> str:
    return str(LABELS[key])


def payload_facts(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for the payload's keys people read; the rest is in the canonical bytes."""
    return [(_label(key), _text(value)) for key, value in payload.items() if key in LABELS]
