"""Attendances: the seat held on the meeting date, one per member per meeting, the own-cell rule,
who records and who confirms, field visits, and the one-screen record."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.concerns.models import Concern, ConcernCategory
from capuy.meetings import services
from capuy.meetings.choices import AttendanceStatus, Confirmation, EnteredBy, MeetingStatus
from capuy.meetings.models import Attendance, CellMeeting, FieldVisit
from capuy.meetings.testing import meeting_at, rule_at, seat_for
from capuy.members.models import MemberTransfer
from capuy.organizations.choices import SeatLevel

DAY = date(2019, 3, 5)


@pytest.fixture
def meeting(world):
    return meeting_at(world.cell, DAY, status=MeetingStatus.HELD)


def record(world, meeting, member, persona="office", **extra):
    return services.attendance_record(
        acting_user=world.users[persona], meeting=meeting, member=member, **extra
    )


# --- the seat held on the meeting date ----------------------------------------------------


def test_the_attendance_takes_the_seat_held_on_the_meeting_date_and_its_level(world, gw, meeting):
    attendance = record(world, meeting, gw.tuan)
    assert attendance.seat == gw.tuan_seat
    assert attendance.level == SeatLevel.TINH
    assert attendance.date == DAY and attendance.cell_path == world.cell.path


def test_no_seat_held_that_day_is_refused_naming_the_member_and_the_date(world, gw):
    early = meeting_at(world.cell, date(2014, 12, 1), status=MeetingStatus.HELD)
    with pytest.raises(ValidationError) as error:
        record(world, early, gw.tuan)
    assert error.value.message_dict["member"] == [
        "Đồng chí Trần Minh Tuấn không giữ chức vụ cấp ủy nào vào ngày 01/12/2014."
    ]
    assert not Attendance.objects.exists()


def test_a_seat_that_ended_before_the_meeting_does_not_count(world, gw, meeting):
    gw.tuan_seat.end_on = date(2019, 3, 4)
    gw.tuan_seat.save()
    with pytest.raises(ValidationError, match="không giữ chức vụ cấp ủy nào vào ngày 05/03/2019"):
        record(world, meeting, gw.tuan)


def test_the_highest_level_seat_wins_tinh_over_huyen(world, gw):
    before = meeting_at(world.outside_cell, date(2018, 6, 5), status=MeetingStatus.HELD)
    after = meeting_at(world.outside_cell, date(2019, 6, 5), status=MeetingStatus.HELD)
    # Bình sits on the district committee H01 (not above H02's cell) and, from 2019, the province
    with pytest.raises(ValidationError, match="cấp ủy cấp trên"):
        record(world, before, gw.binh)
    assert record(world, after, gw.binh).level == SeatLevel.TINH
    cell_meeting = meeting_at(world.cell, date(2019, 6, 5), status=MeetingStatus.HELD)
    attendance = record(world, cell_meeting, gw.binh)
    assert attendance.seat == gw.binh_province_seat and attendance.level == SeatLevel.TINH


def test_at_one_level_the_higher_role_wins(world, gw, meeting):
    standing = seat_for(gw.tuan, world.province, role=SeatRole.UY_VIEN_BTV, kind=CommitteeKind.BTV)
    assert record(world, meeting, gw.tuan).seat == standing


def test_an_explicit_seat_is_used_when_given(world, gw, meeting):
    attendance = record(world, meeting, gw.binh, seat=gw.binh_district_seat)
    assert attendance.seat == gw.binh_district_seat and attendance.level == SeatLevel.HUYEN


def test_an_explicit_seat_not_held_that_day_is_refused_on_the_seat_field(world, gw):
    early = meeting_at(world.cell, date(2018, 3, 5), status=MeetingStatus.HELD)
    with pytest.raises(ValidationError) as error:
        record(world, early, gw.binh, seat=gw.binh_province_seat)
    assert "seat" in error.value.error_dict


def test_a_seat_on_a_committee_not_above_the_cell_does_not_count(world, gw):
    other = meeting_at(world.outside_cell, date(2018, 3, 5), status=MeetingStatus.HELD)
    with pytest.raises(ValidationError) as error:
        record(world, other, gw.binh)
    assert "không giữ chức vụ trong cấp ủy cấp trên của Chi bộ Trường Tiểu học Bình Yên" in str(
        error.value
    )


# --- one per meeting ------------------------------------------------------------------------


def test_a_member_counts_once_per_meeting_with_a_friendly_message(world, gw, meeting):
    record(world, meeting, gw.tuan)
    with pytest.raises(ValidationError) as error:
        record(world, meeting, gw.tuan, persona="secretary")
    assert error.value.message_dict["member"] == [
        "Đồng chí Trần Minh Tuấn đã được ghi dự buổi sinh hoạt này."
    ]
    assert Attendance.objects.count() == 1


def test_the_database_itself_refuses_a_second_row_for_the_same_member_and_meeting(
    world, gw, meeting
):
    first = record(world, meeting, gw.tuan)
    duplicate = Attendance(
        meeting=meeting,
        member=gw.tuan,
        seat=first.seat,
        level=first.level,
        date=first.date,
        cell_path=first.cell_path,
        entered_via=EnteredBy.OFFICE,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_planned_attendance_becomes_the_recorded_one(world, gw, meeting):
    Attendance.objects.create(
        meeting=meeting,
        member=gw.tuan,
        seat=gw.tuan_seat,
        level="tinh",
        date=DAY,
        cell_path=world.cell.path,
        status=AttendanceStatus.PLANNED,
        entered_via=EnteredBy.OFFICE,
    )
    attendance = record(world, meeting, gw.tuan, persona="secretary")
    assert attendance.status == AttendanceStatus.RECORDED
    assert Attendance.objects.count() == 1


def test_a_meeting_in_the_future_takes_no_attendance(world, gw):
    later = meeting_at(world.cell, timezone.localdate() + timedelta(days=2))
    with pytest.raises(ValidationError, match="chưa tới"):
        record(world, later, gw.tuan)


# --- the own-cell rule ------------------------------------------------------------------------


def test_attending_ones_own_cell_is_refused_when_the_rule_requires_another_cell(world, gw, meeting):
    with pytest.raises(ValidationError) as error:
        record(world, meeting, world.members["tuan"])  # Lê Minh Tuấn sits in this very cell
    assert "01-QĐ/TU" in str(error.value) and "chính Chi bộ thôn Đông" in str(error.value)


def test_ones_own_cell_counts_when_the_rule_in_force_allows_it(world, gw, meeting):
    gw.rule.effective_to = date(2018, 12, 31)
    gw.rule.save()
    rule_at(world.province, number="02-QĐ/TU", outside=False, start=date(2019, 1, 1))
    assert record(world, meeting, world.members["tuan"]).level == SeatLevel.TINH


def test_the_own_cell_is_the_cell_on_the_meeting_date_not_today(world, gw, meeting):
    # Trần Minh Tuấn belonged to this cell until 01/06/2019, then moved to H02's cell.
    MemberTransfer.objects.create(
        member=gw.tuan,
        from_cell=world.cell,
        to_cell=world.outside_cell,
        transferred_on=date(2019, 6, 1),
    )
    with pytest.raises(ValidationError, match="chính Chi bộ thôn Đông"):
        record(world, meeting, gw.tuan)
    later = meeting_at(world.cell, date(2019, 7, 5), status=MeetingStatus.HELD)
    assert record(world, later, gw.tuan).level == SeatLevel.TINH


# --- who records, who confirms ------------------------------------------------------------


def test_the_cell_secretarys_entry_is_confirmed_at_once(world, gw, meeting):
    attendance = record(world, meeting, gw.tuan, persona="secretary")
    assert attendance.entered_via == EnteredBy.SECRETARY
    assert attendance.confirmation == Confirmation.CONFIRMED
    assert attendance.confirmed_by == world.users["secretary"]


def test_the_offices_entry_waits_for_the_cell_secretary(world, gw, meeting):
    attendance = record(world, meeting, gw.tuan)
    assert attendance.entered_via == EnteredBy.OFFICE
    assert attendance.confirmation == Confirmation.PENDING


def test_a_committee_member_records_his_own_attendance_and_it_waits(world, gw, meeting):
    user = world.users["committee_member"]
    user.member = gw.tuan
    user.save()
    attendance = record(world, meeting, gw.tuan, persona="committee_member")
    assert attendance.entered_via == EnteredBy.MEMBER
    assert attendance.confirmation == Confirmation.PENDING


def test_a_committee_member_cannot_record_someone_else(world, gw, meeting):
    user = world.users["committee_member"]
    user.member = gw.tuan
    user.save()
    with pytest.raises(PermissionDenied):
        record(world, meeting, gw.binh, persona="committee_member")


@pytest.mark.parametrize("persona", ["inspector", "committee_member", "outsider"])
def test_readers_and_outsiders_cannot_record_attendances(world, gw, meeting, persona):
    with pytest.raises(PermissionDenied):
        record(world, meeting, gw.tuan, persona=persona)


def test_the_secretary_of_another_cell_cannot_record_here(world, gw):
    other = meeting_at(world.other_cell, DAY, status=MeetingStatus.HELD)
    with pytest.raises(PermissionDenied):
        record(world, other, gw.tuan, persona="secretary")


def test_an_attendance_entered_as_the_secretary_by_someone_else_is_refused(world, gw, meeting):
    with pytest.raises(PermissionDenied):
        record(world, meeting, gw.tuan, entered_via=EnteredBy.SECRETARY)


def test_only_the_cell_secretary_confirms(world, gw, meeting):
    attendance = record(world, meeting, gw.tuan)
    with pytest.raises(PermissionDenied):
        services.attendance_confirm(acting_user=world.users["office"], attendance=attendance)
    confirmed = services.attendance_confirm(
        acting_user=world.users["secretary"], attendance=attendance
    )
    assert confirmed.confirmation == Confirmation.CONFIRMED
    assert confirmed.confirmed_by == world.users["secretary"] and confirmed.confirmed_at


def test_disputing_needs_a_reason_and_records_it(world, gw, meeting):
    attendance = record(world, meeting, gw.tuan)
    secretary = world.users["secretary"]
    with pytest.raises(ValidationError) as error:
        services.attendance_dispute(acting_user=secretary, attendance=attendance, reason="  ")
    assert "reason" in error.value.error_dict
    disputed = services.attendance_dispute(
        acting_user=secretary, attendance=attendance, reason="Đồng chí không có mặt buổi này"
    )
    assert disputed.confirmation == Confirmation.DISPUTED
    assert disputed.dispute_reason == "Đồng chí không có mặt buổi này"
    assert (
        services.attendance_confirm(acting_user=secretary, attendance=disputed).dispute_reason == ""
    )


def test_counted_attendances_can_be_confirmed_only_or_all(world, gw, meeting):
    record(world, meeting, gw.tuan)
    record(world, meeting, gw.binh, persona="secretary")
    assert Attendance.objects.counted().count() == 2
    assert Attendance.objects.counted(confirmed_only=True).count() == 1


def test_a_member_may_delete_only_his_own_pending_attendance(world, gw, meeting):
    user = world.users["committee_member"]
    user.member = gw.tuan
    user.save()
    attendance = record(world, meeting, gw.tuan, persona="committee_member")
    services.attendance_confirm(acting_user=world.users["secretary"], attendance=attendance)
    with pytest.raises(PermissionDenied):
        services.attendance_delete(acting_user=user, attendance=attendance)
    services.attendance_delete(acting_user=world.users["secretary"], attendance=attendance)
    assert not Attendance.objects.exists()


# --- field visits -------------------------------------------------------------------------


def test_a_field_visit_takes_the_seat_held_on_its_date(world, gw):
    visit = services.field_visit_record(
        acting_user=world.users["office"],
        member=gw.binh,
        organization=world.grassroots,
        date=date(2018, 5, 2),
        purpose="Nắm tình hình sản xuất",
    )
    assert visit.seat == gw.binh_district_seat and visit.level == SeatLevel.HUYEN
    later = services.field_visit_record(
        acting_user=world.users["office"],
        member=gw.binh,
        organization=world.grassroots,
        date=date(2019, 5, 2),
        purpose="Nắm tình hình",
    )
    assert later.level == SeatLevel.TINH


def test_a_field_visit_without_a_seat_that_day_is_refused(world, gw):
    with pytest.raises(ValidationError, match="không giữ chức vụ cấp ủy nào vào ngày 02/05/2010"):
        services.field_visit_record(
            acting_user=world.users["office"],
            member=gw.tuan,
            organization=world.grassroots,
            date=date(2010, 5, 2),
            purpose="Khảo sát",
        )
    assert not FieldVisit.objects.exists()


def test_a_member_records_his_own_field_visit_but_a_stranger_cannot(world, gw):
    user = world.users["committee_member"]
    user.member = gw.tuan
    user.save()
    visit = services.field_visit_record(
        acting_user=user, member=gw.tuan, organization=world.cell, date=DAY, purpose="Dự họp dân"
    )
    assert visit.level == SeatLevel.TINH
    with pytest.raises(PermissionDenied):
        services.field_visit_record(
            acting_user=world.users["inspector"],
            member=gw.tuan,
            organization=world.cell,
            date=DAY,
            purpose="x",
        )


# --- the one-screen record ------------------------------------------------------------------


@pytest.fixture
def category(db):
    return ConcernCategory.objects.get_or_create(code="ha_tang", defaults={"name": "Hạ tầng"})[0]


def test_recording_a_meeting_marks_it_held_with_attendees_and_concerns(world, gw, category):
    meeting = meeting_at(world.cell, DAY)
    result = services.meeting_record(
        acting_user=world.users["secretary"],
        meeting=meeting,
        attendees=[{"index": 1, "member": gw.tuan}],
        concerns=[
            {
                "index": 1,
                "category": category,
                "summary": "Đường liên thôn xuống cấp",
                "status": "chuyen",
                "agency": "UBND xã An Phú",
                "due_on": DAY + timedelta(days=30),
            }
        ],
    )
    assert result["meeting"].status == MeetingStatus.HELD
    assert [a.confirmation for a in result["attendances"]] == [Confirmation.CONFIRMED]
    concern = Concern.objects.get()
    assert concern.received_by == gw.tuan  # the only attendee received it
    assert concern.status == "chuyen" and concern.meeting == meeting


def test_recording_a_meeting_saves_everything_or_nothing(world, gw, category):
    meeting = meeting_at(world.cell, DAY)
    with pytest.raises(services.MeetingRecordError) as caught:
        services.meeting_record(
            acting_user=world.users["secretary"],
            meeting=meeting,
            attendees=[
                {"index": gw.tuan.pk, "member": gw.tuan},
                {"index": 7, "member": world.members["tuan"]},
            ],
            concerns=[
                {"index": 3, "category": category, "summary": "Thiếu đèn đường", "status": "chuyen"}
            ],
        )
    errors = caught.value
    assert set(errors.attendees) == {7} and set(errors.concerns) == {3}
    assert "agency" in errors.concerns[3].error_dict
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert not Attendance.objects.exists() and not Concern.objects.exists()
    assert CellMeeting.objects.get().recorded_by is None


def test_an_office_user_recording_himself_as_member_waits_for_the_cell(world, gw, meeting):
    office = world.users["office"]
    office.member = gw.tuan
    office.save()
    attendance = record(world, meeting, gw.tuan, entered_via=EnteredBy.MEMBER)
    assert attendance.entered_via == EnteredBy.MEMBER
    assert attendance.confirmation == Confirmation.PENDING
