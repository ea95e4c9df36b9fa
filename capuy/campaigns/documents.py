"""Printed papers of a campaign: the receipt (biên lai) and the acknowledgement list.

The receipt is a small page of its own (fpdf2, the bundled Tinos font as in
``capuy.reports.documents``); the acknowledgement list is a ``PartyDocument`` so it comes out
in the party's document format like every other report.
"""

from __future__ import annotations

from django.utils import timezone

from capuy.core.vntext import format_date, format_number, format_vnd
from capuy.organizations.choices import OrgKind
from capuy.reports.documents import FONT_DIR, Paragraph, PartyDocument, Table, render_pdf

from .models import Contribution
from .selectors import Acknowledgement

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three(n: int, full: bool) -> str:
    """Read 0–999; ``full`` reads "không trăm"/"linh" as inside a longer number."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (full or hundreds):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """1500000 → "Một triệu năm trăm nghìn đồng" (the "bằng chữ" line of a receipt)."""
    if amount == 0:
        return "Không đồng"
    groups = []
    rest = amount
    while rest:
        groups.append(rest % 1000)
        rest //= 1000
    words = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words.append(_three(value, full=index != len(groups) - 1))
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def committee_name(organization) -> str:
    """The name a unit's party committee signs with (Tỉnh ủy, Huyện ủy, Đảng ủy…)."""
    if organization.kind == OrgKind.DANG_BO_TINH:
        return "Tỉnh ủy"
    if organization.kind == OrgKind.DANG_BO_HUYEN:
        for word, name in (("thành phố", "Thành ủy"), ("thị xã", "Thị ủy")):
            if word in organization.name.lower():
                return name
        return "Huyện ủy"
    if organization.kind in (OrgKind.CHI_BO_CO_SO, OrgKind.CHI_BO_TRUC_THUOC):
        return "Chi ủy"
    return "Đảng ủy"


def place_of(organization) -> str:
    """ "Đảng bộ tỉnh Bắc Ninh" → "Bắc Ninh" (the place line of a document)."""
    name = organization.name
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ huyện ", "Đảng bộ thị xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# --- receipt ------------------------------------------------------------------------------------


def render_receipt_pdf(contribution: Contribution, shares=()) -> bytes:
    """Biên lai thu tiền ủng hộ, A5 landscape; a voided receipt says so across the page."""
    from fpdf import FPDF

    campaign = contribution.campaign
    org = campaign.organization
    pdf = FPDF(orientation="L", unit="mm", format=(148, 210))  # A5
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=12)
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font("Tinos", style, str(FONT_DIR / f"Tinos-{suffix}.ttf"))
    pdf.set_title(f"Biên lai số {contribution.receipt_no}")
    pdf.set_author(org.name)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    half = width / 2

    top = pdf.get_y()
    pdf.set_font("Tinos", "", 11)
    pdf.multi_cell(half, 5, org.name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Tinos", "B", 11)
    pdf.multi_cell(half, 5, committee_name(org).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font("Tinos", "", 11)
    pdf.cell(
        half, 5, f"Số: {contribution.receipt_no:06d}", align="R", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_x(pdf.l_margin + half)
    pdf.cell(
        half,
        5,
        f"Ngày nhận: {format_date(contribution.received_on)}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)

    pdf.set_font("Tinos", "B", 16)
    pdf.cell(width, 8, "BIÊN LAI THU TIỀN ỦNG HỘ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Tinos", "I", 11)
    pdf.multi_cell(width, 5, campaign.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def line(label: str, value: str, style: str = "") -> None:
        pdf.set_font("Tinos", "", 12)
        pdf.cell(45, 7, label)
        pdf.set_font("Tinos", style, 12)
        pdf.multi_cell(width - 45, 7, value, new_x="LMARGIN", new_y="NEXT")

    line("Phát động:", campaign.launched_by)
    line("Nhận của:", contribution.contributor_name, "B")
    if contribution.member_id:
        line("Sinh hoạt tại:", contribution.organization.name)
    line("Số tiền:", format_vnd(contribution.amount), "B")
    line("Bằng chữ:", amount_in_words(contribution.amount), "I")
    if shares:
        listed = "; ".join(
            share.member_name + (f" ({format_vnd(share.amount)})" if share.amount else "")
            for share in shares
        )
        line("Nộp thay cho:", listed)
    if contribution.note:
        line("Ghi chú:", contribution.note)
    pdf.ln(4)

    signer_top = pdf.get_y()
    pdf.set_font("Tinos", "B", 12)
    pdf.cell(half, 6, "Người nộp tiền", align="C")
    pdf.cell(half, 6, "Người thu tiền", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Tinos", "I", 10)
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C")
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    if contribution.recorded_by_id:
        recorder = contribution.recorded_by
        pdf.set_xy(pdf.l_margin + half, signer_top + 26)
        pdf.set_font("Tinos", "", 11)
        pdf.cell(half, 5, recorder.get_full_name() or recorder.get_username(), align="C")

    if not contribution.is_valid:
        with pdf.rotation(20, x=pdf.w / 2, y=pdf.h / 2):
            pdf.set_text_color(200, 0, 0)
            pdf.set_font("Tinos", "B", 40)
            pdf.set_xy(0, pdf.h / 2 - 10)
            pdf.cell(pdf.w, 20, "ĐÃ HỦY", align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, pdf.h - 20)
        pdf.set_font("Tinos", "I", 10)
        pdf.multi_cell(width, 5, f"Lý do hủy: {contribution.void_reason}")
    return bytes(pdf.output())


# --- acknowledgement list -------------------------------------------------------------------------


def acknowledgement_document(ack: Acknowledgement) -> PartyDocument:
    campaign, node = ack.campaign, ack.node
    org = campaign.organization
    blocks: list[Paragraph | Table] = [
        Paragraph(
            f"Hưởng ứng cuộc vận động {campaign.title} do {campaign.launched_by} phát động, "
            f"các tập thể, cá nhân thuộc {node.name} đã ủng hộ tổng số "
            f"{format_vnd(ack.total)} ({amount_in_words(ack.total).lower()}), cụ thể như sau:"
        )
    ]
    if ack.units:
        blocks.append(
            Table(
                title="I. CÁC TẬP THỂ",
                header_rows=[["STT", "Đơn vị", "Số tiền (đồng)"]],
                rows=[
                    [index, line.name, format_number(line.amount)]
                    for index, line in enumerate(ack.units, start=1)
                ],
                col_widths=[1, 7, 3],
                numeric_cols={0, 2},
            )
        )
    if ack.members:
        blocks.append(
            Table(
                title="II. CÁC CÁ NHÂN" if ack.units else "CÁC CÁ NHÂN",
                header_rows=[["STT", "Họ và tên", "Số tiền (đồng)", "Ghi chú"]],
                rows=[
                    [
                        index,
                        line.name,
                        format_number(line.amount) if line.amount else "",
                        f"Nộp qua {line.via}" if line.via else "",
                    ]
                    for index, line in enumerate(ack.members, start=1)
                ],
                col_widths=[1, 5, 3, 4],
                numeric_cols={0, 2},
            )
        )
    blocks.append(
        Paragraph(
            "Số tiền các đồng chí nộp qua đơn vị đã tính trong số tiền của đơn vị đó, "
            "không cộng thêm vào tổng.",
            italic=True,
        )
    )
    return PartyDocument(
        parent_body=org.name,
        issuer=committee_name(org),
        number="",
        place=place_of(org),
        day=timezone.localdate(),
        kind="Danh sách",
        summary=f"các tập thể, cá nhân ủng hộ {campaign.title}",
        blocks=blocks,
        signer_authority=f"T/M {committee_name(org)}",
        signer_title="",
        signer_name="",
    )


def render_acknowledgement_pdf(ack: Acknowledgement) -> bytes:
    return render_pdf(acknowledgement_document(ack))
