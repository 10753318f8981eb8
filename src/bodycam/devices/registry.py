"""The device registry (R-05): registering recorders, issuing and taking them back,
maintenance. Every change is a ledger entry written in the same transaction."""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accountability.standing import refuse_if_suspended
from bodycam.accounts.models import Unit, User
from bodycam.accounts.roles import Role
from bodycam.devices import states
from bodycam.devices.models import (
    Device,
    DeviceEvent,
    DeviceIssue,
    DeviceStatus,
    MaintenanceKind,
    MaintenanceRecord,
)
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def clean_serial(value: str) -> str:
    """A serial as typed, checked: letters, digits, '.', '_' or '-', 1 to 40 characters."""
    serial = (value or "").strip().upper()
    if not SERIAL.fullmatch(serial):
        raise Refused(
            _("产品序号 %(serial)r 无效：只能包含字母、数字、“.”“_”“-”，最长 40 位。"), serial=value
        )
    return serial


def _require_role(user: User, role: Role, message) -> None:
    if not user.is_active or not user.has_role(role):
        raise Refused(message, name=user.display_name)


@transaction.atomic
def register_device(
    serial: str,
    custodian: User,
    actor: User | None,
    *,
    manufacturer: str = "",
    model: str = "",
    explosion_proof: bool = False,
    purchase_date: date | None = None,
    unit: Unit | None = None,
    notes: str = "",
) -> Device:
    """Register a recorder with its one custodian (R-05)."""
    serial = clean_serial(serial)
    _require_role(custodian, Role.CUSTODIAN, _("%(name)s 不是保管员，不能指定为记录仪的保管人。"))
    if Device.objects.filter(serial=serial).exists():
        raise Refused(_("产品序号 %(serial)s 已经登记过。"), serial=serial)
    try:
        with transaction.atomic():
            device = Device.objects.create(
                serial=serial,
                custodian=custodian,
                manufacturer=manufacturer.strip(),
                model=model.strip(),
                explosion_proof=explosion_proof,
                purchase_date=purchase_date,
                unit=unit or custodian.unit,
                notes=notes,
            )
    except IntegrityError:  # registered concurrently
        raise Refused(_("产品序号 %(serial)s 已经登记过。"), serial=serial) from None
    record(
        Action.DEVICE_EVENT,
        device,
        actor,
        event=DeviceEvent.REGISTERED,
        serial=serial,
        custodian=custodian.username,
        explosion_proof=explosion_proof,
    )
    return device


@transaction.atomic
def issue_device(device: Device, officer: User, actor: User | None, override_reason: str = ""):
    """Hand a device to an officer (发放). A device whose latest check failed is issued only
    with the custodian's written reason."""
    device = states.locked(device)
    current = device.current_issue
    if current is not None:
        raise Refused(
            _("记录仪 %(serial)s 已发放给 %(name)s，须先归还。"),
            serial=device.serial,
            name=current.officer.display_name,
        )
    if device.status != DeviceStatus.IN_STOCK:
        raise Refused(
            _("记录仪 %(serial)s 状态为“%(status)s”，不能发放。"),
            serial=device.serial,
            status=DeviceStatus(device.status).label,
        )
    _require_role(officer, Role.OFFICER, _("%(name)s 不是执法人员，不能领用记录仪。"))
    refuse_if_suspended(officer)  # no recorder while suspended from enforcement
    check = device.latest_check
    not_ready = check is not None and not check.passed
    if not_ready and not override_reason.strip():
        raise Refused(
            _("记录仪 %(serial)s 最近一次使用前检查未通过，如确需发放，保管员须填写理由。"),
            serial=device.serial,
        )
    issue = DeviceIssue.objects.create(
        device=device,
        officer=officer,
        issued_at=timezone.now(),
        issued_by=actor,
        override_reason=override_reason.strip() if not_ready else "",
    )
    states.change_status(device, DeviceStatus.ISSUED)
    record(
        Action.DEVICE_EVENT,
        device,
        actor,
        event=DeviceEvent.ISSUED,
        officer=officer.username,
        badge_number=officer.badge_number,
        override_reason=issue.override_reason,
    )
    return issue


@transaction.atomic
def return_device(device: Device, actor: User | None, comment: str = "") -> DeviceIssue:
    """Take a device back (归还), with what the custodian noticed, if anything."""
    device = states.locked(device)
    issue = device.current_issue
    if issue is None:
        raise Refused(_("记录仪 %(serial)s 没有发放在外，无需归还。"), serial=device.serial)
    issue.returned_at = timezone.now()
    issue.returned_by = actor
    issue.return_comment = (comment or "").strip()
    issue.save(update_fields=["returned_at", "returned_by", "return_comment"])
    states.change_status(device, DeviceStatus.IN_STOCK)
    record(
        Action.DEVICE_EVENT,
        device,
        actor,
        event=DeviceEvent.RETURNED,
        officer=issue.officer.username,
        **({"comment": issue.return_comment} if issue.return_comment else {}),
    )
    return issue


# What a maintenance record does to the device's status (None: leaves it as it is).
STATUS_AFTER = {
    MaintenanceKind.FAULT: DeviceStatus.REPAIR,
    MaintenanceKind.REPAIR: DeviceStatus.IN_STOCK,
    MaintenanceKind.REPLACEMENT: DeviceStatus.RETIRED,
}


@transaction.atomic
def record_maintenance(
    device: Device,
    kind: str,
    description: str,
    actor: User | None,
    replacement: Device | None = None,
) -> MaintenanceRecord:
    """Record a fault, repair, battery or firmware change, addition or replacement (R-05)."""
    kind = MaintenanceKind(kind)
    if not description.strip():
        raise Refused(_("请填写维护说明。"))
    device = states.locked(device)
    if device.status in (DeviceStatus.RETIRED, DeviceStatus.LOST):
        raise Refused(
            _("记录仪 %(serial)s 状态为“%(state)s”，不能登记维护。"), code="status_not_allowed",
            http_status=409, serial=device.serial, state=DeviceStatus(device.status).label,
        )  # fmt: skip
    if kind in STATUS_AFTER and device.current_issue is not None:
        raise Refused(_("记录仪 %(serial)s 正在使用中，请先归还再登记。"), serial=device.serial)
    if kind == MaintenanceKind.REPLACEMENT and (replacement is None or replacement == device):
        raise Refused(_("更新替换须指明替换用的另一台记录仪。"))
    entry = MaintenanceRecord.objects.create(
        device=device,
        kind=kind,
        description=description.strip(),
        at=timezone.now(),
        recorded_by=actor,
        replacement=replacement,
    )
    if kind in STATUS_AFTER:
        states.change_status(device, STATUS_AFTER[kind])
    record(
        Action.DEVICE_EVENT,
        device,
        actor,
        event=DeviceEvent.MAINTENANCE,
        kind=kind.value,
        description=entry.description,
        replacement=replacement.serial if replacement else None,
    )
    return entry
