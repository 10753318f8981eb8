"""Importing users from .xlsx or .csv: a dry run first, then all rows or none."""

import csv
import io

import pytest
from openpyxl import Workbook

from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.accounts.models import GrantStatus, RoleGrant, User
from bodycam.accounts.roles import Role
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.lib.spreadsheets import read_table
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["用户名", "姓名", "警号", "单位", "角色", "初始密码"]
GOOD = [
    HEADERS,
    ["li_na", "李娜", "JX1001", "CD01", "执法人员", ""],
    ["zhou_jie", "周杰", "JX1002", "城东执法大队", "保管员、执法人员", "Ledger-Keeper-2024"],
    ["chen_yu", "陈雨", "", "", "records_office, Auditor；主要负责人", ""],
    ["he_ping", "何平", "", "", "", "Quiet-River-Stone-9"],
]


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def written() -> tuple[int, int]:
    return User.objects.count(), LedgerEntry.objects.count()


@pytest.fixture
def chengdong():
    return UnitFactory(code="CD01", name="城东执法大队")


def test_a_good_file_creates_every_user_with_roles_and_ledger_entries(chengdong, administrator):
    before = written()
    plan = plan_user_import(read_table(csv_bytes(GOOD, "gb18030"), "用户.csv"))
    assert plan.ok, [row.problems for row in plan.rows]

    created = apply_user_import(plan, administrator)

    users = [user for user, _ in created]
    assert [user.username for user in users] == ["li_na", "zhou_jie", "chen_yu", "he_ping"]
    assert [set(user.roles) for user in users] == [
        {Role.OFFICER},
        {Role.CUSTODIAN, Role.OFFICER},
        set(),  # records office, auditor and head await a second person's confirmation
        set(),
    ]
    li_na, zhou_jie, chen_yu = (User.objects.get(pk=user.pk) for user in users[:3])
    assert (li_na.full_name, li_na.badge_number, li_na.unit) == ("李娜", "JX1001", chengdong)
    assert (zhou_jie.unit, chen_yu.unit, chen_yu.badge_number) == (chengdong, None, None)
    pending = RoleGrant.objects.filter(user=chen_yu, status=GrantStatus.PENDING)
    assert sorted(pending.values_list("role", flat=True)) == ["auditor", "head", "records_office"]
    # one "created" entry each, a "roles" entry for the two given roles at once, and one
    # "role_requested" entry for each of chen_yu's three roles
    assert written() == (before[0] + 4, before[1] + 4 + 2 + 3)
    assert LedgerEntry.objects.filter(actor_id=administrator.pk).count() == 9


def test_a_blank_password_is_generated_and_handed_back_once(chengdong, administrator):
    plan = plan_user_import(read_table(xlsx(GOOD), "u.xlsx"))
    by_name = {user.username: (user, pw) for user, pw in apply_user_import(plan, administrator)}
    for username in ("li_na", "chen_yu"):
        user, password = by_name[username]
        assert len(password) == 12
        assert User.objects.get(pk=user.pk).check_password(password)
    assert by_name["zhou_jie"][1] is None
    assert User.objects.get(username="zhou_jie").check_password("Ledger-Keeper-2024")


def test_dry_run_lists_each_bad_rows_problem_with_its_line_and_writes_nothing(officer, chengdong):
    before = written()
    rows = [
        HEADERS,
        ["ok_user", "好人", "", "", "", ""],
        ["officer_li", "重名", "", "", "", ""],
        ["twin", "双胞胎甲", "JX2001", "", "", ""],
        ["TWIN", "双胞胎乙", "jx2001", "", "", ""],
        ["badge_taken", "占号", officer.badge_number, "", "", ""],
        ["lost_unit", "无单位", "", "火星大队", "", ""],
        ["bad_role", "乱角色", "", "", "执法人员、队长", ""],
        ["weak", "弱密码", "", "", "", "123"],
        ["bad name!", "", "", "", "", ""],
    ]
    plan = plan_user_import(read_table(xlsx(rows), "用户.xlsx"))
    found = {row.line: row.problems for row in plan.rows if row.problems}
    expected = {
        3: ["用户名 officer_li 已存在。"],
        4: [
            "用户名 twin 在表格中重复出现（第 4、5 行）。",
            "警号 JX2001 在表格中重复出现（第 4、5 行）。",
        ],
        5: [
            "用户名 TWIN 在表格中重复出现（第 4、5 行）。",
            "警号 jx2001 在表格中重复出现（第 4、5 行）。",
        ],
        6: [f"警号 {officer.badge_number} 已被其他用户使用。"],
        7: ["找不到单位“火星大队”：请填写单位名称或代码。"],
        8: ["未知角色“队长”。"],
    }
    assert {line: found[line] for line in expected} == expected
    assert len(found[9]) == 1
    assert found[9][0].startswith("初始密码太弱：")
    assert found[10] == [
        "用户名“bad name!”无效：只能包含字母、数字和 @ . + - _。",
        "姓名未填写。",
    ]
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert written() == before


def test_a_file_with_any_bad_row_cannot_be_applied_and_writes_nothing(chengdong, administrator):
    plan = plan_user_import(read_table(xlsx([*GOOD, ["", "无名氏", "", "", "", ""]]), "u.xlsx"))
    before = written()
    with pytest.raises(Refused, match="有 1 行存在问题，未导入任何数据"):
        apply_user_import(plan, administrator)
    assert written() == before


def test_a_user_added_since_the_dry_run_refuses_the_whole_file(chengdong, administrator):
    plan = plan_user_import(read_table(xlsx(GOOD), "u.xlsx"))
    UserFactory(username="he_ping")
    before = written()
    with pytest.raises(Refused, match="预检之后系统中的数据已有变化"):
        apply_user_import(plan, administrator)
    assert written() == before


def test_missing_columns_are_refused_naming_them():
    table = read_table(xlsx([["警号", "角色"], ["JX1", "执法人员"]]), "u.xlsx")
    with pytest.raises(Refused, match="缺少必填列：用户名/username、姓名/full_name。"):
        plan_user_import(table)


def test_english_headers_and_role_codes_are_accepted():
    rows = [["Username", "Full name", "Roles"], ["amy", "Amy", "officer custodian"]]
    plan = plan_user_import(read_table(xlsx(rows), "users.xlsx"))
    assert plan.ok
    assert plan.rows[0].values["roles"] == [Role.CUSTODIAN, Role.OFFICER]
