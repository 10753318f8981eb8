"""When a recording was made, in true time (R-07), and the hand-over deadline (R-13).

A recorder's clock is not trusted blindly: its writing convention is read per model, and the
offset found by the latest pre-use check before the recording is taken off.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from bodycam.devices.models import Device, PreUseCheck

AS_UTC_SUFFIX = "-as-UTC"


def convention_for(device: Device | None) -> str:
    """The clock convention of the device's model (settings), or the default."""
    model = device.model if device is not None else ""
    return settings.DEVICE_CLOCK_BY_MODEL.get(model, settings.DEVICE_CLOCK_DEFAULT)


def wall_clock(moment: datetime, convention: str) -> datetime:
    """A time as the device wrote it in its container, read as the device's wall clock (naive).

    "Asia/Shanghai-as-UTC": the stamp says UTC but holds Beijing wall time: drop the label.
    "utc": true UTC: convert to the bureau's wall clock.
    """
    if moment.tzinfo is None:
        return moment
    if convention.endswith(AS_UTC_SUFFIX):
        return moment.replace(tzinfo=None)
    return moment.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).replace(tzinfo=None)


def other_convention(convention: str) -> str:
    """The reading a container stamp has if the model's convention is wrong: true UTC for
    "Beijing wall time labelled UTC", and the other way round."""
    if convention.endswith(AS_UTC_SUFFIX):
        return "utc"
    return f"{settings.DISPLAY_TIME_ZONE}{AS_UTC_SUFFIX}"


def agrees(container_wall: datetime, name_wall: datetime, duration: timedelta | None) -> bool:
    """Whether a container's stamp and a file name's (both the device's wall clock) tell the same
    start: recorders stamp the container when a file opens or when it closes."""
    slack = timedelta(seconds=settings.CLOCK_AGREEMENT_SECONDS)
    return -slack <= container_wall - name_wall <= (duration or timedelta(0)) + slack


def describe_convention(convention: str) -> str:
    """How a container's time was read, in words."""
    if convention == "utc":
        return _("按协调世界时（UTC）解读")
    if convention.endswith(AS_UTC_SUFFIX):
        return _("按当地时间（文件标注为 UTC）解读")
    return convention


def device_zone(convention: str) -> ZoneInfo:
    zone = convention.removesuffix(AS_UTC_SUFFIX)
    return ZoneInfo(settings.DISPLAY_TIME_ZONE if zone == "utc" else zone)


def clock_offset_before(device: Device | None, around: datetime) -> timedelta | None:
    """The offset (device minus true time) found by the device's latest check before `around`
    (an hour's slack: the uncorrected time may itself be off)."""
    if device is None:
        return None
    check = (
        PreUseCheck.objects.filter(device=device, checked_at__lte=around + timedelta(hours=1))
        .order_by("-checked_at")
        .first()
    )
    return check.clock_offset if check else None


def true_time(device_wall_clock: datetime, convention: str, offset: timedelta | None) -> datetime:
    """The device's wall-clock reading turned into true UTC, corrected by the check's offset."""
    local = device_wall_clock.replace(tzinfo=device_zone(convention))
    return (local - (offset or timedelta(0))).astimezone(UTC)


def upload_deadline(recorded_at: datetime, activity=None) -> datetime | None:
    """R-13: the end of the recording's day (Beijing), or 24 h after returning from work away
    from base; None while such a return is not yet known."""
    if activity is not None and activity.away_from_base:
        return activity.returned_at + timedelta(hours=24) if activity.returned_at else None
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    day = recorded_at.astimezone(zone).date()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
