"""Official documents in the party's format (thể thức văn bản của Đảng, HD 36-HD/VPTW).

One description of a document (``PartyDocument``) renders to DOCX (python-docx) and to PDF
(fpdf2 with the bundled Tinos font, metric-compatible with Times New Roman and complete for
Vietnamese), so the two files always say the same thing. Layout, per domain.md §12:

    ĐẢNG BỘ TỈNH BẮC NINH (14, upright)        ĐẢNG CỘNG SẢN VIỆT NAM (15, bold, ruled)
    TỈNH ỦY (14, bold)
    *                                           Bắc Ninh, ngày 25 tháng 3 năm 2020 (14, italic)
    Số 127-BC/TU
                              BÁO CÁO (16, bold)
               trích yếu (14, bold)
    body (14, justified)
    Nơi nhận: …                                 T/M BAN THƯỜNG VỤ / chức vụ / họ tên
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path

from django.utils import translation

from capuy.core.vntext import format_date_long

# Party documents (and the statistics workbooks that go with them) are official Vietnamese
# texts: their figures are built and rendered in Vietnamese whatever the reader's language.
PARTY_LANGUAGE = "vi"


def party_language():
    """The context a party document, or its workbook, is built and rendered in."""
    return translation.override(PARTY_LANGUAGE)


FONT_DIR = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font with fontTools, which logs every table at INFO: not worth a line.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    heading: bool = False
    indent: bool = True


@dataclass
class Table:
    """A statistics table. ``header_rows`` may hold one or two rows of column titles."""

    header_rows: list[list[str]]
    rows: list[list]
    col_widths: list[float] | None = None  # relative widths
    numeric_cols: set[int] = field(default_factory=set)
    title: str = ""
    bold_rows: set[int] = field(default_factory=set)
    font_size: float = 11


@dataclass
class PartyDocument:
    parent_body: str
    issuer: str
    number: str
    place: str
    day: date
    kind: str
    summary: str
    blocks: list[Paragraph | Table] = field(default_factory=list)
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    landscape: bool = False

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {format_date_long(self.day)}"

    def plain_text(self) -> str:
        """Everything the document says, for search and for tests."""
        parts = [
            self.parent_body,
            self.issuer,
            self.number,
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            self.place_and_date,
            self.kind,
            self.summary,
        ]
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                parts.append(block.title)
                parts.extend(
                    " | ".join(str(c) for c in row) for row in block.header_rows + block.rows
                )
        parts += [self.signer_authority, self.signer_title, self.signer_name]
        return "\n".join(p for p in parts if p)


def _cell(value) -> str:
    return "" if value is None else str(value)


# --- DOCX -----------------------------------------------------------------------------------


def render_docx(doc: PartyDocument) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)

    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)

    def para(
        container,
        text,
        *,
        size=14,
        bold=False,
        italic=False,
        underline=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    ):
        paragraph = container.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic, run.underline = Pt(size), bold, italic, underline
        return paragraph

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    para(left, doc.parent_body.upper())
    para(left, doc.issuer.upper(), bold=True)
    para(left, "*")
    para(left, doc.number)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
    para(right, "")
    para(right, doc.place_and_date, italic=True)

    para(document, "")
    para(document, doc.kind.upper(), size=16, bold=True)
    para(document, doc.summary, bold=True)
    para(document, "")

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            paragraph = para(
                document,
                block.text,
                bold=block.bold or block.heading,
                italic=block.italic,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            )
            if block.indent and not block.heading:
                paragraph.paragraph_format.first_line_indent = Mm(10)
            paragraph.paragraph_format.space_after = Pt(6)
            continue
        if block.title:
            para(document, block.title, bold=True)
        ncols = max(len(r) for r in block.header_rows + block.rows)
        table = document.add_table(rows=0, cols=ncols)
        table.style = "Table Grid"
        for index, row in enumerate(block.header_rows + block.rows):
            is_header = index < len(block.header_rows)
            cells = table.add_row().cells
            for col, value in enumerate(row):
                cell_paragraph = cells[col].paragraphs[0]
                cell_paragraph.alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER
                    if is_header
                    else WD_ALIGN_PARAGRAPH.RIGHT
                    if col in block.numeric_cols
                    else WD_ALIGN_PARAGRAPH.LEFT
                )
                run = cell_paragraph.add_run(_cell(value))
                run.font.size = Pt(block.font_size)
                run.bold = is_header or (index - len(block.header_rows)) in block.bold_rows
        para(document, "")

    footer = document.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    if doc.recipients:
        para(left, "Nơi nhận:", size=12, bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for recipient in doc.recipients:
            para(left, f"- {recipient},", size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(right, doc.signer_authority.upper(), bold=True)
    para(right, doc.signer_title.upper(), bold=True)
    for _blank in range(3):
        para(right, "")
    para(right, doc.signer_name, bold=True)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def _pdf(doc: PartyDocument):
    from fpdf import FPDF

    pdf = FPDF(orientation="L" if doc.landscape else "P", unit="mm", format="A4")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font("Tinos", style, str(FONT_DIR / f"Tinos-{suffix}.ttf"))
    pdf.set_title(f"{doc.kind} {doc.summary}")
    pdf.set_author(doc.issuer)
    pdf.add_page()
    return pdf


def render_pdf(doc: PartyDocument) -> bytes:
    pdf = _pdf(doc)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    half = width / 2 - 2
    top = pdf.get_y()

    def line(text, *, style="", size=14, w=half, align="C", x=None):
        if x is not None:
            pdf.set_x(x)
        pdf.set_font("Tinos", style, size)
        pdf.multi_cell(w, size * 0.45, text, align=align, new_x="LMARGIN", new_y="NEXT")

    line(doc.parent_body.upper())
    line(doc.issuer.upper(), style="B")
    line("*")
    line(doc.number)
    left_bottom = pdf.get_y()
    pdf.set_y(top)
    right_x = pdf.l_margin + width / 2 + 2
    line("ĐẢNG CỘNG SẢN VIỆT NAM", style="B", size=15, x=right_x)
    rule_y = pdf.get_y()
    pdf.set_font("Tinos", "B", 15)
    rule = pdf.get_string_width("ĐẢNG CỘNG SẢN VIỆT NAM")
    pdf.line(right_x + (half - rule) / 2, rule_y, right_x + (half + rule) / 2, rule_y)
    pdf.ln(4)
    line(doc.place_and_date, style="I", x=right_x)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    line(doc.kind.upper(), style="B", size=16, w=width)
    line(doc.summary, style="B", w=width)
    pdf.ln(4)

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            style = ("B" if block.bold or block.heading else "") + ("I" if block.italic else "")
            pdf.set_font("Tinos", style, 14)
            text = ("          " if block.indent and not block.heading else "") + block.text
            pdf.multi_cell(width, 6.5, text, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
            continue
        if block.title:
            line(block.title, style="B", w=width)
            pdf.ln(1)
        ncols = max(len(r) for r in block.header_rows + block.rows)
        widths = block.col_widths or [1] * ncols
        pdf.set_font("Tinos", "", block.font_size)
        aligns = tuple("R" if col in block.numeric_cols else "L" for col in range(ncols))
        with pdf.table(
            col_widths=widths,
            width=width,
            text_align=aligns,
            line_height=block.font_size * 0.5,
            num_heading_rows=len(block.header_rows),
            first_row_as_headings=True,
        ) as table:
            for index, row in enumerate(block.header_rows + block.rows):
                is_bold = (
                    index >= len(block.header_rows)
                    and (index - len(block.header_rows)) in block.bold_rows
                )
                pdf_row = table.row()
                for col, value in enumerate(row):
                    if index < len(block.header_rows):
                        pdf_row.cell(_cell(value), align="C")
                    elif is_bold:
                        from fpdf.fonts import FontFace

                        pdf_row.cell(
                            _cell(value), style=FontFace(emphasis="BOLD"), align=aligns[col]
                        )
                    else:
                        pdf_row.cell(_cell(value))
        pdf.ln(3)

    pdf.ln(4)
    top = pdf.get_y()
    if top > pdf.h - 70:
        pdf.add_page()
        top = pdf.get_y()
    if doc.recipients:
        pdf.set_font("Tinos", "BU", 12)
        pdf.cell(half, 5, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Tinos", "", 12)
        for recipient in doc.recipients:
            pdf.multi_cell(half, 5, f"- {recipient},", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top)
    line(doc.signer_authority.upper(), style="B", x=right_x)
    line(doc.signer_title.upper(), style="B", x=right_x)
    pdf.ln(22)
    line(doc.signer_name, style="B", x=right_x)
    return bytes(pdf.output())
