"""The device ledger (台账) in and out: a dry run that lists every row's problems, an import that
registers all rows in one transaction or none (R-05: each with its one custodian), and an export
that another installation can import again."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Field, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.imports import UNKNOWN_UNIT, units_by_name_or_code
from bodycam.accounts.models import RoleAssignment, User
from bodycam.accounts.roles import Role
from bodycam.devices.models import Device, DeviceIssue, PreUseCheck
from bodycam.devices.registry import clean_serial, register_device
from bodycam.lib.errors import Refused
from bodycam.lib.spreadsheets import (
    NOTHING_TO_IMPORT,
    ImportPlan,
    Table,
    apply_plan,
    find_columns,
    repeated_values,
    say,
    write_xlsx,
)

COLUMNS = {
    "serial": ("产品序号", "serial"),
    "manufacturer": ("生产厂家", "manufacturer"),
    "model": ("型号", "model"),
    "explosion_proof": ("防爆", "explosion_proof", "防爆型"),
    "purchase_date": ("购置日期", "purchase_date"),
    "custodian": ("保管员", "custodian"),
    "unit": ("单位", "unit"),
    "notes": ("备注", "notes"),
}
REQUIRED = ("serial", "custodian")
EXPORT_EXTRA = ("状态", "当前领用人", "最近检查")
YES = {"是", "yes", "y", "1", "true"}
NO = {"否", "no", "n", "0", "false", ""}
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?(?:[ T][\d:.]+)?")


@dataclass
class RowPlan:
    """One row of the file: the device it would register, or why it cannot."""

    line: int
    serial: str
    problems: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def plan_device_import(table: Table) -> ImportPlan:
    """Check every row of a device ledger without writing anything."""
    columns = find_columns(table, COLUMNS, REQUIRED)
    if not table.rows:
        raise Refused(NOTHING_TO_IMPORT)
    known = _Known()
    rows = [
        _plan_row(line, {key: cells.get(header, "") for key, header in columns.items()}, known)
        for line, cells in table.rows
    ]
    message = _("产品序号 %(serial)s 在表格中重复出现（第 %(lines)s 行）。")
    for serial, lines in repeated_values([(r.line, r.serial) for r in rows]).items():
        shown = "、".join(map(str, lines))
        for row in rows:
            if row.line in lines:
                row.problems.append(say(message, serial=serial, lines=shown))
    return ImportPlan(table, rows)


def apply_device_import(plan: ImportPlan, actor: User | None) -> list[Device]:
    """Register every device of a problem-free plan in one transaction: all or none
    (spreadsheets.apply_plan)."""

    def write(values: dict) -> Device:
        return register_device(actor=actor, **values)

    return apply_plan(plan, plan_device_import, write)


class _Known:
    """What the database already holds, read once per plan."""

    def __init__(self) -> None:
        self.serials = set(Device.objects.values_list("serial", flat=True))
        self.units = units_by_name_or_code()
        users = list(User.objects.all())
        self.by_username = {user.username: user for user in users}
        self.by_badge = {user.badge_number: user for user in users if user.badge_number}
        self.by_name: dict[str, list[User]] = {}
        for user in users:
            self.by_name.setdefault(user.full_name, []).append(user)
        held = RoleAssignment.objects.filter(role=Role.CUSTODIAN)
        self.custodians = set(held.values_list("user_id", flat=True))


def _plan_row(line: int, cells: dict[str, str], known: _Known) -> RowPlan:
    row = RowPlan(line, cells["serial"])
    values: dict[str, Any] = {key: cells.get(key, "") for key in ("manufacturer", "model", "notes")}
    problems = row.problems
    try:
        row.serial = values["serial"] = clean_serial(cells["serial"])
        if row.serial in known.serials:
            problems.append(say(_("产品序号 %(serial)s 已经登记过。"), serial=row.serial))
    except Refused as exc:
        problems.append(exc.text() if cells["serial"] else say(_("产品序号未填写。")))
    values["custodian"] = _custodian(cells["custodian"], known, problems)
    values["unit"] = known.units.get(cells.get("unit", ""))
    if cells.get("unit") and values["unit"] is None:
        problems.append(say(UNKNOWN_UNIT, value=cells["unit"]))
    values["explosion_proof"] = _yes_no(cells.get("explosion_proof", ""), problems)
    values["purchase_date"] = _date(cells.get("purchase_date", ""), problems)
    for key in ("manufacturer", "model"):
        if len(values[key]) > 100:
            model_field = Device._meta.get_field(key)
            assert isinstance(model_field, Field)
            problems.append(say(_("%(column)s 超过 100 个字。"), column=model_field.verbose_name))
    row.values = values
    return row


def _custodian(value: str, known: _Known, problems: list[str]) -> User | None:
    """By username, then badge number, then a full name only one person has."""
    if not value:
        problems.append(say(_("保管员未填写。")))
        return None
    named = known.by_name.get(value, [])
    user = known.by_username.get(value) or known.by_badge.get(value)
    if user is None and len(named) > 1:
        problems.append(say(_("姓名“%(value)s”对应多人，请改填用户名或警号。"), value=value))
        return None
    user = user or (named[0] if named else None)
    if user is None:
        problems.append(say(_("找不到保管员“%(value)s”：请填写用户名、警号或姓名。"), value=value))
    elif not user.is_active:
        problems.append(say(_("%(name)s 的账号已停用，不能指定为保管员。"), name=user.display_name))
    elif user.pk not in known.custodians:
        message = _("%(name)s 不是保管员，不能指定为记录仪的保管人。")
        problems.append(say(message, name=user.display_name))
    return user


def _yes_no(value: str, problems: list[str]) -> bool:
    if value.casefold() in YES:
        return True
    if value.casefold() not in NO:
        problems.append(say(_("防爆“%(value)s”无法识别，请填写“是”或“否”。"), value=value))
    return False


def _date(value: str, problems: list[str]) -> date | None:
    if not value:
        return None
    match = DATE.fullmatch(value)
    try:
        parsed = date(*map(int, match.groups())) if match else None
    except ValueError:  # 2024-02-30
        parsed = None
    if parsed is None:
        problems.append(
            say(_("购置日期“%(value)s”无法识别，请写成 2024-03-01 的形式。"), value=value)
        )
    return parsed


def export_devices(queryset: QuerySet[Device]) -> bytes:
    """The device ledger as .xlsx: the import columns, so that another installation can import
    it, then status, current holder and latest pre-use check."""
    latest = PreUseCheck.objects.filter(device=OuterRef("pk")).order_by("-checked_at", "-pk")
    devices = list(
        queryset.select_related("custodian", "unit").annotate(
            latest_check_id=Subquery(latest.values("pk")[:1])
        )
    )
    checks = PreUseCheck.objects.in_bulk([d.latest_check_id for d in devices if d.latest_check_id])
    open_issues = DeviceIssue.objects.filter(returned_at__isnull=True).select_related("officer")
    holders = {issue.device_id: issue.officer.display_name for issue in open_issues}
    headers = [names[0] for names in COLUMNS.values()] + list(EXPORT_EXTRA)
    rows = [
        _export_row(device, holders.get(device.pk, ""), checks.get(device.latest_check_id))
        for device in devices
    ]
    return write_xlsx(headers, rows)


def _export_row(device: Device, holder: str, check: PreUseCheck | None) -> list:
    return [
        device.serial,
        device.manufacturer,
        device.model,
        "是" if device.explosion_proof else "否",
        device.purchase_date,
        device.custodian.username,
        device.unit.name if device.unit else "",
        device.notes,
        device.get_status_display(),
        holder,
        _check_summary(check) if check else "",
    ]


def _check_summary(check: PreUseCheck) -> str:
    when = check.checked_at.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE))
    message = _("%(time)s 通过") if check.passed else _("%(time)s 未通过")
    return say(message, time=f"{when:%Y-%m-%d %H:%M}")
