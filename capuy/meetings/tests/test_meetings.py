"""Schedules, generated meetings, and marking a meeting held."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from capuy.meetings import services
from capuy.meetings.choices import MeetingKind, MeetingStatus
from capuy.meetings.models import CellMeeting, MeetingSchedule
from capuy.meetings.testing import meeting_at


def schedule(world, **extra):
    fields = {"day_of_month": 5, "starts_on": date(2019, 1, 1)}
    fields.update(extra)
    return services.schedule_create(acting_user=world.users["office"], cell=world.cell, **fields)


def dates(cell):
    return list(
        CellMeeting.objects.filter(cell=cell).order_by("date").values_list("date", flat=True)
    )


def test_generate_creates_one_meeting_a_month_up_to_the_date(world):
    created = services.meetings_generate(schedule(world), date(2019, 6, 30))
    assert created == 6
    assert dates(world.cell) == [date(2019, m, 5) for m in range(1, 7)]
    assert set(CellMeeting.objects.values_list("status", flat=True)) == {MeetingStatus.SCHEDULED}


def test_generate_is_idempotent(world):
    plan = schedule(world)
    services.meetings_generate(plan, date(2019, 6, 30))
    assert services.meetings_generate(plan, date(2019, 6, 30)) == 0
    assert services.meetings_generate(plan, date(2019, 8, 31)) == 2
    assert len(dates(world.cell)) == 8


def test_generate_leaves_a_month_alone_when_its_meeting_was_moved(world):
    plan = schedule(world)
    meeting_at(world.cell, date(2019, 2, 7))  # the secretary moved February's meeting
    services.meetings_generate(plan, date(2019, 3, 31))
    assert dates(world.cell) == [date(2019, 1, 5), date(2019, 2, 7), date(2019, 3, 5)]


def test_generate_puts_the_31st_on_the_last_day_of_short_months(world):
    services.meetings_generate(schedule(world, day_of_month=31), date(2019, 4, 30))
    assert dates(world.cell) == [
        date(2019, 1, 31),
        date(2019, 2, 28),
        date(2019, 3, 31),
        date(2019, 4, 30),
    ]


def test_generate_every_three_months_for_thematic_meetings(world):
    plan = schedule(world, kind=MeetingKind.CHUYEN_DE, every_months=3, day_of_month=20)
    services.meetings_generate(plan, date(2019, 12, 31))
    assert dates(world.cell) == [date(2019, m, 20) for m in (1, 4, 7, 10)]


def test_generate_stops_at_the_schedule_end_and_at_the_cells_dissolution(world):
    services.meetings_generate(schedule(world, ends_on=date(2019, 3, 10)), date(2019, 12, 31))
    assert dates(world.cell) == [date(2019, m, 5) for m in (1, 2, 3)]
    world.other_cell.dissolved_on = date(2019, 2, 10)
    world.other_cell.save()
    plan = services.schedule_create(
        acting_user=world.users["office"],
        cell=world.other_cell,
        day_of_month=5,
        starts_on=date(2019, 1, 1),
    )
    services.meetings_generate(plan, date(2019, 12, 31))
    assert dates(world.other_cell) == [date(2019, 1, 5), date(2019, 2, 5)]


def test_a_schedule_is_only_for_a_cell(world):
    with pytest.raises(ValidationError, match="không phải là chi bộ"):
        services.schedule_create(
            acting_user=world.users["office"],
            cell=world.district,
            day_of_month=5,
            starts_on=date(2019, 1, 1),
        )


def test_the_cell_secretary_schedules_her_own_cell_but_no_other(world):
    secretary = world.users["secretary"]
    services.schedule_create(
        acting_user=secretary, cell=world.cell, day_of_month=5, starts_on=date(2019, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.schedule_create(
            acting_user=secretary, cell=world.other_cell, day_of_month=5, starts_on=date(2019, 1, 1)
        )


def test_the_generate_command_runs_every_schedule(world):
    schedule(world)
    services.schedule_create(
        acting_user=world.users["office"],
        cell=world.outside_cell,
        day_of_month=1,
        starts_on=date(2019, 1, 1),
    )
    out = StringIO()
    call_command("meetings_generate", "--until", "31/03/2019", stdout=out)
    assert "Đã tạo 6 buổi sinh hoạt" in out.getvalue()
    call_command("meetings_generate", "--until", "31/03/2019", "--org", "H01", stdout=out)
    assert CellMeeting.objects.count() == 6


def test_the_generate_command_speaks_english_when_english_is_active(world):
    from django.utils import translation

    schedule(world)
    out = StringIO()
    with translation.override("en"):
        call_command("meetings_generate", "--until", "31/03/2019", stdout=out)
    assert out.getvalue().strip() == "Created 3 cell meetings (up to 31/03/2019)."


def test_marking_held_records_who_and_keeps_the_planned_date(world):
    meeting = meeting_at(world.cell, date(2019, 3, 5))
    held = services.meeting_record_held(
        acting_user=world.users["secretary"], meeting=meeting, topics="Nghị quyết tháng 3"
    )
    assert held.status == MeetingStatus.HELD
    assert held.recorded_by == world.users["secretary"]
    assert held.date == date(2019, 3, 5) and held.topics == "Nghị quyết tháng 3"


def test_a_meeting_dated_in_the_future_cannot_be_marked_held_and_the_error_names_date(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    meeting = meeting_at(world.cell, tomorrow)
    with pytest.raises(ValidationError) as error:
        services.meeting_record_held(acting_user=world.users["office"], meeting=meeting)
    assert list(error.value.error_dict) == ["date"]
    assert "chưa tới" in error.value.error_dict["date"][0].messages[0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_moving_the_date_to_the_future_when_marking_held_is_refused_too(world):
    meeting = meeting_at(world.cell, date(2019, 3, 5))
    with pytest.raises(ValidationError) as error:
        services.meeting_record_held(
            acting_user=world.users["office"],
            meeting=meeting,
            date=timezone.localdate() + timedelta(days=3),
        )
    assert "date" in error.value.error_dict


def test_the_held_date_may_be_corrected_before_anyone_is_recorded(world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5))
    held = services.meeting_record_held(
        acting_user=world.users["office"], meeting=meeting, date=date(2019, 3, 6)
    )
    assert held.date == date(2019, 3, 6)
    services.attendance_record(acting_user=world.users["office"], meeting=held, member=gw.tuan)
    with pytest.raises(ValidationError, match="không đổi ngày"):
        services.meeting_record_held(
            acting_user=world.users["office"], meeting=held, date=date(2019, 3, 7)
        )


@pytest.mark.parametrize("persona", ["inspector", "committee_member", "outsider"])
def test_people_who_neither_run_the_cell_nor_change_its_subtree_cannot_mark_it_held(world, persona):
    meeting = meeting_at(world.cell, date(2019, 3, 5))
    with pytest.raises(PermissionDenied):
        services.meeting_record_held(acting_user=world.users[persona], meeting=meeting)


def test_a_meeting_with_attendances_cannot_be_cancelled(world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5))
    services.attendance_record(acting_user=world.users["office"], meeting=meeting, member=gw.tuan)
    with pytest.raises(ValidationError, match="không hủy được"):
        services.meeting_cancel(acting_user=world.users["office"], meeting=meeting)


def test_a_cancelled_meeting_takes_no_attendance(world, gw):
    meeting = services.meeting_cancel(
        acting_user=world.users["secretary"], meeting=meeting_at(world.cell, date(2019, 3, 5))
    )
    with pytest.raises(ValidationError, match="hoãn/hủy"):
        services.attendance_record(
            acting_user=world.users["office"], meeting=meeting, member=gw.tuan
        )


def test_one_meeting_of_a_kind_per_cell_per_day(world):
    services.meeting_create(
        acting_user=world.users["office"], cell=world.cell, date=date(2019, 3, 5)
    )
    with pytest.raises(ValidationError, match="đã có buổi sinh hoạt cùng loại"):
        services.meeting_create(
            acting_user=world.users["office"], cell=world.cell, date=date(2019, 3, 5)
        )
    services.meeting_create(
        acting_user=world.users["office"],
        cell=world.cell,
        date=date(2019, 3, 5),
        kind=MeetingKind.CHUYEN_DE,
    )


def test_schedule_page_creates_the_schedule_and_the_coming_meetings(as_user, world):
    client = as_user("secretary")
    start = timezone.localdate().replace(day=1)
    response = client.post(
        f"/sinh-hoat/lich/them/?cell={world.cell.pk}",
        {
            "kind": "thuong_ky",
            "day_of_month": "5",
            "every_months": "1",
            "starts_on": start.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert MeetingSchedule.objects.filter(cell=world.cell).exists()
    assert CellMeeting.objects.filter(cell=world.cell).count() >= 12
