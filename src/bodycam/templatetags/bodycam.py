"""Template filters for showing domain values the way people read them."""

from datetime import timedelta

from django import template
from django.conf import settings

from bodycam.ledger import subjects
from bodycam.lib.words import clock_words, duration_words, media_words, period_words

register = template.Library()


@register.filter
def clock(offset: timedelta | None) -> str:
    """A recorder's clock against true time: "快 3 小时 2 分", "慢 4.2 秒"."""
    return "—" if offset is None else clock_words(offset.total_seconds())


@register.filter
def duration(value: timedelta | None) -> str:
    """A length as words: "1 小时 2 分", "6 秒"."""
    return "—" if value is None else duration_words(value.total_seconds())


@register.filter
def seconds_words(value: float | None) -> str:
    """A number of seconds as words: "4 分 0 秒"."""
    return "—" if value is None else duration_words(value)


@register.filter
def event(entry) -> str:
    """A ledger entry's event, readable: "发放" rather than "issued"."""
    return subjects.event_label(entry)


@register.filter
def subject_kind(entry) -> str:
    """What kind of thing a ledger entry is about, readable: "执法记录仪"."""
    return subjects.kind_label(entry.subject_kind)


@register.filter
def subject_url(entry) -> str | None:
    """The page of what a ledger entry is about, if it has one."""
    return subjects.subject_url(entry)


@register.filter
def clock_ms(milliseconds: int | None) -> str:
    """A position in a recording as a player shows it: "1:05", "1:02:07"."""
    if milliseconds is None:
        return "—"
    total = int(milliseconds) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def key_field(form, recording_id: int):
    """The evidence disc form's key-content field of one recording."""
    return form[f"key_{recording_id}"]


@register.filter
def media(recording) -> str:
    """Container and codecs as people know them: "MP4 · H.264 视频 · AAC 音频"."""
    return media_words(recording.container, recording.video_codec, recording.audio_codec)


@register.filter
def case_period(name: str) -> str:
    """A case file's retention period in the page's language."""
    return period_words(name, settings.CASE_RETENTION_PERIODS)
