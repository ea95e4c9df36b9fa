"""Row builders for tests of concerns, compliance and the yearly report.

They write rows directly (the meetings app's services are tested there); the rows carry the
same stored copies (level, date, cell path) the services would write.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class Figures:
    """Rows of 2019 on top of the persona world (capuy.core.testing.build_world):

    * 01-QĐ/TU at the province (2/6/6);
    * Lê Minh Tuấn (Tỉnh ủy viên, world.seat) at the other cell on 05/03 and 05/06/2019, and
      planned there on 05/12/2019;
    * Trần Thị Lan (Ủy viên BCH Đảng bộ huyện An Bình) at the world's cell on 05/03/2019;
    * the outside cell (other district) never visited;
    * flags: xã An Phú "khó khăn" (visited), huyện Bình Yên "phức tạp" (not visited);
    * concerns at 05/03 in the other cell: one resolved on the spot, one forwarded due
      01/04/2019 (overdue), and one at the world's cell resolved;
    * a field visit by Lan.
    """

    world: object
    rule: AttendanceRule
    lan_seat: object
    meetings: dict
    concerns: dict


def build_figures(world) -> Figures:
    from capuy.committees.choices import CommitteeKind, SeatRole
    from capuy.committees.models import Committee, Seat, Term
    from capuy.concerns.choices import ConcernStatus
    from capuy.concerns.models import Concern, ConcernEvent
    from capuy.concerns.services import ensure_default_categories
    from capuy.meetings.models import FieldVisit
    from capuy.organizations.choices import FlagKind
    from capuy.organizations.models import OrganizationFlag

    rule = rule_for(world.province)
    term = Term.objects.create(
        organization=world.district, name="XX", start_on=date(2015, 6, 1), end_on=date(2020, 6, 1)
    )
    committee = Committee.objects.create(term=term, kind=CommitteeKind.BCH)
    lan_seat = Seat.objects.create(
        committee=committee,
        member=world.members["lan"],
        role=SeatRole.UY_VIEN_BCH,
        start_on=date(2015, 6, 1),
        end_on=date(2020, 6, 1),
    )
    march = meeting_in(world.other_cell, date(2019, 3, 5))
    june = meeting_in(world.other_cell, date(2019, 6, 5))
    december = meeting_in(world.other_cell, date(2019, 12, 5), status=MeetingStatus.SCHEDULED)
    home = meeting_in(world.cell, date(2019, 3, 5))
    attendance_at(march, world.seat)
    attendance_at(june, world.seat)
    attendance_at(december, world.seat, status=AttendanceStatus.PLANNED)
    attendance_at(home, lan_seat, confirmation=Confirmation.PENDING)
    OrganizationFlag.objects.create(
        organization=world.grassroots, kind=FlagKind.KHO_KHAN, valid_from=date(2018, 1, 1)
    )
    OrganizationFlag.objects.create(
        organization=world.other_district, kind=FlagKind.PHUC_TAP, valid_from=date(2019, 1, 1)
    )
    categories = {c.code: c for c in ensure_default_categories()}
    S = ConcernStatus
    specs = {
        "on_spot": (march, S.GIAI_QUYET_TAI_CHO, {"answer": "Đã giải thích"}, "Hỏi về chính sách"),
        "forwarded": (
            march,
            S.CHUYEN_CO_QUAN,
            {"agency": "UBND xã An Phú", "due_on": date(2019, 4, 1)},
            "Đường liên thôn xuống cấp",
        ),
        "resolved": (home, S.DA_GIAI_QUYET, {"answer": "Đã sửa"}, "Thiếu đèn đường"),
    }
    concerns = {}
    for key, (meeting, status, extra, summary) in specs.items():
        concern = Concern.objects.create(
            meeting=meeting,
            cell_path=meeting.cell.path,
            raised_on=meeting.date,
            received_by_id=world.members["tuan"].pk if meeting != home else world.members["lan"].pk,
            category=categories["ha_tang"],
            summary=summary,
            status=status,
            resolved_on=meeting.date if status != S.CHUYEN_CO_QUAN else None,
            **extra,
        )
        ConcernEvent.objects.create(concern=concern, from_status="", to_status=status)
        concerns[key] = concern
    FieldVisit.objects.create(
        member=world.members["lan"],
        seat=lan_seat,
        level="huyen",
        organization=world.grassroots,
        org_path=world.grassroots.path,
        date=date(2019, 9, 9),
        purpose="Kiểm tra cơ sở",
    )
    return Figures(
        world,
        rule,
        lan_seat,
        {"march": march, "june": june, "december": december, "home": home},
        concerns,
    )
