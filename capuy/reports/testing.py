"""Row builders for tests of concerns, compliance and the yearly report.

They write rows directly (the meetings app's services are tested there); the rows carry the
same stored copies (level, date, cell path) the services would write.
"""

from __future__ import annotations

from datetime import date

from capuy.meetings.choices import (
    AttendanceStatus,
    Confirmation,
    EnteredBy,
    MeetingKind,
    MeetingStatus,
)
from capuy.meetings.models import Attendance, AttendanceQuota, AttendanceRule, CellMeeting


def meeting_in(cell, day: date, *, status: str = MeetingStatus.HELD, kind=MeetingKind.THUONG_KY):
    return CellMeeting.objects.create(cell=cell, date=day, status=status, kind=kind)


def attendance_at(
    meeting: CellMeeting,
    seat,
    *,
    status: str = AttendanceStatus.RECORDED,
    confirmation: str = Confirmation.CONFIRMED,
    entered_via: str = EnteredBy.OFFICE,
) -> Attendance:
    return Attendance.objects.create(
        meeting=meeting,
        member_id=seat.member_id,
        seat=seat,
        level=seat.committee.level,
        date=meeting.date,
        cell_path=meeting.cell.path,
        status=status,
        confirmation=confirmation,
        entered_via=entered_via,
        dispute_reason="không có mặt" if confirmation == Confirmation.DISPUTED else "",
    )


def rule_for(org, quotas: dict[str, int] | None = None, **fields) -> AttendanceRule:
    """The regulation 01-QĐ/TU at ``org`` with the Kon Tum pattern quotas (2/6/6)."""
    values = {
        "number": "01-QĐ/TU",
        "title": "về việc cấp ủy viên đi công tác cơ sở và dự sinh hoạt chi bộ",
        "issued_on": date(2011, 6, 30),
        "issuing_body": "Ban Thường vụ Tỉnh ủy",
        "effective_from": date(2011, 6, 30),
        **fields,
    }
    rule = AttendanceRule.objects.create(organization=org, **values)
    for level, minimum in (quotas or {"tinh": 2, "huyen": 6, "xa": 6}).items():
        AttendanceQuota.objects.create(rule=rule, level=level, min_attendances=minimum)
    return rule
