"""Importing the device ledger (台账) from .xlsx or .csv, and exporting it again (R-05)."""

import csv
import io
import random
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from bodycam.devices.checks import Reading, record_check
from bodycam.devices.imports import apply_device_import, export_devices, plan_device_import
from bodycam.devices.models import Device
from bodycam.devices.registry import issue_device, register_device
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.lib.spreadsheets import MAX_ROWS, read_table
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["产品序号", "生产厂家", "型号", "防爆", "购置日期", "保管员", "单位", "备注"]


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return text.getvalue().encode(encoding)


def spreadsheet(kind: str, rows: list[list]) -> bytes:
    return xlsx(rows) if kind == "xlsx" else csv_bytes(rows, kind)


def written() -> tuple[int, int]:
    return Device.objects.count(), LedgerEntry.objects.count()


def problems_by_line(plan) -> dict[int, list[str]]:
    return {row.line: row.problems for row in plan.rows if row.problems}


@pytest.fixture
def chengdong():
    return UnitFactory(code="CD01", name="城东执法大队")


@pytest.fixture
def second_custodian(chengdong):
    return UserFactory(
        username="custodian_chen", full_name="陈保管", badge_number="BG1001", roles=["custodian"]
    )


def good_rows(purchase_date) -> list[list]:
    return [
        HEADERS,
        ["dsj-001", "海康威视", "DSJ-A1", "是", purchase_date, "custodian_zhang", "", "一号机"],
        ["DSJ-002", "海康威视", "DSJ-A1", "否", "2023-05-02", "BG1001", "CD01", ""],
        ["DSJ-003", "", "", "", "", "陈保管", "城东执法大队", ""],
    ]


@pytest.mark.parametrize("kind", ["xlsx", "utf-8", "utf-8-sig", "gb18030"])
def test_xlsx_and_csv_in_every_encoding_read_the_same(kind):
    rows = [HEADERS, ["DSJ-001", "海康威视", 12345, "是", date(2023, 5, 1), "张保管", "", ""]]
    if kind != "xlsx":
        rows[1][4] = "2023-05-01"
    table = read_table(spreadsheet(kind, rows), f"台账.{kind}")
    assert table.headers == HEADERS
    expected = ["DSJ-001", "海康威视", "12345", "是", "2023-05-01", "张保管", "", ""]
    assert table.rows == [(2, dict(zip(HEADERS, expected, strict=True)))]


def test_line_numbers_are_those_excel_shows_counting_header_and_blank_rows():
    table = read_table(xlsx([HEADERS, ["A-1"], [None], ["  A-2  ", 3.0, 2.5]]), "台账.xlsx")
    assert [(line, cells["产品序号"]) for line, cells in table.rows] == [(2, "A-1"), (4, "A-2")]
    assert (table.rows[1][1]["生产厂家"], table.rows[1][1]["型号"]) == ("3", "2.5")


def test_dry_run_lists_each_bad_rows_problem_with_its_line_and_writes_nothing(
    custodian, second_custodian, officer
):
    register_device("OLD-1", custodian, None)
    UserFactory(username="wang_a", full_name="王芳")
    UserFactory(username="wang_b", full_name="王芳")
    UserFactory(username="retired_zhao", full_name="赵退休", roles=["custodian"], is_active=False)
    before = written()
    rows = [
        HEADERS,
        ["DSJ-100", "", "", "", "", "custodian_zhang", "", ""],
        ["DSJ 101!", "", "", "", "", "custodian_zhang", "", ""],
        ["old-1", "", "", "", "", "custodian_zhang", "", ""],
        ["DUP-1", "", "", "", "", "custodian_zhang", "", ""],
        ["dup-1", "", "", "", "", "custodian_zhang", "", ""],
        ["DSJ-102", "", "", "", "", "nobody", "", ""],
        ["DSJ-103", "", "", "", "", "officer_li", "", ""],
        ["DSJ-104", "", "", "", "", "custodian_zhang", "火星大队", ""],
        ["DSJ-105", "", "", "", "2023-02-30", "custodian_zhang", "", ""],
        ["DSJ-106", "", "", "也许", "", "custodian_zhang", "", ""],
        [None],
        ["DSJ-107", "", "", "", "", "王芳", "", ""],
        ["", "", "", "", "", "", "", "只有备注"],
        ["DSJ-108", "", "", "", "", "retired_zhao", "", ""],
    ]
    plan = plan_device_import(read_table(xlsx(rows), "台账.xlsx"))
    found = problems_by_line(plan)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15]
    expected = {
        3: "产品序号 'DSJ 101!' 无效",
        4: "产品序号 OLD-1 已经登记过",
        5: "产品序号 DUP-1 在表格中重复出现（第 5、6 行）",
        6: "产品序号 DUP-1 在表格中重复出现（第 5、6 行）",
        7: "找不到保管员“nobody”",
        8: f"{officer.display_name} 不是保管员",
        9: "找不到单位“火星大队”",
        10: "购置日期“2023-02-30”无法识别",
        11: "防爆“也许”无法识别",
        13: "姓名“王芳”对应多人",
    }
    for line, phrase in expected.items():
        assert [p for p in found[line] if phrase in p], (line, found[line])
    assert found[14] == ["产品序号未填写。", "保管员未填写。"]
    assert [p for p in found[15] if p.startswith("赵退休（") and "的账号已停用" in p]
    assert (plan.ok, plan.counts) == (False, {"total": 13, "good": 1, "bad": 12})
    assert written() == before


@pytest.mark.parametrize("kind", ["xlsx", "utf-8-sig", "gb18030"])
def test_a_good_file_registers_every_row_with_one_ledger_entry_each(
    kind, custodian, second_custodian, chengdong, administrator
):
    before = written()
    purchase = date(2023, 5, 1) if kind == "xlsx" else "2023/5/1"
    plan = plan_device_import(read_table(spreadsheet(kind, good_rows(purchase)), "台账"))
    assert plan.ok, problems_by_line(plan)

    devices = apply_device_import(plan, administrator)

    assert written() == (before[0] + 3, before[1] + 3)
    first, second, third = (Device.objects.get(serial=s) for s in ("DSJ-001", "DSJ-002", "DSJ-003"))
    assert devices == [first, second, third]
    assert (first.custodian, first.unit, first.explosion_proof) == (custodian, custodian.unit, True)
    assert (first.purchase_date, first.manufacturer, first.notes) == (
        date(2023, 5, 1),
        "海康威视",
        "一号机",
    )
    assert (second.custodian, second.unit, second.explosion_proof) == (
        second_custodian,
        chengdong,
        False,
    )
    assert (third.custodian, third.unit, third.purchase_date) == (second_custodian, chengdong, None)
    entry = LedgerEntry.objects.filter(subject_kind="device", subject_id=str(first.pk)).get()
    assert entry.payload["event"] == "registered"
    assert entry.actor_id == administrator.pk


def test_a_file_with_any_bad_row_cannot_be_applied_and_writes_nothing(custodian, second_custodian):
    rows = [*good_rows("2023-05-01"), ["DSJ-004", "", "", "", "", "nobody", "", ""]]
    plan = plan_device_import(read_table(csv_bytes(rows, "utf-8"), "台账.csv"))
    before = written()
    with pytest.raises(Refused, match="有 1 行存在问题，未导入任何数据"):
        apply_device_import(plan, custodian)
    assert written() == before


def test_a_change_since_the_dry_run_refuses_the_whole_file(custodian, second_custodian, chengdong):
    plan = plan_device_import(read_table(xlsx(good_rows(date(2023, 5, 1))), "台账.xlsx"))
    assert plan.ok
    register_device("DSJ-003", custodian, None)  # someone else, meanwhile
    before = written()
    with pytest.raises(Refused, match="预检之后系统中的数据已有变化"):
        apply_device_import(plan, custodian)
    assert written() == before


def test_missing_columns_are_refused_naming_them_and_the_expected_ones():
    table = read_table(csv_bytes([["生产厂家", "型号"], ["海康威视", "A1"]], "utf-8"), "x.csv")
    with pytest.raises(Refused) as refused:
        plan_device_import(table)
    message = str(refused.value)
    assert "缺少必填列：产品序号/serial、保管员/custodian。" in message
    assert "购置日期/purchase_date" in message


def test_a_file_with_column_names_but_no_rows_has_nothing_to_import():
    with pytest.raises(Refused, match="表格中只有列名，没有数据行"):
        plan_device_import(read_table("产品序号,保管员\r\n,\r\n".encode(), "空.csv"))


def test_english_and_marked_column_names_are_accepted(custodian):
    rows = [
        ["Serial*", "Custodian", "Explosion proof", "PURCHASE_DATE"],
        ["E-1", "custodian_zhang", "yes", "2024.1.9"],
    ]
    plan = plan_device_import(read_table(xlsx(rows), "ledger.xlsx"))
    assert plan.ok
    assert plan.rows[0].values["explosion_proof"] is True
    assert plan.rows[0].values["purchase_date"] == date(2024, 1, 9)


def _xlsx_without_sheets() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADERS])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data)
            target.writestr(info, data)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the old .xls container
NOT_A_TABLE = ("不是 Excel（.xlsx）或 CSV 表格", "is not an Excel (.xlsx) or CSV")
DAMAGED = ("已损坏", "is damaged")


NOT_SPREADSHEETS = [
    pytest.param(PDF, *NOT_A_TABLE, id="pdf"),
    pytest.param(PNG, *NOT_A_TABLE, id="png"),
    pytest.param(random.Random(7).randbytes(4096), *NOT_A_TABLE, id="random"),
    pytest.param(b"", "是空的", "is empty", id="empty"),
    pytest.param(OLE, "旧版 Excel（.xls）", "old Excel format", id="xls"),
    pytest.param(xlsx([HEADERS])[:900], *DAMAGED, id="truncated-xlsx"),
    pytest.param(b"PK\x03\x04" + bytes(100), *DAMAGED, id="corrupt-zip"),
    pytest.param(_xlsx_without_sheets(), "没有工作表", "no worksheet", id="no-sheet"),
]


@pytest.mark.parametrize(("data", "chinese", "english"), NOT_SPREADSHEETS)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_reason(data, chinese, english):
    with pytest.raises(Refused) as refused:
        read_table(data, "台账.xlsx")
    assert chinese in str(refused.value)


@pytest.mark.parametrize(("data", "chinese", "english"), NOT_SPREADSHEETS)
def test_that_refusal_is_given_in_chinese_and_english(data, chinese, english):
    with pytest.raises(Refused) as refused:
        read_table(data, "台账.xlsx")
    in_chinese, in_english = str(refused.value).split(" / ")
    assert chinese in in_chinese
    assert english in in_english


def test_too_many_rows_or_bytes_are_refused():
    lines = "产品序号,保管员\n" + "".join(f"S{n},张保管\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(Refused, match="表格超过 20000 行"):
        read_table(lines.encode(), "big.csv")
    with pytest.raises(Refused, match="超过 5 MB"):
        read_table(b"a,b\n" * 2_000_000, "huge.csv")


@pytest.fixture
def ledger(custodian, second_custodian, chengdong, officer):
    """Three devices: one carried by an officer, one that passed its check, one idle."""
    first = register_device(
        "DSJ-001",
        custodian,
        None,
        manufacturer="海康威视",
        model="A1",
        explosion_proof=True,
        purchase_date=date(2023, 5, 1),
        notes="=1+1",
    )
    second = register_device("DSJ-002", second_custodian, None, unit=chengdong)
    register_device("DSJ-003", custodian, None, notes="备用")
    issue_device(first, officer, custodian)
    clock = datetime.now(UTC)
    record_check(second, Reading(True, 90, Decimal("32"), clock), second_custodian)
    return Device.objects.all()


def test_export_has_the_import_columns_then_status_holder_and_latest_check(
    ledger, officer, custodian
):
    sheet = load_workbook(io.BytesIO(export_devices(ledger))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [*HEADERS, "状态", "当前领用人", "最近检查"]
    assert rows[1][:9] == [
        "DSJ-001",
        "海康威视",
        "A1",
        "是",
        datetime(2023, 5, 1),
        "custodian_zhang",
        custodian.unit.name,  # a blank unit at registration is the custodian's
        "=1+1",
        "已发放",
    ]
    assert sheet["H2"].data_type == "s"  # text that looks like a formula stays text
    assert rows[1][9] == officer.display_name
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d 通过", rows[2][10])
    assert rows[3][8:] == ["在库", None, None]
    assert (sheet.freeze_panes, sheet["A1"].font.bold) == ("A2", True)


def test_an_exported_ledger_imports_again_to_the_same_devices(ledger):
    plan = plan_device_import(read_table(export_devices(ledger), "导出.xlsx"))
    assert [row.serial for row in plan.rows] == ["DSJ-001", "DSJ-002", "DSJ-003"]
    for row, device in zip(plan.rows, ledger, strict=True):
        assert row.problems == [f"产品序号 {device.serial} 已经登记过。"]
        wanted = {
            "serial": device.serial,
            "manufacturer": device.manufacturer,
            "model": device.model,
            "explosion_proof": device.explosion_proof,
            "purchase_date": device.purchase_date,
            "custodian": device.custodian,
            "unit": device.unit,
            "notes": device.notes,
        }
        assert row.values == wanted
