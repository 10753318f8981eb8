"""Helpers for filling in forms as a person in Beijing would."""

from zoneinfo import ZoneInfo

from django.conf import settings


def local_input(moment, seconds: bool = True) -> str:
    """A datetime-local input value: the wall-clock time shown on screen (Beijing time)."""
    shown = moment.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE))
    return shown.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")
