"""The review statistics (``capuy.reports.xep_loai.build_report``) as a party document (DOCX and
PDF, landscape: the statistics tables have fourteen columns) and as an XLSX workbook. Every
number comes from the report's dict; documents show them in the Vietnamese format (1.532;
12,50%), the workbook keeps them as numbers. Both are official Vietnamese texts: the dict is
built, and these run, under ``documents.party_language()``."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.utils import timezone

from capuy.core.vntext import format_date, format_number, format_percent

from .documents import Paragraph, PartyDocument, Table
from .quy_dinh_01 import issuer_of, yearly_report

SHORT_LEVELS = {"HTXSNV": "HTXSNV", "HTTNV": "HTTNV", "HTNV": "HTNV", "KHTNV": "KHTNV"}


def _n(value) -> str:
    return format_number(value or 0)


def _p(value) -> str:
    return "—" if value is None else format_percent(value)


def _not_classified_text(row: dict, data: dict) -> str:
    """Col. 5: how many are not classified and why, e.g. "12 (miễn SH 10; chưa KĐ 2)"."""
    parts = []
    for code, n in row["not_reviewed_reasons"].items():
        if n:
            parts.append(f"{data['not_reviewed_reasons'][code].lower()} {_n(n)}")
    for code, n in row["not_classified_reasons"].items():
        if n:
            parts.append(f"{data['not_classified_reasons'][code].lower()} {_n(n)}")
    total = _n(row["not_classified"])
    return f"{total} ({'; '.join(parts)})" if parts else total


def table_header(unit_label: str) -> list[list[str]]:
    levels = list(SHORT_LEVELS.values())
    return [
        [
            "STT",
            unit_label,
            "Tổng số",
            "Được đánh giá, xếp loại",
            "Chưa/không xếp loại (lý do)",
            *[f"{level} {what}" for level in levels for what in ("SL", "%")],
            "Tỷ lệ HTXSNV/ HTTNV",
        ]
    ]


def table_rows(table: dict, data: dict) -> list[list]:
    rows = []
    number = 0
    for row in table["rows"]:
        if row["indent"] == 0:
            index = ""
        else:
            number += 1
            index = number
        label = ("   " * max(row["indent"] - 1, 0)) + row["label"]
        rows.append(
            [
                index,
                label,
                _n(row["total"]),
                _n(row["classified"]),
                _not_classified_text(row, data),
                *[
                    value
                    for code in SHORT_LEVELS
                    for value in (_n(row["levels"][code]["count"]), _p(row["levels"][code]["pct"]))
                ],
                _p(row["excellent_to_good_pct"]),
            ]
        )
    return rows


def _coverage_sentence(coverage: dict, year: int) -> str:
    individuals = coverage["individuals"]
    collectives = coverage["collectives"]
    sentence = (
        f"Năm {year}, tổng số tập thể, cá nhân phải kiểm điểm là {_n(coverage['required'])}, "
        f"đã kiểm điểm {_n(coverage['reviewed'])} ({_p(coverage['reviewed_pct'])}); trong đó "
        f"tập thể {_n(collectives['reviewed'])}/{_n(collectives['required'])}, cá nhân "
        f"{_n(individuals['reviewed'])}/{_n(individuals['required'])}. "
    )
    if coverage["all_reviewed"]:
        sentence += "Không có tập thể, cá nhân nào thuộc diện phải kiểm điểm mà không kiểm điểm. "
    else:
        sentence += f"Còn {_n(coverage['not_reviewed'])} tập thể, cá nhân chưa kiểm điểm. "
    if coverage["exempt"]:
        sentence += (
            f"{_n(coverage['exempt'])} trường hợp không kiểm điểm theo quy định "
            "(miễn công tác và sinh hoạt đảng, đình chỉ sinh hoạt…). "
        )
    sentence += (
        f"{_p(coverage['linked_manifestations_pct'])} cá nhân đã kiểm điểm có liên hệ với các "
        "biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, "
        "“tự chuyển hóa” trong nội bộ."
    )
    return sentence


def _table_sentence(table: dict, data: dict) -> str:
    total = table["rows"][0]
    levels = total["levels"]
    text = (
        f"Tổng số {_n(total['total'])}; được đánh giá, xếp loại {_n(total['classified'])}. "
        f"Hoàn thành xuất sắc nhiệm vụ {_n(levels['HTXSNV']['count'])} "
        f"({_p(levels['HTXSNV']['pct'])}); hoàn thành tốt nhiệm vụ "
        f"{_n(levels['HTTNV']['count'])} ({_p(levels['HTTNV']['pct'])}); hoàn thành nhiệm vụ "
        f"{_n(levels['HTNV']['count'])} ({_p(levels['HTNV']['pct'])}); không hoàn thành nhiệm "
        f"vụ {_n(levels['KHTNV']['count'])} ({_p(levels['KHTNV']['pct'])})."
    )
    if total["excellent_to_good_pct"] is not None:
        text += (
            f" Tỷ lệ hoàn thành xuất sắc nhiệm vụ so với hoàn thành tốt nhiệm vụ: "
            f"{_p(total['excellent_to_good_pct'])}."
        )
    previous = total["previous"]
    if previous and previous["classified"]:
        text += (
            f" So với năm {data['previous_year']}: hoàn thành tốt nhiệm vụ trở lên "
            f"{_p(total['good_or_above_pct'])} (năm {data['previous_year']}: "
            f"{_p(previous['good_or_above_pct'])}); hoàn thành xuất sắc nhiệm vụ "
            f"{_p(levels['HTXSNV']['pct'])} (năm {data['previous_year']}: "
            f"{_p(previous['levels']['HTXSNV']['pct'])})."
        )
    return text


WIDTHS = [0.7, 4.2, 1.2, 1.3, 2.6, *[1.0, 1.1] * 4, 1.3]


def report_document(data: dict, org=None, *, day: date | None = None) -> PartyDocument:
    day = day or timezone.localdate()
    header = issuer_of(org)
    year = data["year"]
    blocks: list = []
    where = data["organization"]["name"] if data["organization"] else "toàn bộ phạm vi"
    rules = data["rules"]
    basis = f" theo {rules['title']}" if rules and rules.get("title") else ""
    blocks.append(
        Paragraph(
            f"{header['issuer']} báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ "
            f"chức đảng, đảng viên và tập thể, cá nhân cán bộ lãnh đạo, quản lý năm {year} "
            f"của {where}{basis} như sau:"
        )
    )
    blocks.append(Paragraph("I. CÔNG TÁC KIỂM ĐIỂM, ĐÁNH GIÁ", heading=True))
    blocks.append(Paragraph(_coverage_sentence(data["coverage"], year)))
    blocks.append(Paragraph("II. KẾT QUẢ XẾP LOẠI", heading=True))
    number = 0
    for table in data["tables"]:
        number += 1
        blocks.append(Paragraph(f"{number}. {table['title']}", heading=True))
        blocks.append(Paragraph(_table_sentence(table, data)))
        rows = table_rows(table, data)
        blocks.append(
            Table(
                title=f"Biểu {number}. Kết quả xếp loại {table['title'].lower()} năm {year}",
                header_rows=table_header("Đơn vị" if table["by_unit"] else "Chỉ tiêu"),
                rows=rows,
                col_widths=WIDTHS,
                numeric_cols={2, 3, *range(5, 14)},
                bold_rows={i for i, row in enumerate(table["rows"]) if row["indent"] == 0},
                font_size=9,
            )
        )
    comparison = [t for t in data["tables"] if t["rows"][0]["previous"]]
    if comparison:
        prev = data["previous_year"]
        blocks.append(Paragraph(f"III. SO SÁNH VỚI NĂM {prev}", heading=True))
        blocks.append(
            Table(
                title=f"Biểu {number + 1}. So sánh kết quả xếp loại năm {year} với năm {prev}",
                header_rows=[
                    [
                        "STT",
                        "Đối tượng",
                        f"Được xếp loại {prev}",
                        f"Được xếp loại {year}",
                        f"HTXSNV {prev} (%)",
                        f"HTXSNV {year} (%)",
                        f"HTTNV trở lên {prev} (%)",
                        f"HTTNV trở lên {year} (%)",
                        f"KHTNV {prev} (%)",
                        f"KHTNV {year} (%)",
                    ]
                ],
                rows=[
                    [
                        index,
                        table["title"],
                        _n(t["previous"]["classified"]),
                        _n(t["classified"]),
                        _p(t["previous"]["levels"]["HTXSNV"]["pct"]),
                        _p(t["levels"]["HTXSNV"]["pct"]),
                        _p(t["previous"]["good_or_above_pct"]),
                        _p(t["good_or_above_pct"]),
                        _p(t["previous"]["levels"]["KHTNV"]["pct"]),
                        _p(t["levels"]["KHTNV"]["pct"]),
                    ]
                    for index, (table, t) in enumerate(
                        ((table, table["rows"][0]) for table in comparison), start=1
                    )
                ],
                col_widths=[0.7, 5.0, *[1.6] * 8],
                numeric_cols=set(range(2, 10)),
                font_size=10,
            )
        )
    blocks.append(
        Paragraph(
            f"(Số liệu tổng hợp từ kết quả kiểm điểm, đánh giá, xếp loại ghi nhận trên hệ thống "
            f"đến ngày {format_date(date.fromisoformat(data['as_of']))}; tỷ lệ từng mức tính "
            f"trên số được đánh giá, xếp loại.)",
            italic=True,
        )
    )
    return yearly_report(
        org,
        day,
        header,
        summary=f"kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm {year}",
        blocks=blocks,
        landscape=True,
    )


# --- XLSX -----------------------------------------------------------------------------------


def report_xlsx(data: dict) -> bytes:
    """One sheet for the coverage lines, one per table (numbers as numbers, percentages as
    numbers 0–100), with the year before beside each row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    scope = data["organization"]["name"] if data["organization"] else "Toàn bộ phạm vi"
    prev = data["previous_year"]

    def start(ws, title: str, heading: list[str]):
        ws.append([data["title"]])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([f"{scope} — {title}"])
        ws.append([])
        ws.append(heading)
        for cell in ws[4]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions["A"].width = 6
        ws.column_dimensions["B"].width = 44
        ws.freeze_panes = "C5"

    coverage = data["coverage"]
    ws = book.active
    ws.title = "Kiểm điểm"
    start(ws, "Công tác kiểm điểm", ["STT", "Chỉ tiêu", f"Năm {data['year']}", f"Năm {prev}"])
    before = coverage["previous"] or {}
    lines = [
        ("Tổng số tập thể, cá nhân", "total"),
        ("Không kiểm điểm theo quy định", "exempt"),
        ("Phải kiểm điểm", "required"),
        ("Đã kiểm điểm", "reviewed"),
        ("Chưa kiểm điểm", "not_reviewed"),
        ("Tỷ lệ đã kiểm điểm (%)", "reviewed_pct"),
        ("Tỷ lệ cá nhân có liên hệ 27 biểu hiện (%)", "linked_manifestations_pct"),
    ]
    for index, (label, key) in enumerate(lines, start=1):
        ws.append([index, label, coverage[key], before.get(key)])
    for label, group, key in (
        ("Tập thể phải kiểm điểm", "collectives", "required"),
        ("Tập thể đã kiểm điểm", "collectives", "reviewed"),
        ("Cá nhân phải kiểm điểm", "individuals", "required"),
        ("Cá nhân đã kiểm điểm", "individuals", "reviewed"),
        ("Cá nhân có liên hệ 27 biểu hiện", "individuals", "linked_manifestations"),
    ):
        ws.append([ws.max_row - 3, label, coverage[group][key], (before.get(group) or {}).get(key)])

    reasons = [
        *[
            (f"Chưa KĐ: {label}", "not_reviewed_reasons", code)
            for code, label in data["not_reviewed_reasons"].items()
        ],
        *[
            (f"Không/chưa XL: {label}", "not_classified_reasons", code)
            for code, label in data["not_classified_reasons"].items()
        ],
    ]
    for table in data["tables"]:
        ws = book.create_sheet(table["title"][:31])
        heading = [
            "STT",
            "Đơn vị" if table["by_unit"] else "Chỉ tiêu",
            "Tổng số",
            "Đã kiểm điểm",
            "Được xếp loại",
            *[f"{code} {what}" for code in SHORT_LEVELS for what in ("SL", "%")],
            "Tỷ lệ HTXSNV/HTTNV (%)",
            "HTTNV trở lên (%)",
            *[label for label, _group, _code in reasons],
            f"{prev}: được xếp loại",
            *[f"{prev}: {code} %" for code in SHORT_LEVELS],
            f"{prev}: tỷ lệ HTXSNV/HTTNV (%)",
        ]
        start(ws, table["title"], heading)
        number = 0
        for row in table["rows"]:
            if row["indent"]:
                number += 1
            previous = row["previous"] or {}
            prev_levels = previous.get("levels") or {}
            ws.append(
                [
                    number if row["indent"] else "",
                    row["label"],
                    row["total"],
                    row["reviewed"],
                    row["classified"],
                    *[
                        value
                        for code in SHORT_LEVELS
                        for value in (row["levels"][code]["count"], row["levels"][code]["pct"])
                    ],
                    row["excellent_to_good_pct"],
                    row["good_or_above_pct"],
                    *[row[group][code] for _label, group, code in reasons],
                    previous.get("classified"),
                    *[(prev_levels.get(code) or {}).get("pct") for code in SHORT_LEVELS],
                    previous.get("excellent_to_good_pct"),
                ]
            )
            if row["indent"] == 0:
                for cell in ws[ws.max_row]:
                    cell.font = bold
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_filename(data: dict, extension: str) -> str:
    code = data["organization"]["code"] if data["organization"] else "toan-bo"
    return f"bao-cao-xep-loai-{code}-{data['year']}.{extension}"
