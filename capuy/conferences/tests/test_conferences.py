"""A conference: numbering checked, attendance listed from the seats held that day, quorum."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from capuy.conferences import selectors, services
from capuy.conferences.choices import AttendanceStatus, Session
from capuy.conferences.models import Conference, ConferenceAttendance, ConferenceGuest
from capuy.conferences.testing import DAY
from capuy.core.scoping import OutOfScope


def create(world, user, **extra):
    fields = {
        "committee": world.bch,
        "number": 32,
        "date": DAY,
        "session": Session.SANG,
        "place": "Hội trường Tỉnh ủy",
    }
    fields.update(extra)
    return services.conference_create(acting_user=user, **fields)


def test_creating_a_conference_lists_the_seat_holders_of_that_day(conference, world):
    listed = set(conference.attendances.values_list("member_id", flat=True))
    expected = {world.members[n].pk for n in ("hung", "lan", "tuan", "an")}
    assert listed == expected  # Cường's seat ended in 2018
    assert all(row.status == AttendanceStatus.CO_MAT for row in conference.attendances.all())


def test_a_second_conference_with_the_same_number_is_refused(conference, world, office):
    with pytest.raises(ValidationError) as error:
        create(world, office, date=date(2020, 4, 20), number_gap_reason="x")
    assert "đã có hội nghị lần thứ 32 (ngày 25/03/2020)" in error.value.message_dict["number"][0]
    assert Conference.objects.count() == 1


def test_a_gap_in_the_numbering_needs_a_reason(world, seats, office):
    with pytest.raises(ValidationError) as error:
        create(world, office)
    message = error.value.message_dict["number"][0]
    assert "chưa có hội nghị nào" in message and "các số 1–31" in message
    assert not Conference.objects.exists()

    create(world, office, number_gap_reason="Các hội nghị trước chưa nhập.")
    with pytest.raises(ValidationError) as error:
        create(world, office, number=34, date=date(2020, 5, 5))
    assert "lần thứ 32: lần thứ 34 bỏ qua số 33" in error.value.message_dict["number"][0]
    assert create(world, office, number=33, date=date(2020, 5, 5)).number == 33


def test_numbers_must_follow_the_dates(conference, world, office):
    with pytest.raises(ValidationError) as error:
        create(world, office, number=33, date=date(2020, 3, 1))
    assert "số thứ tự phải tăng theo ngày họp" in error.value.message_dict["date"][0]


def test_the_date_must_be_inside_the_term(world, seats, office):
    with pytest.raises(ValidationError) as error:
        create(world, office, number=1, date=date(2021, 1, 5))
    assert "trong nhiệm kỳ" in error.value.message_dict["date"][0]


def test_a_chair_must_hold_a_seat_that_day(world, seats, office):
    with pytest.raises(ValidationError) as error:
        create(world, office, number=1, chairs=[world.members["cuong"]])
    assert "Vũ Mạnh Cường không giữ chức vụ" in error.value.message_dict["chairs"][0]
    assert not Conference.objects.exists()


def test_staff_of_another_district_cannot_create_a_provincial_conference(world, seats):
    with pytest.raises(OutOfScope):
        create(world, world.users["outsider"], number=1)


def test_attendance_for_someone_who_held_no_seat_that_day_is_refused(conference, world, office):
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            acting_user=office,
            conference=conference,
            member=world.members["cuong"],
            status=AttendanceStatus.CO_MAT,
        )
    assert "Vũ Mạnh Cường không giữ chức vụ nào" in error.value.message_dict["member"][0]
    assert not ConferenceAttendance.objects.filter(member=world.members["cuong"]).exists()


def test_an_excused_absence_needs_a_reason(conference, world, office):
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            acting_user=office,
            conference=conference,
            member=world.members["an"],
            status=AttendanceStatus.VANG_CO_LY_DO,
        )
    assert "ghi lý do" in error.value.message_dict["reason"][0]
    row = services.attendance_record(
        acting_user=office,
        conference=conference,
        member=world.members["an"],
        status=AttendanceStatus.VANG_CO_LY_DO,
        reason="Đi công tác",
    )
    assert row.reason == "Đi công tác" and not row.is_present


def test_the_attendance_sheet_saves_all_rows_or_none(conference, world, office):
    rows = {r.member_id: r for r in conference.attendances.all()}
    an, lan = rows[world.members["an"].pk], rows[world.members["lan"].pk]
    with pytest.raises(ValidationError) as error:
        services.attendance_record_many(
            acting_user=office,
            conference=conference,
            marks={
                lan.pk: (AttendanceStatus.DI_MUON, "Họp đột xuất"),
                an.pk: (AttendanceStatus.VANG_CO_LY_DO, ""),
            },
        )
    assert f"reason-{an.pk}" in error.value.message_dict
    lan.refresh_from_db()
    assert lan.status == AttendanceStatus.CO_MAT


def test_quorum_is_two_thirds_of_the_seat_holders_by_default(conference, world, office):
    rows = selectors.attendance_rows(conference)
    assert [r.member_id for r in rows][0] == world.members["hung"].pk  # secretary first
    quorum = selectors.quorum_of(conference, rows)
    assert (quorum.total, quorum.present, quorum.needed, quorum.reached) == (4, 4, 3, True)

    for name in ("an", "tuan"):
        services.attendance_record(
            acting_user=office,
            conference=conference,
            member=world.members[name],
            status=AttendanceStatus.VANG_CO_LY_DO,
            reason="Ốm",
        )
    quorum = selectors.quorum_of(conference, selectors.attendance_rows(conference))
    assert (quorum.present, quorum.excused, quorum.reached) == (2, 2, False)


def test_the_quorum_fraction_is_configurable(conference, office):
    services.conference_update(
        acting_user=office, conference=conference, quorum_numerator=1, quorum_denominator=2
    )
    conference.refresh_from_db()
    assert conference.quorum_needed(4) == 2 and conference.quorum_needed(5) == 3


def test_moving_the_date_relists_the_seat_holders(conference, world, office):
    services.conference_update(acting_user=office, conference=conference, date=date(2016, 3, 1))
    # Cường held his seat in 2016.
    assert conference.attendances.filter(member=world.members["cuong"]).exists()
    services.conference_update(acting_user=office, conference=conference, date=DAY)
    assert not conference.attendances.filter(member=world.members["cuong"]).exists()


def test_guests_are_a_name_and_a_title(conference, office):
    guest = services.guest_add(
        acting_user=office,
        conference=conference,
        name="  Đặng   Thu Hà ",
        title="Phó Chủ tịch Ủy ban MTTQ tỉnh",
    )
    assert guest.name == "Đặng Thu Hà"
    with pytest.raises(ValidationError):
        services.guest_add(acting_user=office, conference=conference, name=" ")
    services.guest_remove(acting_user=office, guest=guest)
    assert not ConferenceGuest.objects.exists()


def test_read_only_roles_cannot_change_a_conference(conference, world):
    for persona in ("inspector", "committee_member", "secretary"):
        with pytest.raises(OutOfScope):
            services.conference_update(
                acting_user=world.users[persona], conference=conference, place="Khác"
            )
