"""Concerns: raising one at a meeting, and moving it along its lifecycle, one step at a time."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from capuy.concerns.choices import ConcernStatus
from capuy.concerns.models import Concern, ConcernEvent
from capuy.concerns.services import (
    allowed_next,
    concern_raise,
    concern_reopen,
    concern_transition,
)
from capuy.core.scoping import OutOfScope
from capuy.meetings.choices import MeetingStatus
from capuy.reports.testing import meeting_in

S = ConcernStatus


def raise_one(world, meeting, categories, user="office", **extra):
    values = {
        "acting_user": world.users[user],
        "meeting": meeting,
        "category": categories["ha_tang"],
        "summary": "Đường liên thôn xuống cấp",
    }
    values.update(extra)
    return concern_raise(**values)


def move(world, concern, to_status, user="office", **extra):
    return concern_transition(
        acting_user=world.users[user], concern=concern, to_status=to_status, **extra
    )


def test_a_raised_concern_belongs_to_the_meeting_cell_and_receiver(world, meeting, categories):
    concern = raise_one(world, meeting, categories, received_by=world.members["tuan"])

    assert concern.cell_path == world.cell.path
    assert concern.raised_on == date(2019, 5, 5)
    assert concern.received_by == world.members["tuan"]
    assert concern.status == S.MOI
    event = concern.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", S.MOI, world.users["office"])


def test_it_records_a_concern_resolved_on_the_spot_with_its_answer(world, meeting, categories):
    concern = raise_one(
        world,
        meeting,
        categories,
        status=S.GIAI_QUYET_TAI_CHO,
        answer="Đã giải thích lộ trình sửa đường năm 2020.",
    )

    assert concern.status == S.GIAI_QUYET_TAI_CHO
    assert concern.resolved_on == meeting.date
    assert not concern.is_open


def test_resolved_on_the_spot_needs_the_answer_given(world, meeting, categories):
    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, status=S.GIAI_QUYET_TAI_CHO)
    assert "answer" in error.value.message_dict
    assert not Concern.objects.exists()


def test_forwarding_at_the_meeting_needs_an_agency_and_a_due_date(world, meeting, categories):
    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, status=S.CHUYEN_CO_QUAN)
    assert "agency" in error.value.message_dict

    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, status=S.CHUYEN_CO_QUAN, agency="UBND xã An Phú")
    assert "due_on" in error.value.message_dict

    concern = raise_one(
        world,
        meeting,
        categories,
        status=S.CHUYEN_CO_QUAN,
        agency="UBND xã An Phú",
        due_on=date(2019, 6, 5),
    )
    assert concern.due_on == date(2019, 6, 5)
    assert concern.is_overdue(date(2019, 6, 6))
    assert not concern.is_overdue(date(2019, 6, 5))


def test_a_raise_cannot_start_as_resolved(world, meeting, categories):
    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, status=S.DA_GIAI_QUYET, answer="xong")
    assert "status" in error.value.message_dict


def test_the_receiver_must_have_attended_the_meeting(world, meeting, categories):
    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, received_by=world.members["lan"])
    assert "received_by" in error.value.message_dict
    assert "05/05/2019" in error.value.message_dict["received_by"][0]


def test_a_future_or_cancelled_meeting_takes_no_concern(world, categories):
    future = meeting_in(
        world.cell, timezone.localdate() + timedelta(days=3), status=MeetingStatus.SCHEDULED
    )
    with pytest.raises(ValidationError, match="chưa diễn ra"):
        raise_one(world, future, categories)
    cancelled = meeting_in(world.cell, date(2019, 7, 5), status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError, match="hoãn/hủy"):
        raise_one(world, cancelled, categories)


def test_an_inactive_category_is_refused(world, meeting, categories):
    categories["khac"].active = False
    categories["khac"].save()
    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, category=categories["khac"])
    assert "category" in error.value.message_dict


def test_the_cell_secretary_records_concerns_of_her_own_cell(world, meeting, categories):
    concern = raise_one(world, meeting, categories, user="secretary")
    assert concern.created_by == world.users["secretary"]


def test_the_secretary_of_another_cell_cannot(world, categories):
    other = meeting_in(world.other_cell, date(2019, 5, 6))
    with pytest.raises(OutOfScope):
        raise_one(world, other, categories, user="secretary")


def test_read_only_roles_and_outsiders_cannot_raise(world, meeting, categories):
    for persona in ("inspector", "committee_member", "outsider"):
        with pytest.raises(OutOfScope):
            raise_one(world, meeting, categories, user=persona)
    assert not Concern.objects.exists()


def test_the_receiving_committee_member_may_raise_and_follow_up(world, meeting, categories):
    user = world.users["committee_member"]
    user.member = world.members["tuan"]
    user.save()

    concern = raise_one(
        world, meeting, categories, user="committee_member", received_by=world.members["tuan"]
    )
    moved = move(
        world,
        concern,
        S.CHUYEN_CO_QUAN,
        user="committee_member",
        agency="UBND huyện An Bình",
        due_on=date(2019, 7, 1),
    )
    assert moved.status == S.CHUYEN_CO_QUAN


def test_the_whole_lifecycle_writes_one_event_per_step(world, meeting, categories):
    concern = raise_one(world, meeting, categories)
    concern = move(
        world,
        concern,
        S.CHUYEN_CO_QUAN,
        agency="UBND xã An Phú",
        due_on=date(2019, 6, 30),
        note="Chuyển UBND xã",
    )
    concern = move(world, concern, S.DANG_GIAI_QUYET, note="UBND xã đã khảo sát")
    concern = move(
        world,
        concern,
        S.DA_GIAI_QUYET,
        answer="Đã rải nhựa 300 m",
        resolved_on=date(2019, 8, 1),
    )
    assert concern.resolved_on == date(2019, 8, 1)
    concern = concern_reopen(
        acting_user=world.users["secretary"],
        concern=concern,
        note="Chi bộ phản ánh: mới sửa một đoạn, còn 200 m chưa làm",
    )

    assert concern.status == S.DANG_GIAI_QUYET
    assert concern.resolved_on is None
    steps = list(concern.events.values_list("from_status", "to_status"))
    assert steps == [
        ("", S.MOI),
        (S.MOI, S.CHUYEN_CO_QUAN),
        (S.CHUYEN_CO_QUAN, S.DANG_GIAI_QUYET),
        (S.DANG_GIAI_QUYET, S.DA_GIAI_QUYET),
        (S.DA_GIAI_QUYET, S.DANG_GIAI_QUYET),
    ]
    last = concern.events.last()
    assert last.by == world.users["secretary"]
    assert "200 m" in last.note


def test_a_skip_is_refused_with_a_message_naming_both_statuses(world, meeting, categories):
    concern = raise_one(world, meeting, categories)

    with pytest.raises(ValidationError) as error:
        move(world, concern, S.DA_GIAI_QUYET, answer="xong")

    message = error.value.message_dict["to_status"][0]
    assert "«Mới tiếp nhận»" in message and "«Đã giải quyết»" in message
    assert "«Chuyển cơ quan chức năng»" in message  # what is allowed instead
    concern.refresh_from_db()
    assert concern.status == S.MOI
    assert concern.events.count() == 1


def test_staying_in_the_same_status_is_refused(world, meeting, categories):
    concern = raise_one(world, meeting, categories)
    with pytest.raises(ValidationError, match="đang ở tình trạng"):
        move(world, concern, S.MOI)


def test_reopening_needs_the_cells_note(world, meeting, categories):
    concern = raise_one(world, meeting, categories, status=S.HUONG_DAN, answer="Đã hướng dẫn")
    with pytest.raises(ValidationError) as error:
        move(world, concern, S.DANG_GIAI_QUYET)
    assert "note" in error.value.message_dict


def test_the_secretary_may_only_reopen(world, meeting, categories):
    concern = raise_one(world, meeting, categories)
    with pytest.raises(OutOfScope):
        move(
            world,
            concern,
            S.CHUYEN_CO_QUAN,
            user="secretary",
            agency="UBND xã",
            due_on=date(2019, 6, 1),
        )
    assert ConcernEvent.objects.filter(concern=concern).count() == 1


def test_an_inspector_cannot_move_a_concern(world, meeting, categories):
    concern = raise_one(world, meeting, categories)
    with pytest.raises(OutOfScope):
        move(world, concern, S.DANG_GIAI_QUYET, user="inspector")
    with pytest.raises(OutOfScope):
        move(world, concern, S.DANG_GIAI_QUYET, user="outsider")


def test_resolution_date_must_fall_between_raising_and_today(world, meeting, categories):
    concern = raise_one(world, meeting, categories, status=S.DANG_GIAI_QUYET)
    with pytest.raises(ValidationError) as error:
        move(world, concern, S.DA_GIAI_QUYET, answer="xong", resolved_on=date(2019, 1, 1))
    assert "resolved_on" in error.value.message_dict


def test_resolving_needs_a_result(world, meeting, categories):
    concern = raise_one(world, meeting, categories, status=S.DANG_GIAI_QUYET)
    with pytest.raises(ValidationError) as error:
        move(world, concern, S.DA_GIAI_QUYET)
    assert "answer" in error.value.message_dict


def test_not_within_competence_names_where_it_was_referred(world, meeting, categories):
    with pytest.raises(ValidationError) as error:
        raise_one(world, meeting, categories, status=S.KHONG_THAM_QUYEN)
    assert "agency" in error.value.message_dict
    concern = raise_one(
        world, meeting, categories, status=S.KHONG_THAM_QUYEN, agency="Tòa án nhân dân huyện"
    )
    assert concern.resolved_on == meeting.date


def test_allowed_next_follows_the_lifecycle():
    assert allowed_next(S.MOI) == [
        S.GIAI_QUYET_TAI_CHO,
        S.HUONG_DAN,
        S.CHUYEN_CO_QUAN,
        S.DANG_GIAI_QUYET,
        S.KHONG_THAM_QUYEN,
    ]
    assert allowed_next(S.DA_GIAI_QUYET) == [S.DANG_GIAI_QUYET]
