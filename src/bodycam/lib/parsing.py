"""The one place where what a user or a program typed becomes an id, a number or a time.

Every view, filter, API action and command reads its ids, dates and integers through these
functions, so a malformed or out-of-range value is a clear refusal (or "no such object"),
never a database overflow or a server error.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import register_converter
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import Refused

# Both databases store ids as signed 64-bit integers.
MAX_ID = 2**63 - 1
# Dates a person can mean; outside them, time-zone arithmetic overflows.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9999, 12, 30)

BAD_DATE = _("“%(value)s”不是有效的日期，请按 YYYY-MM-DD 填写，例如 2026-11-20。")
BAD_MOMENT = _("“%(value)s”不是有效的时间，请按 2026-11-20T09:36:21+08:00 的格式填写。")
OUT_OF_RANGE = _("日期 %(value)s 超出范围：应在 %(first)s 与 %(last)s 之间。")
BAD_NUMBER = _("“%(value)s”不是有效的整数：应为 %(low)s 到 %(high)s 之间的整数。")


def parse_id(value: Any) -> int | None:
    """A database id as typed (digits only, 1 … 2**63-1), or None for anything else."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def filter_by_id(queryset: QuerySet, field: str, value: Any) -> QuerySet:
    """Rows whose `field` is the id typed; none at all when what was typed is no id."""
    number = parse_id(value)
    return queryset.filter(**{field: number}) if number is not None else queryset.none()


def parse_int(value: Any, low: int, high: int) -> int:
    """A whole number between `low` and `high`, or Refused saying what is expected."""
    text = str(value).strip() if value is not None else ""
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise Refused(BAD_NUMBER, code="invalid_number", value=text, low=low, high=high)
    number = int(text)
    if not low <= number <= high:
        raise Refused(BAD_NUMBER, code="invalid_number", value=text, low=low, high=high)
    return number


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def check_day(day: date, shown: str = "") -> date:
    """`day` if it lies within the dates the system can compute with, else Refused."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Refused(
            OUT_OF_RANGE, code="date_out_of_range", value=shown or day.isoformat(),
            first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat(),
        )  # fmt: skip
    return day


def parse_day(text: str) -> date:
    """A calendar date typed as YYYY-MM-DD, or Refused."""
    try:
        day = parse_date((text or "").strip())
    except ValueError:
        day = None
    if day is None:
        raise Refused(BAD_DATE, code="invalid_date", value=text)
    return check_day(day, text)


def day_bound(text: str, end: bool) -> datetime:
    """The first (or last) instant of a typed date in the display time zone."""
    day = parse_day(text)
    return datetime.combine(day, time.max if end else time.min, tzinfo=_zone())


def check_moment(moment: datetime, shown: str = "") -> datetime:
    """An aware date-time within the dates the system computes with, else Refused."""
    check_day(moment.date(), shown or moment.isoformat())
    try:
        moment.astimezone(ZoneInfo("UTC"))
        moment + timedelta(days=1)
    except OverflowError:
        raise Refused(
            OUT_OF_RANGE, code="date_out_of_range", value=shown or str(moment),
            first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat(),
        ) from None  # fmt: skip
    return moment


def parse_moment(text: str, end_of_day: bool = False) -> datetime:
    """A date-time (or a date: its first or last instant) typed by a user; without an offset
    it is read in the display time zone (Beijing time)."""
    text = (text or "").strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        try:
            if parse_date(text) is not None:
                return day_bound(text, end_of_day)
        except ValueError:
            pass
        raise Refused(BAD_MOMENT, code="invalid_datetime", value=text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone())
    return check_moment(moment, text)


class IdConverter:
    """`<id:pk>` in URL patterns: a database id; anything longer than any id is no match (404)
    instead of an integer the database cannot hold."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
