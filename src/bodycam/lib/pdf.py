"""PDF documents in Chinese with the font embedded (reportlab's built-in STSong-Light is not
embedded and shows boxes where no CJK font is installed): lib/fonts.py finds the font."""

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from bodycam.lib.fonts import chinese_font_path

FONT = "BodycamChinese"


@cache
def chinese_font() -> str:
    """Register the Chinese font once; its name for styles."""
    pdfmetrics.registerFont(TTFont(FONT, str(chinese_font_path()), subfontIndex=0))
    return FONT


def table_document(title: str, subtitle: str, headers: list[str], rows: list[list[str]],
                   widths: list[float]) -> bytes:  # fmt: skip
    """A landscape A4 document: a title, a line under it, and a table that repeats its header
    on every page. `widths` are the columns' shares of the page width."""
    font = chinese_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", parent=cell, textColor=colors.white)
    buffer = io.BytesIO()
    page = landscape(A4)
    document = SimpleDocTemplate(buffer, pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title=title)  # fmt: skip
    usable = page[0] - 20 * mm
    data = [[Paragraph(escape(h), head) for h in headers]]
    data += [[Paragraph(escape(str(value)).replace("\n", "<br/>"), cell) for value in row]
             for row in rows]  # fmt: skip
    table = LongTable(data, colWidths=[usable * w / sum(widths) for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3b5a")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    story = [
        Paragraph(escape(title), ParagraphStyle("title", fontName=font, fontSize=15, leading=20)),
        Paragraph(escape(subtitle), ParagraphStyle("sub", fontName=font, fontSize=9, leading=12)),
        Spacer(1, 4 * mm),
        table,
    ]
    document.build(story)
    return buffer.getvalue()


def sections_document(title: str, subtitle: str,
                      sections: list[tuple[str, list[str], list[list[str]]]]) -> bytes:  # fmt: skip
    """A portrait A4 report: a title, a line under it, then for each section its heading and
    its table (columns of equal width, the first wider)."""
    font = chinese_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=cell, textColor=colors.white)
    heading = ParagraphStyle("heading", fontName=font, fontSize=11, leading=15, spaceBefore=8)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm, title=title)  # fmt: skip
    usable = A4[0] - 30 * mm
    story: list = [
        Paragraph(escape(title), ParagraphStyle("title", fontName=font, fontSize=15, leading=20)),
        Paragraph(escape(subtitle), ParagraphStyle("sub", fontName=font, fontSize=9, leading=12)),
    ]
    for name, headers, rows in sections:
        widths = [2.0] + [1.0] * (len(headers) - 1)
        data = [[Paragraph(escape(h), head) for h in headers]]
        data += [[Paragraph(escape(str(v)), cell) for v in row] for row in rows] or [
            [Paragraph("—", cell) for _h in headers]
        ]
        table = LongTable(data, colWidths=[usable * w / sum(widths) for w in widths],
                          repeatRows=1)  # fmt: skip
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3b5a")),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ]))  # fmt: skip
        story += [Paragraph(escape(name), heading), Spacer(1, 2 * mm), table]
    document.build(story)
    return buffer.getvalue()
