"""The members-below-quota list (or any compliance filter) as an .xlsx file."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .compliance import STATUS_LABELS
from .periods import level_label

COLUMNS = (
    ("STT", 6),
    ("Họ và tên", 30),
    ("Cấp", 30),
    ("Cấp ủy", 40),
    ("Định mức (lượt/năm)", 14),
    ("Số lượt đã dự", 14),
    ("Còn thiếu", 12),
    ("Tình trạng", 18),
)


def compliance_workbook(rows: list[dict], *, title: str, subtitle: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Định mức"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle])
    sheet.append([])
    sheet.append([name for name, _width in COLUMNS])
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.cell(row=4, column=index).font = Font(bold=True)
        sheet.cell(row=4, column=index).alignment = Alignment(wrap_text=True)
        sheet.column_dimensions[sheet.cell(row=4, column=index).column_letter].width = width
    sheet.freeze_panes = "A5"
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                row["member__full_name"],
                level_label(row["level"]),
                row["seat_org_name"],
                row["quota"],
                row["attendances"],
                row["missing"],
                str(STATUS_LABELS[row["status"]]),
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
