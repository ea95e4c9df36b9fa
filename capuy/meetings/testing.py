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


def committee_of(
    organization, *, term_name: str = "T", start: date = date(2015, 1, 1), kind=CommitteeKind.BCH
):
    term, _ = Term.objects.get_or_create(
        organization=organization, name=term_name, defaults={"start_on": start}
    )
    committee, _ = Committee.objects.get_or_create(term=term, kind=kind)
    return committee


def seat_for(
    member,
    organization,
    *,
    start=date(2015, 1, 1),
    end=None,
    role=SeatRole.UY_VIEN_BCH,
    kind=CommitteeKind.BCH,
    note="",
):
    return Seat.objects.create(
        committee=committee_of(organization, kind=kind),
        member=member,
        role=role,
        start_on=start,
        end_on=end,
        note=note,
    )


def rule_at(
    organization, *, number="01-QĐ/TU", outside=True, start=date(2011, 6, 30), end=None, quotas=None
):
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
    for level, minimum in (
        quotas or {SeatLevel.TINH: 2, SeatLevel.HUYEN: 6, SeatLevel.XA: 6}
    ).items():
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
    tuan = member_in(
        world.outside_cell,
        "Trần",
        "Minh",
        "Tuấn",
        birth_date=date(1968, 8, 12),
        card_number="01234567",
    )
    binh = member_in(
        world.other_cell, "Phạm", "Văn", "Bình", birth_date=date(1972, 2, 3), card_number="07654321"
    )
    tuan_seat = seat_for(tuan, world.province)
    binh_district = seat_for(binh, world.district)
    binh_province = seat_for(binh, world.province, start=date(2019, 1, 1))
    rule = rule_at(world.province)
    return Grassroots(world, tuan, binh, tuan_seat, binh_district, binh_province, rule)


def sweep_rows(place) -> None:
    """Rows of every meetings model at one place of the route sweep (tests/test_scope_sweep.py):
    a regulation at the place, and at a cell under it a schedule, a held meeting with an
    attendance by the place's member (his seat is the sweep's seat there) and, as in life, by the
    province's committee member, a field visit, and a meeting to come."""
    org, member, label = place.org, place.member, place.label
    cell = org if org.is_cell else place.other_cell
    rule_at(org, number=f"QĐ-{label}")
    seat = (
        Seat.objects.filter(member=member, committee__term__organization=org)
        .select_related("committee__term__organization")
        .first()
    )
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
    province_seat = (
        Seat.objects.filter(committee__term__organization__path=cell.path[:4])
        .exclude(member=member)
        .select_related("committee__term__organization")
        .first()
    )
    for attendee_seat, note in ((seat, f"Dự {label}"), (province_seat, f"Tỉnh dự {label}")):
        if attendee_seat is None:
            continue
        Attendance.objects.create(
            meeting=meeting,
            member=attendee_seat.member,
            seat=attendee_seat,
            level=attendee_seat.level,
            date=meeting.date,
            cell_path=cell.path,
            status=AttendanceStatus.RECORDED,
            entered_via=EnteredBy.OFFICE,
            confirmation=Confirmation.PENDING,
            notes=note,
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


def upper_committee_names(user, meeting) -> set[str]:
    """Who the attendee picker may show for ``meeting``: the holders, that day, of seats on the
    committees above its cell (by design beyond the user's member scope)."""
    if meeting is None:
        return set()
    above = [p for p in meeting.cell.ancestor_paths() if p != meeting.cell.path]
    return set(
        Seat.objects.held_on(meeting.date)
        .filter(committee__term__organization__path__in=above)
        .values_list("member__full_name", flat=True)
    )


def attendee_names(user, obj=None) -> set[str]:
    """Names a list of attendances or field visits shows: the members who attended or visited
    where the user may see (an attendance row carries its attendee, whoever he is)."""
    return set(
        Attendance.objects.visible_to(user).values_list("member__full_name", flat=True)
    ) | set(FieldVisit.objects.visible_to(user).values_list("member__full_name", flat=True))
