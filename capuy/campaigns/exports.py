"""A campaign as an .xlsx workbook: totals per node, contributions, pledges (write-only mode,
rows streamed with ``iterator()``, so memory stays flat whatever the number of receipts)."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .choices import ContributionStatus, ContributorKind, PledgeStatus
from .selectors import Rollup

DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "#,##0"


def _sheet(workbook: Workbook, title: str, header: list[str], widths: list[int]):
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, label)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _money(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = MONEY_FORMAT
    return cell


def _day(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = DATE_FORMAT
    return cell


def write_campaign_workbook(rollup: Rollup, contributions, pledges, out: IO[bytes]) -> int:
    """Write the three sheets; return the number of contribution rows written."""
    kinds = {key: str(label) for key, label in ContributorKind.choices}
    statuses = {key: str(label) for key, label in ContributionStatus.choices}
    pledge_statuses = {key: str(label) for key, label in PledgeStatus.choices}
    workbook = Workbook(write_only=True)

    totals = _sheet(
        workbook,
        _("Tổng hợp"),
        [_("Đơn vị"), _("Đăng ký"), _("Đã nhận"), _("Còn phải nộp"), _("Số biên lai")],
        [48, 16, 16, 16, 12],
    )
    for row in rollup.rows:
        name = row.organization.name if row.organization else row.path
        if row.direct:
            name = str(_("%(name)s (trực tiếp)") % {"name": name})
        t = row.totals
        totals.append(
            [
                name,
                _money(totals, t.pledged),
                _money(totals, t.received),
                _money(totals, t.outstanding),
                t.contributions,
            ]
        )
    t = rollup.total
    bold = WriteOnlyCell(totals, _("Tổng cộng: %(name)s") % {"name": rollup.node.name})
    bold.font = Font(bold=True)
    totals.append(
        [
            bold,
            _money(totals, t.pledged),
            _money(totals, t.received),
            _money(totals, t.outstanding),
            t.contributions,
        ]
    )

    sheet = _sheet(
        workbook,
        _("Đóng góp"),
        [
            _("Số biên lai"),
            _("Ngày nhận"),
            _("Người/đơn vị ủng hộ"),
            _("Đối tượng"),
            _("Đơn vị"),
            _("Số tiền (đồng)"),
            _("Tình trạng"),
            _("Số đảng viên được nộp thay"),
            _("Ghi chú"),
        ],
        [11, 12, 36, 16, 40, 16, 11, 12, 40],
    )
    written = 0
    for c in contributions.iterator(chunk_size=2000):
        note = c.note if c.status == ContributionStatus.VALID else f"{c.note} {c.void_reason}"
        sheet.append(
            [
                c.receipt_no,
                _day(sheet, c.received_on),
                c.contributor_name,
                kinds.get(c.kind, c.kind),
                c.organization.name,
                _money(sheet, c.amount),
                statuses.get(c.status, c.status),
                getattr(c, "covered", 0),
                note.strip(),
            ]
        )
        written += 1

    pledge_sheet = _sheet(
        workbook,
        _("Đăng ký"),
        [
            _("Ngày đăng ký"),
            _("Người/đơn vị đăng ký"),
            _("Đơn vị"),
            _("Đăng ký (đồng)"),
            _("Đã nộp (đồng)"),
            _("Tình trạng"),
        ],
        [12, 36, 40, 16, 16, 14],
    )
    for p in pledges.iterator(chunk_size=2000):
        pledge_sheet.append(
            [
                _day(pledge_sheet, p.pledged_on),
                p.contributor_name,
                p.organization.name,
                _money(pledge_sheet, p.amount),
                _money(pledge_sheet, p.received),
                pledge_statuses.get(p.status, p.status),
            ]
        )
    workbook.save(out)
    return written
