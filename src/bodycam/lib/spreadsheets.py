"""Tables in and out: reading an uploaded .xlsx or .csv into rows of text, writing .xlsx.

The format is taken from the content, never from the name alone; anything that is not a
spreadsheet we can read is refused with a message, never a traceback.
"""

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from bodycam.lib.errors import Refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an .xlsx is a ZIP: refuse archives that unpack huge
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # never in a CSV
NOT_A_TABLE = _("文件 %(name)s 不是 Excel（.xlsx）或 CSV 表格。")
DAMAGED = _("文件 %(name)s 已损坏，无法作为 Excel 表格打开。")
EMPTY = _("文件 %(name)s 是空的。")
# What every import says when it will not write.
NOTHING_TO_IMPORT = _("表格中只有列名，没有数据行。")
HAS_PROBLEMS = _("有 %(count)d 行存在问题，未导入任何数据；请改正后重新预检。")
CHANGED = _("预检之后系统中的数据已有变化，未导入任何数据；请重新预检。")


@dataclass
class Table:
    """Column names and the data rows, each with the line number the user sees in Excel."""

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class ImportPlan:
    """A dry run's verdict on a whole table (rows each with a `problems` list); nothing has
    been written. Keeps the table, so the import can check it again before writing."""

    table: Table
    rows: list[Any]

    @property
    def ok(self) -> bool:
        return not any(row.problems for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        bad = sum(1 for row in self.rows if row.problems)
        return {"total": len(self.rows), "good": len(self.rows) - bad, "bad": bad}


def say(message: Any, **params: Any) -> str:
    """A lazy message with its %-placeholders filled, as text in the active language."""
    return str(message) % params if params else str(message)


def read_table(data: bytes, filename: str = "") -> Table:
    """Read the first worksheet of an .xlsx, or a CSV in UTF-8 (with or without BOM) or GB18030.

    The first non-blank row holds the column names; blank rows are skipped but still counted
    in line numbers. Raises Refused for anything else, or for a file too large.
    """
    name = filename or "?"
    if len(data) > MAX_BYTES:
        raise Refused(_("文件 %(name)s 超过 5 MB，请分成几个文件导入。"), name=name)
    if not data.strip():
        raise Refused(EMPTY, name=name)
    if data.startswith(b"PK\x03\x04"):
        records = _xlsx_records(data, name)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            _("文件 %(name)s 是旧版 Excel（.xls）格式，请另存为 .xlsx 后导入。"), name=name
        )
    else:
        records = _csv_records(_decode(data, name), name)
    return _table(records, name)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"%PDF"):
        raise Refused(NOT_A_TABLE, name=name)
    # Excel's "Unicode text" is UTF-16 with a byte-order mark; Chinese Excel's CSV is GB18030.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not CONTROL_CHARACTERS.search(text):
            return text
    raise Refused(NOT_A_TABLE, name=name)


def _csv_records(text: str, name: str):
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise Refused(NOT_A_TABLE, name=name) from None


def _xlsx_records(data: bytes, name: str):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise Refused(DAMAGED, name=name) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(_("文件 %(name)s 解压后过大，请分成几个文件导入。"), name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a malformed workbook may fail anywhere inside openpyxl
        raise Refused(DAMAGED, name=name) from None
    try:
        if not book.worksheets:
            raise Refused(_("文件 %(name)s 中没有工作表。"), name=name)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the stored size is often wrong; read what is there
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def _table(records, name: str) -> Table:
    table = None
    for line, record in enumerate(records, start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if table is None:
            table = Table(headers=_headers(cells, name))
            continue
        if len(table.rows) >= MAX_ROWS:
            raise Refused(_("表格超过 %(limit)d 行，请分成几个文件导入。"), limit=MAX_ROWS)
        cells = (cells + [""] * len(table.headers))[: len(table.headers)]
        table.rows.append((line, {h: c for h, c in zip(table.headers, cells, strict=True) if h}))
    if table is None:
        raise Refused(EMPTY, name=name)
    return table


def _headers(cells: list[str], name: str) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    named = [cell for cell in cells if cell]
    repeated = sorted({cell for cell in named if named.count(cell) > 1})
    if repeated:
        raise Refused(
            _("文件 %(name)s 中列名重复：%(columns)s。"), name=name, columns="、".join(repeated)
        )
    return cells


def write_xlsx(headers: list[str], rows: list[list]) -> bytes:
    """An .xlsx with a bold, frozen header row and columns wide enough for Chinese text.

    Text is always stored as text, so a value starting with "=" never becomes a formula.
    """
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([storable(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for column in sheet.iter_cols():
        widest = max(display_width(cell.value) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(widest + 2, 8), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def storable(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, int | float | date | time):
        return value
    return str(value)


def display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(value))


def find_columns(
    table: Table, columns: Mapping[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, str]:
    """Which header holds each field, given each field's accepted names (Chinese first).

    Names match ignoring case, spaces, "_", "-" and a "*" marking a required column; other
    columns are ignored. Raises Refused naming the missing required columns and the expected.
    """
    by_name = {_header_key(header): header for header in table.headers if header}
    found = {}
    for key, names in columns.items():
        header = next((by_name[n] for n in map(_header_key, names) if n in by_name), None)
        if header is not None:
            found[key] = header
    missing = [key for key in required if key not in found]
    if missing:
        raise Refused(
            _("缺少必填列：%(missing)s。表格第一行应为列名，可用的列：%(expected)s。"),
            missing="、".join("/".join(columns[key]) for key in missing),
            expected="、".join("/".join(names) for names in columns.values()),
        )
    return found


def _header_key(name: str) -> str:
    return re.sub(r"[\s*_-]", "", name).casefold()


def repeated_values(pairs: list[tuple[int, str]]) -> dict[str, list[int]]:
    """The non-blank values that occur on more than one line, with those lines."""
    lines: dict[str, list[int]] = {}
    for line, value in pairs:
        if value:
            lines.setdefault(value, []).append(line)
    return {value: found for value, found in lines.items() if len(found) > 1}


Written = TypeVar("Written")


def apply_plan(
    plan: ImportPlan,
    replan: Callable[[Table], ImportPlan],
    write: Callable[[dict[str, Any]], Written],
) -> list[Written]:
    """Write every row of a problem-free plan in one transaction: all rows or none. The table
    is planned again inside the transaction; if anything changed since the dry run (or a
    concurrent writer took a value that must be unique), nothing is written."""
    if not plan.ok:
        raise Refused(HAS_PROBLEMS, count=plan.counts["bad"])
    try:
        with transaction.atomic():
            fresh = replan(plan.table)
            if not fresh.ok or [r.values for r in fresh.rows] != [r.values for r in plan.rows]:
                raise Refused(CHANGED)
            return [write(row.values) for row in fresh.rows]
    except IntegrityError:
        raise Refused(CHANGED) from None
