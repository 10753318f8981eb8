"""Lists as .xlsx, streamed: rows go to a temporary file as the query yields them (openpyxl's
write-only mode), so a list of a million rows takes no more memory than one of ten. Each export
is a ledger entry: who took which list, with which filters, how many rows."""

import tempfile
from collections.abc import Iterable
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.spreadsheets import XLSX, display_width, storable


def _cell(sheet, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=storable(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text stays text: "=..." never becomes a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_rows(headers: list[str], rows: Iterable[list], title: str) -> tuple[Any, int]:
    """(an open temporary .xlsx file, the number of rows written)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, header in enumerate(headers, start=1):
        width = min(max(display_width(header) + 8, 12), 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    book.save(output)
    output.seek(0)
    return output, count


def xlsx_response(
    name: str, title: str, headers: list[str], rows: Iterable[list], actor: Any, filters: Any
) -> FileResponse:
    """The list as a download named `name`-YYYYMMDD.xlsx; the export is in the ledger."""
    output, count = write_rows(headers, rows, title)
    shown = {key: value for key, value in filters.items() if value and key != "page"}
    record(Action.EXPORT, None, actor, list=name, filters=shown, rows=count)
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)
