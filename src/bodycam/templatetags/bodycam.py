"""Template filters for showing domain values the way people read them."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from bodycam.ledger import subjects

register = template.Library()


@register.filter
def seconds(duration: timedelta | None) -> str:
    """A clock offset as signed seconds: "+4.2 秒", "-1.2 秒"."""
    if duration is None:
        return "—"
    return _("%(value)+.1f 秒") % {"value": duration.total_seconds()}


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
