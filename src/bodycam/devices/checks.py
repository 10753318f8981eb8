"""Pre-use checks (R-07): judged against the thresholds in settings, recorded with the
clock offset that ingest later uses to correct the device's times."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.devices.models import Device, DeviceEvent, DeviceStatus, PreUseCheck
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

# How long a check page may stay open before its reading time is no longer trusted.
READ_WINDOW = timedelta(hours=1)
# The years a recorder's clock can show (one reset to its epoch still counts: it is recorded
# as a wrong clock).
CLOCK_YEARS = (1970, 2100)

PROBLEM_TEXT = {
    "fault": _("记录仪有故障"),
    "battery": _("电量 %(value)s%% 低于 %(limit)s%%"),
    "storage": _("剩余存储 %(value)s GB 少于 %(limit)s GB"),
    "clock": _("时钟偏差 %(value)s 秒，超过 ±%(limit)s 秒，请先校准时间"),
}


@dataclass(frozen=True)
class Reading:
    """What the officer reads off the device."""

    no_fault: bool
    battery_percent: int
    free_storage_gb: Decimal
    device_clock: datetime
    read_at: datetime | None = None  # true time when it was read; None: now


def describe(problem: dict) -> str:
    """A problem found by a check, as a sentence in the active language."""
    return str(PROBLEM_TEXT[problem["code"]]) % problem


def _validate(reading: Reading) -> None:
    if not 0 <= reading.battery_percent <= 100:
        raise Refused(
            _("电量应在 0 到 100 之间，填写的是 %(value)s。"), value=reading.battery_percent
        )
    if reading.free_storage_gb < 0:
        raise Refused(_("剩余存储不能为负数，填写的是 %(value)s。"), value=reading.free_storage_gb)
    if timezone.is_naive(reading.device_clock):
        raise Refused(_("记录仪时间必须带时区。"))
    if not CLOCK_YEARS[0] <= reading.device_clock.year < CLOCK_YEARS[1]:
        # A clock reset to 1970 is a wrong clock to record; year 202 is a typing slip.
        raise Refused(
            _("记录仪时间 %(value)s 不是可能的时间：请照抄记录仪屏幕上显示的日期和时间。"),
            code="impossible_clock", value=reading.device_clock.strftime("%Y-%m-%d %H:%M:%S"),
        )  # fmt: skip
    now = timezone.now()
    if reading.read_at is not None and not now - READ_WINDOW <= reading.read_at <= now:
        raise Refused(_("检查页面已过期，请刷新后重新填写。"))


def judge(reading: Reading, offset: timedelta) -> list[dict]:
    """The problems of a reading against today's thresholds; empty when ready to film."""
    problems: list[dict] = []
    if not reading.no_fault:
        problems.append({"code": "fault"})
    if reading.battery_percent < settings.CHECK_MIN_BATTERY_PERCENT:
        limit = settings.CHECK_MIN_BATTERY_PERCENT
        problems.append({"code": "battery", "value": reading.battery_percent, "limit": limit})
    if reading.free_storage_gb < settings.CHECK_MIN_FREE_GB:
        value = str(reading.free_storage_gb)
        problems.append({"code": "storage", "value": value, "limit": settings.CHECK_MIN_FREE_GB})
    limit = settings.CHECK_MAX_CLOCK_OFFSET_SECONDS
    if abs(offset.total_seconds()) > limit:
        seconds = round(offset.total_seconds(), 1)
        problems.append({"code": "clock", "value": seconds, "limit": limit})
    return problems


@transaction.atomic
def record_check(device: Device, reading: Reading, checked_by) -> PreUseCheck:
    """Record a pre-use check (R-07); the result and the clock offset are a ledger entry."""
    _validate(reading)
    if device.status in (DeviceStatus.RETIRED, DeviceStatus.LOST):
        raise Refused(
            _("记录仪 %(serial)s 状态为“%(status)s”，不能检查使用。"),
            serial=device.serial,
            status=DeviceStatus(device.status).label,
        )
    now = timezone.now()
    offset = reading.device_clock - (reading.read_at or now)
    check = PreUseCheck.objects.create(
        device=device,
        checked_by=checked_by,
        checked_at=now,
        no_fault=reading.no_fault,
        battery_percent=reading.battery_percent,
        free_storage_gb=reading.free_storage_gb,
        device_clock=reading.device_clock,
        clock_offset=offset,
        problems=judge(reading, offset),
    )
    record(
        Action.DEVICE_EVENT,
        device,
        checked_by,
        event=DeviceEvent.PRE_USE_CHECK,
        passed=check.passed,
        problems=check.problems,
        clock_offset_seconds=offset.total_seconds(),
    )
    return check
