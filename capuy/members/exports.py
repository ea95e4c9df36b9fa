"""The member list as an .xlsx file, streamed with openpyxl's write-only mode.

Rows are read with ``iterator()`` and written one at a time, so memory stays flat whatever the
scope; a sheet holds at most ``SHEET_ROWS`` members (Excel's limit is 1.048.576 rows) and the
list continues on the next sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .choices import Gender, MemberStatus

SHEET_ROWS = 1_000_000
PROGRESS_EVERY = 500
DATE_FORMAT = "DD/MM/YYYY"
WIDTHS = (7, 32, 13, 10, 14, 15, 15, 12, 40)


def member_columns() -> list[str]:
    return [
        _("STT"),
        _("Họ và tên"),
        _("Ngày sinh"),
        _("Giới tính"),
        _("Số thẻ"),
        _("Ngày vào Đảng"),
        _("Ngày chính thức"),
        _("Trạng thái"),
        _("Chi bộ"),
    ]


def _new_sheet(workbook: Workbook, number: int):
    title = _("Đảng viên") if number == 1 else _("Đảng viên (%(n)s)") % {"n": number}
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label in member_columns():
        cell = WriteOnlyCell(sheet, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def write_member_workbook(
    members,
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
    every: int = PROGRESS_EVERY,
) -> int:
    """Write ``members`` (an ordered queryset with ``cell`` selected) to ``out``; return the
    number of rows written. ``progress(done)`` is called every ``every`` rows."""
    genders = dict(Gender.choices)
    statuses = dict(MemberStatus.choices)
    workbook = Workbook(write_only=True)
    sheet_number = 1
    sheet = _new_sheet(workbook, sheet_number)
    written = 0
    for member in members.iterator(chunk_size=2000):
        if written and written % SHEET_ROWS == 0:
            sheet_number += 1
            sheet = _new_sheet(workbook, sheet_number)
        written += 1
        sheet.append(
            [
                written,
                member.full_name,
                _date_cell(sheet, member.birth_date),
                str(genders.get(member.gender, member.gender)),
                member.card_number or "",
                _date_cell(sheet, member.admitted_on),
                _date_cell(sheet, member.official_on),
                str(statuses.get(member.status, member.status)),
                member.cell.name,
            ]
        )
        if progress is not None and written % every == 0:
            progress(written)
    workbook.save(out)
    if progress is not None:
        progress(written)
    return written
