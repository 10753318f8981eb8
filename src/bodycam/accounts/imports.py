"""Importing users from a spreadsheet: a dry run that lists every row's problems, then all rows
in one transaction or none. Each person is created through people.add_person (ledger entries)."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import Unit, User
from bodycam.accounts.people import add_person, generate_password
from bodycam.accounts.roles import Role
from bodycam.lib.errors import Refused
from bodycam.lib.spreadsheets import (
    NOTHING_TO_IMPORT,
    ImportPlan,
    Table,
    apply_plan,
    find_columns,
    repeated_values,
    say,
)

COLUMNS = {
    "username": ("用户名", "username"),
    "full_name": ("姓名", "full_name"),
    "badge_number": ("警号", "badge_number"),
    "unit": ("单位", "unit"),
    "roles": ("角色", "roles"),
    "password": ("初始密码", "password"),
}
REQUIRED = ("username", "full_name")
ROLE_SEPARATORS = re.compile(r"[、,，;；\s]+")
UNKNOWN_UNIT = _("找不到单位“%(value)s”：请填写单位名称或代码。")


@dataclass
class RowPlan:
    """One row of the file: what would be created, or why it cannot be."""

    line: int
    username: str
    problems: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def units_by_name_or_code() -> dict[str, Unit]:
    """Every unit under its code and its name (the name wins if one unit's name is another's
    code)."""
    units = list(Unit.objects.all())
    return {unit.code: unit for unit in units} | {unit.name: unit for unit in units}


def plan_user_import(table: Table) -> ImportPlan:
    """Check every row of a user table without writing anything."""
    columns = find_columns(table, COLUMNS, REQUIRED)
    if not table.rows:
        raise Refused(NOTHING_TO_IMPORT)
    known = _Known()
    rows = [
        _plan_row(line, {key: cells.get(header, "") for key, header in columns.items()}, known)
        for line, cells in table.rows
    ]
    _flag_repeats(rows, "username", _("用户名 %(value)s 在表格中重复出现（第 %(lines)s 行）。"))
    _flag_repeats(rows, "badge_number", _("警号 %(value)s 在表格中重复出现（第 %(lines)s 行）。"))
    return ImportPlan(table, rows)


def apply_user_import(plan: ImportPlan, actor: User | None) -> list[tuple[User, str | None]]:
    """Create every user of a problem-free plan in one transaction: all or none.

    Returns each user with the password generated for them, or None when the file gave one.
    """
    return apply_plan(plan, plan_user_import, lambda values: _create(values, actor))


def _create(values: dict[str, Any], actor: User | None) -> tuple[User, str | None]:
    generated = None if values["password"] else _generate_password(values)
    user = add_person(
        values["username"],
        values["password"] or generated,
        full_name=values["full_name"],
        badge_number=values["badge_number"],
        unit=values["unit"],
        roles=values["roles"],
        actor=actor,
        must_change_password=settings.IMPORTED_MUST_CHANGE_PASSWORD,
    )
    return user, generated


def _generate_password(values: dict[str, Any]) -> str:
    return generate_password(User(username=values["username"], full_name=values["full_name"]))


class _Known:
    """What the database already holds, read once per plan."""

    def __init__(self) -> None:
        users = list(User.objects.values_list("username", "badge_number"))
        self.usernames = {username.casefold() for username, badge in users}
        self.badges = {badge.casefold() for username, badge in users if badge}
        self.units = units_by_name_or_code()
        self.roles = _role_names()


def _role_names() -> dict[str, Role]:
    names = {}
    for role in Role:
        names[role.value.casefold()] = role
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(role.label).casefold()] = role
    return names


def _plan_row(line: int, cells: dict[str, str], known: _Known) -> RowPlan:
    username, full_name, badge = cells["username"], cells["full_name"], cells.get("badge_number")
    row = RowPlan(line, username)
    row.problems += _username_problems(username, known)
    if not full_name:
        row.problems.append(say(_("姓名未填写。")))
    elif len(full_name) > 50:
        row.problems.append(say(_("姓名“%(value)s”超过 50 个字。"), value=full_name))
    if badge and badge.casefold() in known.badges:
        row.problems.append(say(_("警号 %(value)s 已被其他用户使用。"), value=badge))
    elif badge and len(badge) > 30:
        row.problems.append(say(_("警号“%(value)s”超过 30 个字符。"), value=badge))
    unit = known.units.get(cells.get("unit", ""))
    if cells.get("unit") and unit is None:
        row.problems.append(say(UNKNOWN_UNIT, value=cells["unit"]))
    roles = []
    for name in filter(None, ROLE_SEPARATORS.split(cells.get("roles", ""))):
        if name.casefold() in known.roles:
            roles.append(known.roles[name.casefold()])
        else:
            row.problems.append(say(_("未知角色“%(value)s”。"), value=name))
    row.values = {
        "username": username,
        "full_name": full_name,
        "badge_number": badge or None,
        "unit": unit,
        "roles": sorted(set(roles)),
        "password": cells.get("password", ""),
    }
    if row.values["password"]:
        row.problems += _password_problems(row.values["password"], row.values)
    return row


def _username_problems(username: str, known: _Known) -> list[str]:
    if not username:
        return [say(_("用户名未填写。"))]
    if username.casefold() in known.usernames:
        return [say(_("用户名 %(value)s 已存在。"), value=username)]
    try:
        User.username_validator(username)
    except ValidationError:
        return [say(_("用户名“%(value)s”无效：只能包含字母、数字和 @ . + - _。"), value=username)]
    if len(username) > 150:
        return [say(_("用户名“%(value)s”超过 150 个字符。"), value=username)]
    return []


def _password_problems(password: str, values: dict[str, Any]) -> list[str]:
    person = User(username=values["username"], full_name=values["full_name"])
    try:
        validate_password(password, person)
    except ValidationError as exc:
        return [say(_("初始密码太弱：%(reason)s"), reason=" ".join(exc.messages))]
    return []


def _flag_repeats(rows: list[RowPlan], key: str, message) -> None:
    pairs = [(row.line, (row.values[key] or "").casefold()) for row in rows]
    for lines in repeated_values(pairs).values():
        for row in rows:
            if row.line in lines:
                shown = "、".join(str(line) for line in lines)
                row.problems.append(say(message, value=row.values[key], lines=shown))
