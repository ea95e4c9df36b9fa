"""Files of a plan: the Excel workbook and the iCalendar (ICS) calendars."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from capuy.core.vntext import format_date, format_percent

from .choices import PlanStatus, SolverStatus
from .models import RotationAssignment, RotationPlan
from .selectors import leader_loads, plan_assignments, plan_cells

BOLD = Font(bold=True)


def _sheet(book, title: str, header: list[str], rows: Iterable[list], widths: list[int]):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(row)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def result_label(plan: RotationPlan) -> str:
    if plan.solver_status == SolverStatus.OPTIMAL:
        return _("Tối ưu")
    if plan.solver_status == SolverStatus.FEASIBLE and plan.gap is not None:
        return _("Khả thi, cách cận dưới %(gap)s") % {"gap": format_percent(plan.gap * 100, 2)}
    if plan.solver_status:
        return str(SolverStatus(plan.solver_status).label)
    return _("Chưa giải")


def plan_workbook(plan: RotationPlan) -> bytes:
    """Bốn trang: phân công (with the reasons), tải theo đồng chí, chi bộ, thông tin kế hoạch."""
    book = Workbook()
    book.remove(book.active)
    assignments = list(plan_assignments(plan))
    yes = _("Có")
    sheet = _sheet(
        book,
        _("Phân công"),
        [
            _("STT"),
            _("Ngày"),
            _("Đồng chí"),
            _("Chi bộ"),
            _("Ưu tiên"),
            _("Trọng số"),
            _("Ghim"),
            _("Lý do"),
        ],
        (
            [
                i,
                row.date,
                row.leader.member.full_name,
                row.cell.cell.name,
                yes if row.cell.priority else "",
                row.cell.weight,
                yes if row.pinned else "",
                row.explanation,
            ]
            for i, row in enumerate(assignments, start=1)
        ),
        [6, 12, 26, 34, 9, 9, 7, 120],
    )
    for cell in sheet["B"][1:]:
        cell.number_format = "DD/MM/YYYY"
    for cell in sheet["H"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _sheet(
        book,
        _("Tải theo đồng chí"),
        [
            _("Đồng chí"),
            _("Số lượt"),
            _("Mức cân bằng"),
            _("Tối thiểu phải dự"),
            _("Còn thiếu phải bù"),
            _("Ghim"),
        ],
        (
            [r.leader.member.full_name, r.load, r.target, r.required, r.leader.shortfall, r.pinned]
            for r in leader_loads(plan)
        ),
        [28, 10, 14, 18, 18, 8],
    )
    _sheet(
        book,
        _("Chi bộ"),
        [_("Chi bộ"), _("Mã"), _("Ưu tiên"), _("Lý do ưu tiên"), _("Trọng số"), _("Số lượt dự")],
        (
            [c.cell.name, c.cell.code, yes if c.priority else "", c.reason, c.weight, c.visits]
            for c in plan_cells(plan)
        ),
        [34, 16, 9, 30, 10, 12],
    )
    summary = plan.summary or {}
    info = [
        [_("Kế hoạch"), plan.name],
        [_("Cấp ủy lập"), plan.organization.name],
        [_("Kỳ"), f"{format_date(plan.period_start)} – {format_date(plan.period_end)}"],
        [_("Tình trạng"), str(PlanStatus(plan.status).label)],
        [_("Kết quả giải"), result_label(plan)],
        [_("Giá trị mục tiêu"), plan.objective],
        [_("Cận dưới đã chứng minh"), plan.best_bound],
        [_("Mục tiêu của phương án tham lam"), plan.greedy_objective],
        [_("Thời gian giải (giây)"), plan.wall_time],
        [_("Số buổi tối đa/tháng (K)"), plan.max_per_month],
        [_("Không dự lại cùng chi bộ trong (tháng) (M)"), plan.min_months_between],
        [_("Mỗi chi bộ ưu tiên có ít nhất một lượt"), yes if plan.cover_priority else _("Không")],
        [_("Số lượt tối thiểu mỗi đồng chí"), plan.min_per_leader],
        [_("Buổi sinh hoạt trong kỳ"), summary.get("slots")],
        [_("Buổi rơi vào ngày lễ (không bố trí)"), summary.get("holiday_slots")],
        [_("Xuất lúc"), timezone.localtime().strftime("%H:%M %d/%m/%Y")],
    ]
    _sheet(book, _("Thông tin"), [_("Mục"), _("Giá trị")], info, [44, 60])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _event(row: RotationAssignment, *, confirmed: bool) -> Event:
    event = Event()
    event.add("uid", f"luan-phien-{row.pk}@capuy")
    event.add("summary", _("Dự sinh hoạt %(cell)s") % {"cell": row.cell.cell.name})
    event.add("dtstart", row.date)
    event.add("dtend", row.date + timedelta(days=1))
    event.add("dtstamp", timezone.now())
    if row.meeting.place:
        event.add("location", row.meeting.place)
    event.add("description", row.explanation)
    event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
    event.add("transp", "OPAQUE")
    return event


def calendar_bytes(rows: Iterable[RotationAssignment], *, name: str) -> bytes:
    """An iCalendar file with one all-day event per assignment (meetings have no hour)."""
    cal = Calendar()
    cal.add("prodid", "-//capuy//Luan phien du sinh hoat chi bo//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for row in rows:
        cal.add_component(_event(row, confirmed=row.plan.status == PlanStatus.ADOPTED))
    return cal.to_ical()
