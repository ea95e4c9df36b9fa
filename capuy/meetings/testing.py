"""Builders for tests of meetings and attendance (and rows for the scope sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.core.testing import World, member_in
from capuy.organizations.choices import SeatLevel

from .choices import AttendanceStatus, Confirmation, EnteredBy, MeetingStatus
from .models import (
    Attendance,
    AttendanceQuota,
    AttendanceRule,
    CellMeeting,
    FieldVisit,
    MeetingSchedule,
)


def committee_of(organization, *, term_name: str = "T", start: date = date(2015, 1, 1), kind=CommitteeKind.BCH):
    term, _ = Term.objects.get_or_create(
        organization=organization, name=term_name, defaults={"start_on": start}
    )
    committee, _ = Committee.objects.get_or_create(term=term, kind=kind)
    return committee


def seat_for(member, organization, *, start=date(2015, 1, 1), end=None, role=SeatRole.UY_VIEN_BCH, kind=CommitteeKind.BCH, note=""):
    return Seat.objects.create(
        committee=committee_of(organization, kind=kind),
        member=member,
        role=role,
        start_on=start,
        end_on=end,
        note=note,
    )


def rule_at(organization, *, number="01-QĐ/TU", outside=True, start=date(2011, 6, 30), end=None, quotas=None):
    rule = AttendanceRule.objects.create(
        organization=organization,
        number=number,
        title="Quy định về cấp ủy viên dự sinh hoạt chi bộ",
        issued_on=start,
        issuing_body="Ban Thường vụ Tỉnh ủy",
        effective_from=start,
        effective_to=end,
        must_attend_outside_own_cell=outside,
    )
    for level, minimum in (quotas or {SeatLevel.TINH: 2, SeatLevel.HUYEN: 6, SeatLevel.XA: 6}).items():
        AttendanceQuota.objects.create(rule=rule, level=level, min_attendances=minimum)
    return rule


def meeting_at(cell, day: date, **extra) -> CellMeeting:
    return CellMeeting.objects.create(cell=cell, date=day, **extra)


@dataclass
class Grassroots:
    """The persona world plus upper-level committee members and a regulation.

    * Trần Minh Tuấn (cell outside_cell, district H02) — Ủy viên BCH Đảng bộ tỉnh since 2015;
    * Phạm Văn Bình (other_cell) — Ủy viên BCH Đảng bộ huyện H01 since 2015, and Ủy viên BCH
      Đảng bộ tỉnh from 01/01/2019;
    * Lê Minh Tuấn (world.cell, the secretary's cell) — the world's provincial seat;
    * 01-QĐ/TU at the province since 30/06/2011: attend outside one's own cell, 2/6/6.
    """

    world: World
    tuan: object
    binh: object
    tuan_seat: Seat
    binh_district_seat: Seat
    binh_province_seat: Seat
    rule: AttendanceRule


def build_grassroots(world: World) -> Grassroots:
    tuan = member_in(world.outside_cell, "Trần", "Minh", "Tuấn", birth_date=date(1968, 8, 12), card_number="01234567")
    binh = member_in(world.other_cell, "Phạm", "Văn", "Bình", birth_date=date(1972, 2, 3), card_number="07654321")
    tuan_seat = seat_for(tuan, world.province)
    binh_district = seat_for(binh, world.district)
    binh_province = seat_for(binh, world.province, start=date(2019, 1, 1))
    rule = rule_at(world.province)
    return Grassroots(world, tuan, binh, tuan_seat, binh_district, binh_province, rule)


def add_sweep_rows(world: World, far_cell, far_member) -> None:
    """Rows of every meetings model inside and outside each persona's scope (the route sweep).

    Attendances are by members each persona may see where the attendance is, so a list never
    shows a name the persona may not see (cells: C01 — the secretary's; C02; H02's cell; the
    far province's cell).
    """
    tuan = world.members["tuan"]
    hung_outside = world.members["hung_outside"]
    outside_seat = Seat.objects.filter(member=hung_outside).first() or seat_for(
        hung_outside, world.other_district
    )
    far_seat = Seat.objects.filter(member=far_member).first() or seat_for(
        far_member, far_cell.get_parent()
    )
    rule_at(world.province, number="01-QĐ/TU T01")
    rule_at(far_cell.get_parent(), number="02-QĐ/TU T02")
    rule_at(world.district, number="03-QĐ/HU H01", start=date(2016, 1, 1))
    rows = [
        (world.other_cell, tuan, world.seat, "C02"),
        (world.outside_cell, hung_outside, outside_seat, "H02"),
        (far_cell, far_member, far_seat, "T02"),
        (world.cell, tuan, world.seat, "C01"),
    ]
    for cell, member, seat, label in rows:
        schedule = MeetingSchedule.objects.create(
            cell=cell, day_of_month=5, starts_on=date(2021, 1, 1), place=f"Lịch {label}"
        )
        meeting = CellMeeting.objects.create(
            cell=cell,
            date=date(2021, 3, 5),
            status=MeetingStatus.HELD,
            place=f"Hội trường {label}",
            topics=f"Nội dung {label}",
            schedule=schedule,
        )
        Attendance.objects.create(
            meeting=meeting,
            member=member,
            seat=seat,
            level=seat.level,
            date=meeting.date,
            cell_path=cell.path,
            status=AttendanceStatus.RECORDED,
            entered_via=EnteredBy.OFFICE,
            confirmation=Confirmation.PENDING,
            notes=f"Dự {label}",
        )
        FieldVisit.objects.create(
            member=member,
            seat=seat,
            level=seat.level,
            organization=cell,
            org_path=cell.path,
            date=date(2021, 4, 1),
            purpose=f"Công tác {label}",
        )
        CellMeeting.objects.create(cell=cell, date=date(2021, 4, 5), place=f"Sắp họp {label}")
