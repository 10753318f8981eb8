"""What the records office must resolve about a recording, said in words."""

from django.utils.translation import gettext_lazy as _

NOTE_TEXT = {
    "unknown_serial": _("文件名中的产品序号 %(value)s 未登记"),
    "unknown_badge": _("文件名中的警号 %(value)s 不属于任何在册人员"),
    "no_officer": _("无法确定执法人员"),
    "no_time": _("无法确定录制时间"),
    "clock_unset": _("记录仪时钟未设置（文件内时间为 %(value)s）"),
    "time_in_future": _("录制时间晚于入库时间（%(value)s），记录仪时钟可能有误"),
}


def describe_note(note: dict) -> str:
    """A review note as a sentence in the active language."""
    code = note.get("code", "")
    text = NOTE_TEXT.get(code, code)
    return str(text) % note if "value" in note else str(text)
