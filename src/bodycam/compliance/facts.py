"""A finding's facts as a person reads them: labelled, in Beijing time, durations in words."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bodycam.activities.vocabulary import ActivityType
from bodycam.compliance.models import Finding, Rule
from bodycam.lib.words import duration_words, stored_time_words
from bodycam.recordings.models import Recording

LABELS = {
    "gap_seconds": gettext_lazy("中断时长"), "gap_start": gettext_lazy("中断开始"),
    "gap_end": gettext_lazy("恢复录像"), "before": gettext_lazy("中断前的录像"),
    "after": gettext_lazy("中断后的录像"), "late_seconds": gettext_lazy("晚了"),
    "early_seconds": gettext_lazy("提前了"), "started_at": gettext_lazy("活动开始"),
    "ended_at": gettext_lazy("活动结束"), "recorded_at": gettext_lazy("录制时间"),
    "first_recording": gettext_lazy("第一段录像"), "last_recording": gettext_lazy("最后一段录像"),
    "recording_ended_at": gettext_lazy("录像结束"), "deadline": gettext_lazy("移交时限"),
    "ingested_at": gettext_lazy("入库时间"), "offset_seconds": gettext_lazy("检查时的时钟偏差"),
    "recorded_after_ingest_seconds": gettext_lazy("录制时间晚于入库时间"),
    "before_activity_seconds": gettext_lazy("录制时间早于活动开始"),
    "name_difference_seconds": gettext_lazy("文件内时间与文件名时间相差"),
    "name_time": gettext_lazy("文件名中的时间（记录仪时钟）"),
    "device": gettext_lazy("执法记录仪"), "day": gettext_lazy("日期"),
    "filed_at": gettext_lazy("报送时间"), "limit_days": gettext_lazy("规定天数"),
    "reason": gettext_lazy("损坏原因"), "recording": gettext_lazy("音像记录"),
    "seconds": gettext_lazy("检测范围（开头秒数）"), "has_audio": gettext_lazy("有声音"),
    "analysed_seconds": gettext_lazy("已分析时长"), "type": gettext_lazy("活动类型"),
    "spans": gettext_lazy("检测到语音的时段（秒）"), "exemption": gettext_lazy("不予记录情形"),
}  # fmt: skip
RECORDING_KEYS = {"before", "after", "first_recording", "last_recording", "recording"}


def _value(key: str, value: Any) -> tuple[str, str | None]:
    """(text, link) of one fact."""
    if key == "type" and value in ActivityType.values:
        return str(ActivityType(value).label), None
    if key in RECORDING_KEYS and isinstance(value, int):
        return _("音像记录 %(n)s") % {"n": value}, reverse("recording", args=[value])
    if key.endswith("_seconds") and isinstance(value, int | float) and key != "seconds":
        return duration_words(value), None
    if isinstance(value, bool):
        return (_("是") if value else _("否")), None
    if (moment := stored_time_words(value)) is not None:
        return moment, None
    if isinstance(value, list):
        return "、".join(
            f"{a}–{b}" if isinstance(a, int | float) else str(a) for a, b in value
        ), None
    return str(value), None


def readable_facts(finding: Finding) -> list[tuple[str, str, str | None]]:
    """(label, text, link) for each fact the page shows."""
    return [
        (str(LABELS.get(key, key)), *_value(key, value))
        for key, value in finding.facts.items()
        if key in LABELS
    ]


# Where in which recording to look, per rule: (label, the fact naming the recording, where).
START, END = "start", "end"
MOMENTS: dict[str, list[tuple[Any, str, str]]] = {
    Rule.INTERRUPTION: [(gettext_lazy("中断前的最后画面"), "before", END),
                        (gettext_lazy("恢复录像后的开头（应有口头说明）"), "after", START)],
    Rule.NO_SPOKEN_EXPLANATION: [(gettext_lazy("恢复录像后的开头"), "recording", START)],
    Rule.NO_NOTIFICATION_SPEECH: [(gettext_lazy("第一段录像的开头（应有告知）"), "recording",
                                   START)],
    Rule.LATE_START: [(gettext_lazy("第一段录像的开头"), "first_recording", START)],
    Rule.EARLY_STOP: [(gettext_lazy("最后一段录像的结尾"), "last_recording", END)],
    Rule.SILENT_RECORDING: [(gettext_lazy("录像开头"), "recording", START)],
}  # fmt: skip
BEFORE_THE_END = 5  # seconds: a link to "the end" starts this much before it


def moments(finding: Finding) -> list[tuple[str, str]]:
    """(label, player link at the exact second) for what a reviewer should watch; playing
    still needs a viewing grant (R-16)."""
    wanted: list[tuple[Any, Any, Any]] = [(label, finding.facts.get(key), where)
              for label, key, where in MOMENTS.get(finding.rule, [])]  # fmt: skip
    if finding.spoken_at_seconds is not None and finding.facts.get("after"):
        wanted.append((gettext_lazy("执法人员指出的口头说明位置"), finding.facts["after"],
                       int(finding.spoken_at_seconds)))  # fmt: skip
    ids = {pk for _label, pk, _where in wanted if isinstance(pk, int)}
    lengths = dict(Recording.objects.filter(pk__in=ids).values_list("pk", "duration"))
    links = []
    for label, pk, where in wanted:
        if pk not in lengths:
            continue
        second = where if isinstance(where, int) else 0
        length = lengths[pk]
        if where == END and length is not None:
            second = max(0, int(length.total_seconds()) - BEFORE_THE_END)
        text = _("%(label)s：音像记录 %(n)s 第 %(s)s 秒") % {"label": label, "n": pk, "s": second}
        links.append((text, f"{reverse('recording-play', args=[pk])}?at={second}"))
    return links
