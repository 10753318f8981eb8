"""What the records office must resolve about a recording, said in words."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bodycam.lib.words import duration_words
from bodycam.recordings import timing
from bodycam.recordings.models import Recording, TimeSource

NOTE_TEXT = {
    "unknown_serial": gettext_lazy("文件名中的产品序号 %(value)s 未登记"),
    "unknown_badge": gettext_lazy("文件名中的警号 %(value)s 不属于任何在册人员"),
    "no_officer": gettext_lazy("无法确定执法人员"),
    "no_time": gettext_lazy("无法确定录制时间"),
    "clock_unset": gettext_lazy("记录仪时钟未设置（文件内时间为 %(value)s）"),
    "time_in_future": gettext_lazy("录制时间晚于入库时间（%(value)s），记录仪时钟可能有误"),
    "name_time_disagrees": gettext_lazy(
        "文件内记录时间与文件名中的时间（%(value)s）相差 %(difference)s，记录仪时钟可能有误；"
        "暂按文件内记录时间入库，请核实真实录制时间"
    ),
}


def describe_note(note: dict) -> str:
    """A review note as a sentence in the active language."""
    code = note.get("code", "")
    text = NOTE_TEXT.get(code, code)
    if "value" not in note:
        return str(text)
    words = {"difference": duration_words(note.get("difference_seconds", 0))}
    return str(text) % {**note, **words}


def how_time_was_read(recording: Recording) -> str:
    """How the container's time was read (R-07), and why when it is not the model's setting."""
    if recording.time_source != TimeSource.CONTAINER or not recording.clock_convention:
        return ""
    words = timing.describe_convention(recording.clock_convention)
    if recording.clock_convention == timing.convention_for(recording.device):
        return words
    return _("%(words)s：与文件名中的时间一致（该型号设定的解读方式与之不符）") % {"words": words}
