"""The recordings list as a spreadsheet: what the page shows, as people read it."""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bodycam.lib import wallclock
from bodycam.lib.words import duration_words, media_words, size_words
from bodycam.recordings.models import Recording


def headers() -> list[str]:
    return [_("编号"), _("原文件名"), _("类型"), _("格式"), _("时长"), _("大小"),
            _("录制时间（北京时间）"), _("执法人员"), _("执法记录仪"), _("执法活动"),
            _("入库时间"), _("移交时限"), _("按时移交"), _("状态"), _("待核实"),
            _("SHA-256")]  # fmt: skip


def _when(moment: datetime | None) -> str:
    return wallclock.local(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("是") if value else _("否"))


def rows(recordings: QuerySet[Recording]) -> Iterator[list]:
    chosen = recordings.select_related("officer", "device").order_by("-recorded_at", "-pk")
    for r in chosen.iterator(chunk_size=2000):
        yield [
            r.pk, r.original_name, r.get_kind_display(),
            media_words(r.container, r.video_codec, r.audio_codec),
            duration_words(r.duration.total_seconds()) if r.duration else "",
            size_words(r.size), _when(r.recorded_at),
            r.officer.display_name if r.officer else "", r.device.serial if r.device else "",
            r.activity_id or "", _when(r.ingested_at), _when(r.upload_deadline),
            _yes_no(r.deadline_met), r.get_condition_display(), _yes_no(r.needs_review),
            r.sha256,
        ]  # fmt: skip
