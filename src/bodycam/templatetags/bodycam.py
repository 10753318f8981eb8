"""Template filters for showing domain values the way people read them."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from bodycam.ledger.events import event_label

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
    return event_label(entry.payload.get("event", "")) or entry.get_action_display()
