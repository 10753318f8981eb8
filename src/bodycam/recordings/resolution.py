"""Who made a recording and when: from the operator's flags, else the file name convention,
else the device's issue record; the device clock interpreted and corrected (R-07). A recording
is never refused for bookkeeping reasons: what cannot be resolved is flagged for review."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from bodycam.accounts.models import User
from bodycam.devices.models import Device, DeviceIssue
from bodycam.recordings import timing
from bodycam.recordings.models import TimeSource
from bodycam.recordings.naming import NameFacts
from bodycam.recordings.probe import MediaInfo, parse_creation_time

EARLIEST = datetime(2000, 1, 1)


@dataclass
class Given:
    """What the operator said on the command line or upload form."""

    device: Device | None = None
    officer: User | None = None
    activity: object | None = None
    actor: User | None = None
    upload: str = ""  # the upload the bytes came in, recorded with the ingest


@dataclass
class Resolved:
    device: Device | None
    officer: User | None
    recorded_at: datetime | None
    recorded_at_raw: str
    time_source: str
    convention: str
    clock_offset: timedelta | None
    review_notes: list[dict] = field(default_factory=list)


def resolve(given: Given, name: NameFacts, info: MediaInfo) -> Resolved:
    """Everything the row needs to say who and when."""
    notes: list[dict] = []
    device = given.device or _device(name.serial, notes)
    convention = timing.convention_for(device)
    raw, source, wall, convention = _device_time(name, info, convention, notes)
    uncorrected = timing.true_time(wall, convention, None) if wall else None
    offset = timing.clock_offset_before(device, uncorrected) if uncorrected else None
    recorded_at = timing.true_time(wall, convention, offset) if wall else None
    officer = given.officer or _officer(name.badge, notes) or _holder(device, recorded_at)
    if officer is None:
        notes.append({"code": "no_officer"})
    if recorded_at is None:
        notes.append({"code": "no_time"})
    elif recorded_at > timezone.now() + timedelta(minutes=5):
        notes.append({"code": "time_in_future", "value": recorded_at.isoformat()})
    return Resolved(device, officer, recorded_at, raw, source, convention, offset, notes)


def _device(serial: str, notes: list[dict]) -> Device | None:
    if not serial:
        return None
    device = Device.objects.filter(serial=serial).first()
    if device is None:
        notes.append({"code": "unknown_serial", "value": serial})
    return device


def _officer(badge: str, notes: list[dict]) -> User | None:
    if not badge:
        return None
    officer = User.objects.filter(badge_number__iexact=badge).first()
    if officer is None:
        notes.append({"code": "unknown_badge", "value": badge})
    return officer


def _holder(device: Device | None, at: datetime | None) -> User | None:
    """Who carried the device at that time, by its issue record."""
    if device is None:
        return None
    issues = DeviceIssue.objects.filter(device=device).select_related("officer")
    if at is not None:
        issues = issues.filter(issued_at__lte=at).filter(
            Q(returned_at__gte=at) | Q(returned_at__isnull=True)
        )
    else:
        issues = issues.filter(returned_at__isnull=True)
    issue = issues.order_by("-issued_at").first()
    return issue.officer if issue else None


def _device_time(name: NameFacts, info: MediaInfo, convention: str, notes: list[dict]):
    """(raw text, source, device wall clock, convention) from the container, EXIF or the file
    name; a container stamp is read the way that agrees with the file name (R-07)."""
    if info.creation_time_raw:
        parsed = parse_creation_time(info.creation_time_raw)
        if parsed is not None and parsed < EARLIEST:
            notes.append({"code": "clock_unset", "value": info.creation_time_raw})
            parsed = None  # a recorder whose clock was never set writes 1904 or 1970
        if parsed is not None:
            if info.kind == "photo":
                return info.creation_time_raw, TimeSource.EXIF, parsed, convention
            labelled_utc = parsed.replace(tzinfo=UTC)  # containers label their stamps UTC
            wall, convention = _agreeing_reading(labelled_utc, convention, name, info, notes)
            return info.creation_time_raw, TimeSource.CONTAINER, wall, convention
    if name.started is not None:
        stamp = name.started.strftime("%Y%m%d%H%M%S")
        return stamp, TimeSource.FILE_NAME, name.started, convention
    return "", TimeSource.UNKNOWN, None, convention


def _agreeing_reading(
    stamp: datetime, convention: str, name: NameFacts, info: MediaInfo, notes: list[dict]
) -> tuple[datetime, str]:
    """The container's stamp as wall clock, under the model's convention unless the file name
    (written from the same clock) agrees only with the other one: then that one, recorded as the
    convention used. Any other disagreement is a note for the records office."""
    wall = timing.wall_clock(stamp, convention)
    if name.started is None or timing.agrees(wall, name.started, info.duration):
        return wall, convention
    other = timing.other_convention(convention)
    other_wall = timing.wall_clock(stamp, other)
    if timing.agrees(other_wall, name.started, info.duration):
        return other_wall, other
    difference = round((wall - name.started).total_seconds())
    notes.append({
        "code": "name_time_disagrees",
        "value": name.started.strftime("%Y-%m-%d %H:%M:%S"),
        "difference_seconds": difference,
    })  # fmt: skip
    return wall, convention
