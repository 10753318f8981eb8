"""The written description of an evidence disc (文字说明材料, R-15), as a court checks a copy
(行政诉讼证据规定 §12, 公安机关办理行政案件程序规定 §31, 刑诉法解释 §108–115): the case, the
maker and the extractor with lines to sign, the time, place and method of extraction, where the
original carrier is kept and why it is not supplied, the number of copies, what the material is
offered to prove, a statement that nothing was edited, and per file its name, size, SHA-256,
recording facts, key content with its time segments and custody trail; a space for the seal.
Always in Chinese: it goes into the paper case file."""

import io
from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bodycam.evidence.models import ExtractedFile, Extraction
from bodycam.ledger import heads
from bodycam.ledger.models import LedgerEntry, SignedHead
from bodycam.ledger.subjects import event_label
from bodycam.lib import wallclock
from bodycam.lib.pdf import chinese_font
from bodycam.lib.words import duration_words, size_words

TIME = "%Y年%m月%d日 %H:%M:%S"
STATEMENT = (
    "本光盘所载音像记录是从本局执法音像记录管理系统集中存储中逐字节复制的原始文件完整复制件，"
    "未经任何剪接、删改、增加或者重新编码。每个文件的 SHA-256 校验值与其入库时系统记录的值一致；"
    "文件清单 manifest.sha256 经本局签名密钥（signing-key.pub.pem）签名，"
    "可按 README.txt 所述方法核验。"
)


def _person(user) -> str:
    parts = [user.full_name or user.username]
    if user.badge_number:
        parts.append(f"警号 {user.badge_number}")
    if user.unit_id:
        parts.append(user.unit.name)
    return "，".join(parts)


def _when(moment) -> str:
    return wallclock.local(moment).strftime(TIME) if moment else "—"


def _segments(item: ExtractedFile) -> str:
    if not item.key_content:
        return "—"
    return item.key_content


class _Styles:
    def __init__(self) -> None:
        font = chinese_font()
        self.title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
        self.heading = ParagraphStyle("h", fontName=font, fontSize=11.5, leading=16, spaceBefore=8)
        self.body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14)
        self.small = ParagraphStyle("s", fontName=font, fontSize=7.5, leading=9.5)


def _table(rows: list[list[str]], widths: list[float], style: ParagraphStyle) -> Table:
    data = [[Paragraph(escape(str(v)).replace("\n", "<br/>"), style) for v in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f6")),
    ]))  # fmt: skip
    return table


def _facts(extraction: Extraction, count: int, styles: _Styles) -> Table:
    case = extraction.case
    rows = [
        ["案件编号", case.number],
        ["案由", case.title or "—"],
        ["光盘编号", f"{extraction.number}（共 {extraction.copies} 份，每份内容相同）"],
        ["制作人", _person(extraction.maker)],
        ["提取人（持有人）", _person(extraction.extractor)],
        ["接收单位或人员", extraction.recipient or "—"],
        ["提取时间", _when(extraction.extracted_at)],
        ["提取地点", extraction.place],
        ["提取方法", extraction.method],
        ["原始载体存放处", extraction.original_location],
        ["未提供原始载体的原因", extraction.why_not_original],
        ["证明对象", extraction.purpose],
        ["调阅批准", f"查阅登记号 {extraction.grant.number}"],
        ["光盘内容", f"原始音像记录 {count} 个（“原始记录”文件夹），说明.pdf，监管链核验材料，"
                     "verify.py，signing-key.pub.pem，manifest.sha256 及其签名，README.txt"],
    ]  # fmt: skip
    return _table(rows, [42, 128], styles.body)


def _file_block(item: ExtractedFile, trail: list[LedgerEntry], styles: _Styles) -> list:
    recording = item.recording
    activity = recording.activity
    rows = [
        ["光盘中的文件名", f"原始记录/{item.name}"],
        ["原文件名", recording.original_name],
        ["大小", f"{size_words(recording.size)}（{recording.size} 字节）"],
        ["SHA-256", recording.sha256],
        ["录制时间", _when(recording.recorded_at)],
        ["时长", duration_words(recording.duration.total_seconds()) if recording.duration else "—"],
        ["执法人员", _person(recording.officer) if recording.officer else "未识别"],
        ["执法记录仪", recording.device.serial if recording.device else "未识别"],
        ["执法活动", f"{activity.pk} {activity.get_type_display()}" if activity else "—"],
        ["入库时间", _when(recording.ingested_at)],
        ["关键内容和相应时间段", _segments(item)],
    ]  # fmt: skip
    trail_rows = [["时间", "事项", "操作人", "序号"]] + [
        [_when(e.time), event_label(e), e.actor_name or "系统", str(e.seq)] for e in trail
    ]
    return [
        KeepTogether(
            [
                Paragraph(escape(f"文件：{item.name}"), styles.heading),
                _table(rows, [42, 128], styles.body),
            ]
        ),
        Spacer(1, 2 * mm),
        Paragraph("监管链（保管记录）：", styles.body),
        _trail_table(trail_rows, styles),
    ]


def _trail_table(rows: list[list[str]], styles: _Styles) -> Table:
    data = [[Paragraph(escape(v), styles.small) for v in row] for row in rows]
    table = Table(data, colWidths=[38 * mm, 62 * mm, 45 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
    ]))  # fmt: skip
    return table


def _signatures(styles: _Styles) -> Table:
    rows = [
        ["制作人（签名）：", "", "日期：", ""],
        ["提取人（签名）：", "", "日期：", ""],
        ["单位（盖章）：", "", "", ""],
    ]
    data = [[Paragraph(v, styles.body) for v in row] for row in rows]
    table = Table(data, colWidths=[35 * mm, 65 * mm, 20 * mm, 50 * mm],
                  rowHeights=[14 * mm, 14 * mm, 40 * mm])  # fmt: skip
    table.setStyle(TableStyle([
        ("LINEBELOW", (1, 0), (1, 1), 0.5, colors.black),
        ("LINEBELOW", (3, 0), (3, 1), 0.5, colors.black),
        ("BOX", (1, 2), (2, 2), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))  # fmt: skip
    return table


def written_description(
    extraction: Extraction,
    files: list[ExtractedFile],
    trails: dict[int, list[LedgerEntry]],
    head: SignedHead,
) -> bytes:
    """说明.pdf: A4, the Chinese font embedded (renders where no CJK font is installed)."""
    with translation.override("zh-hans"):
        return _document(extraction, files, trails, head)


def _document(extraction, files, trails, head) -> bytes:
    styles = _Styles()
    story: list = [
        Paragraph("电子证据（执法音像记录）提取说明", styles.title),
        Spacer(1, 5 * mm),
        _facts(extraction, len(files), styles),
        Paragraph("声明", styles.heading),
        Paragraph(escape(STATEMENT), styles.body),
        Paragraph("完整性校验值", styles.heading),
        Paragraph(
            escape(
                f"每个原始文件的 SHA-256 见下文。"
                f"光盘文件清单 manifest.sha256 由本局 Ed25519 密钥签名"
                f"（公钥指纹 {heads.verifier_key()}）。监管链签名树头：共 {head.tree_size} 条记录，"
                f"根哈希 {head.root_hash.hex()}，签名时间 {_when(head.signed_at)}；"
                f"各条记录的包含证明见“监管链/核验命令.txt”。"
            ),
            styles.body,
        ),
        Spacer(1, 4 * mm),
        _signatures(styles),
    ]
    for item in files:
        story += _file_block(item, trails[item.recording_id], styles)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"证据光盘 {extraction.number} 提取说明",
        author=extraction.maker.full_name or extraction.maker.username,
    )  # fmt: skip
    document.build(story, onFirstPage=_footer(extraction), onLaterPages=_footer(extraction))
    return buffer.getvalue()


def _footer(extraction: Extraction):
    def draw(canvas, document) -> None:
        canvas.setFont(chinese_font(), 8)
        canvas.drawCentredString(
            A4[0] / 2, 10 * mm, f"证据光盘 {extraction.number} · 第 {document.page} 页"
        )

    return draw


def readme(extraction: Extraction) -> str:
    """README.txt: how to check the disc with sha256sum and openssl alone, Chinese and English."""
    return f"""证据光盘 {extraction.number} · 案件 {extraction.case.number}
Evidence disc {extraction.number} · case {extraction.case.number}

一、核对文件完整性（在光盘根目录运行）
    sha256sum -c manifest.sha256
  每一行都应显示“成功”（OK）。任何一个文件被改动，都会显示“失败”（FAILED）。

二、核对清单签名（证明清单出自本局，未被替换）
    openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin \\
        -in manifest.sha256 -sigfile manifest.sha256.sig
  应显示 Signature Verified Successfully。请向本局核实 signing-key.pub.pem 的公钥与本局公布的一致。

三、（可选）核对监管链
  “监管链/核验命令.txt”中的每条命令用 verify.py（需要 Python 3 和 cryptography）证明该条保管记录
  包含在本局签名的监管链中。

原始文件在“原始记录”文件夹；“说明.pdf”是文字说明材料，可单独打印附卷。

1. Check every file (run in the disc's root folder):
    sha256sum -c manifest.sha256
   Every line must say OK; a file changed in any way says FAILED.

2. Check the manifest's signature (it comes from the bureau and was not replaced):
    openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin \\
        -in manifest.sha256 -sigfile manifest.sha256.sig
   It must print "Signature Verified Successfully". Confirm with the bureau that
   signing-key.pub.pem is the key it publishes.

3. (Optional) Check the custody ledger: each command in 监管链/核验命令.txt proves, with verify.py
   (Python 3 and the cryptography package), that a custody entry is in the bureau's signed ledger.

The originals are in the folder 原始记录; 说明.pdf is the written description, printable alone.
"""
