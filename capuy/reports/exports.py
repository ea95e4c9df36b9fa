"""The members-below-quota list (or any compliance filter) as an .xlsx file."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .compliance import STATUS_LABELS
from .periods import level_label


def compliance_columns() -> list[tuple[str, int]]:
    return [
        (_("STT"), 6),
        (_("Họ và tên"), 30),
        (_("Cấp"), 30),
        (_("Cấp ủy"), 40),
        (_("Định mức (lượt/năm)"), 14),
        (_("Số lượt đã dự"), 14),
        (_("Còn thiếu"), 12),
        (_("Tình trạng"), 18),
    ]


def compliance_workbook(rows: list[dict], *, title: str, subtitle: str) -> bytes:
    columns = compliance_columns()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Định mức")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle])
    sheet.append([])
    sheet.append([name for name, _width in columns])
    for index, (_name, width) in enumerate(columns, start=1):
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
