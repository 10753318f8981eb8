"""The bureau's wall clock (DISPLAY_TIME_ZONE, Beijing by default), the same in a page, a worker
and the command line: "that day" and "today" are Beijing days whoever computes them. (Django's
localtime() follows the zone a request activated, which a worker never does.)"""

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone(settings.DISPLAY_TIME_ZONE)


def local(moment: datetime | None = None) -> datetime:
    """`moment` (now if not given) on the bureau's wall clock."""
    return (moment or timezone.now()).astimezone(zone())


def local_day(moment: datetime | None = None) -> date:
    """The bureau's calendar day of `moment` (today if not given)."""
    return local(moment).date()
