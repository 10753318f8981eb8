"""A recorder's status is a state machine, not a free field (R-05). One table says which
changes are possible; `change_status` is the only code that changes a status, under a row lock.

    in stock --issue--> issued --return--> in stock
    in stock --fault--> under repair --repair--> in stock
    in stock | under repair --replace/retire--> retired   (final)
    in stock | issued | under repair --lost (reason)--> lost --found (reason)--> in stock

Losing, finding and correcting a device's record are ledger entries with their reason.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.devices.models import Device, DeviceEvent, DeviceStatus
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused

S = DeviceStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.IN_STOCK: frozenset({S.ISSUED, S.REPAIR, S.RETIRED, S.LOST}),
    S.ISSUED: frozenset({S.IN_STOCK, S.LOST}),
    S.REPAIR: frozenset({S.IN_STOCK, S.RETIRED, S.LOST}),
    S.LOST: frozenset({S.IN_STOCK}),
    S.RETIRED: frozenset(),
}
NOT_NOW = _("记录仪 %(serial)s 状态为“%(state)s”，不能改为“%(wanted)s”。")
REASON = _("请写明理由。")
# The fields of a device's record that a correction may change.
CORRECTABLE = ("manufacturer", "model", "purchase_date", "explosion_proof", "notes")


def locked(device: Device) -> Device:
    """The device's row, locked until the caller's transaction ends."""
    return Device.objects.select_for_update().get(pk=device.pk)


def change_status(device: Device, wanted: str) -> Device:
    """Move a locked device to `wanted` if the table allows it (staying put is no change);
    Refused otherwise. The caller writes the ledger entry, in the same transaction."""
    if device.status == wanted:
        return device
    if wanted not in TRANSITIONS[device.status]:
        raise Refused(
            NOT_NOW, code="status_not_allowed", http_status=409, serial=device.serial,
            state=DeviceStatus(device.status).label, wanted=DeviceStatus(wanted).label,
        )  # fmt: skip
    device.status = wanted
    device.save(update_fields=["status"])
    return device


def _reason(reason: str) -> str:
    if not reason.strip():
        raise Refused(REASON, code="reason_required")
    return reason.strip()


@transaction.atomic
def mark_lost(device: Device, reason: str, actor: User | None) -> Device:
    """The device is lost (遗失): whoever carried it no longer does."""
    reason = _reason(reason)
    device = locked(device)
    if device.status == DeviceStatus.LOST:
        raise Refused(_("记录仪 %(serial)s 已经登记遗失。"), code="status_not_allowed",
                      http_status=409, serial=device.serial)  # fmt: skip
    carried = device.current_issue
    change_status(device, DeviceStatus.LOST)
    if carried is not None:
        carried.returned_at, carried.returned_by = timezone.now(), actor
        carried.save(update_fields=["returned_at", "returned_by"])
    record(Action.DEVICE_EVENT, device, actor, event=DeviceEvent.LOST, reason=reason,
           carried_by=carried.officer.username if carried else None)  # fmt: skip
    return device


@transaction.atomic
def mark_found(device: Device, reason: str, actor: User | None) -> Device:
    """A lost device is found again (找回) and back in stock."""
    reason = _reason(reason)
    device = locked(device)
    if device.status != DeviceStatus.LOST:
        raise Refused(_("记录仪 %(serial)s 没有登记遗失。"), code="not_lost", http_status=409,
                      serial=device.serial)  # fmt: skip
    change_status(device, DeviceStatus.IN_STOCK)
    record(Action.DEVICE_EVENT, device, actor, event=DeviceEvent.FOUND, reason=reason)
    return device


@transaction.atomic
def correct_device(device: Device, reason: str, actor: User | None, **changes) -> Device:
    """Correct a device's record (maker, model, purchase date …) with a reason; the ledger
    keeps what each field was. The serial and custodian are not corrected this way."""
    reason = _reason(reason)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise Refused(_("这些信息不能这样更正：%(fields)s。"), fields="、".join(sorted(unknown)))
    bought = changes.get("purchase_date")
    if isinstance(bought, date) and bought > wallclock.local_day():
        raise Refused(_("购置日期 %(day)s 晚于今天，请检查。"), code="date_in_future",
                      day=bought.isoformat())  # fmt: skip
    device = locked(device)
    changed = {}
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(device, name) != value:
            changed[name] = [_shown(getattr(device, name)), _shown(value)]
            setattr(device, name, value)
    if not changed:
        raise Refused(_("没有需要更正的内容。"), code="nothing_changed")
    device.save(update_fields=list(changed))
    record(Action.DEVICE_EVENT, device, actor, event=DeviceEvent.CORRECTED, reason=reason,
           fields=changed)  # fmt: skip
    return device


def _shown(value) -> str | bool | None:
    return value.isoformat() if isinstance(value, date) else value
