"""A party document renders to DOCX and PDF that say the same thing, in the party's format."""

from datetime import date
from io import BytesIO

from capuy.reports.documents import Paragraph, PartyDocument, Table, render_docx, render_pdf


def sample() -> PartyDocument:
    return PartyDocument(
        parent_body="Đảng bộ tỉnh Bắc Ninh",
        issuer="Tỉnh ủy",
        number="Số 127-BC/TU",
        place="Bắc Ninh",
        day=date(2020, 3, 25),
        kind="Báo cáo",
        summary="kết quả thực hiện Quy định 01-QĐ/TU năm 2019",
        blocks=[
            Paragraph("I. KẾT QUẢ", heading=True),
            Paragraph("Các đồng chí Tỉnh ủy viên đã có 218 lượt đi dự sinh hoạt chi bộ."),
            Table(
                header_rows=[["STT", "Cấp", "Số lượt"]],
                rows=[[1, "Tỉnh ủy viên", "218"], [2, "Cấp ủy cấp huyện và tương đương", "1.532"]],
                col_widths=[1, 6, 2],
                numeric_cols={2},
            ),
        ],
        signer_authority="T/M Ban Thường vụ",
        signer_title="Phó Bí thư",
        signer_name="Nguyễn Văn Mẫu",
        recipients=["Ban Tổ chức Trung ương", "Lưu Văn phòng Tỉnh ủy"],
    )


def test_docx_has_the_header_block_and_the_numbers():
    from docx import Document

    document = Document(BytesIO(render_docx(sample())))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "TỈNH ỦY",
        "Số 127-BC/TU",
        "Bắc Ninh, ngày 25 tháng 3 năm 2020",
        "BÁO CÁO",
        "218",
        "1.532",
        "T/M BAN THƯỜNG VỤ",
    ):
        assert expected in text
    title_run = next(p for p in document.paragraphs if p.text == "BÁO CÁO").runs[0]
    assert title_run.bold and title_run.font.size.pt == 16
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_pdf_embeds_a_vietnamese_font_and_carries_the_numbers():
    from pypdf import PdfReader

    data = render_pdf(sample())
    assert data.startswith(b"%PDF")
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Bắc Ninh, ngày 25 tháng 3 năm 2020",
        "218",
        "1.532",
        "Tỉnh ủy viên",
    ):
        assert expected in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()]
    }
    assert any("Tinos" in name for name in fonts)
