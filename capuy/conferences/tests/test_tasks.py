"""Tasks from conclusions: assigned to agencies with a due date, followed by progress reports
to completion, every change an event; agencies see their tasks; the next conference reports
back."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from capuy.conferences import selectors, services
from capuy.conferences.choices import AgencyKind, Session, TaskEventKind, TaskState
from capuy.conferences.models import Agency, AssignedTask, TaskEvent, TaskProgress
from capuy.conferences.testing import DAY, PDF
from capuy.core.scoping import CHANGE, VIEW, OutOfScope, can


def report(task, user, agency, percent, on=date(2020, 4, 1), **extra):
    return services.task_report_progress(
        acting_user=user, task=task, agency=agency, reported_on=on, percent=percent, **extra
    )


def test_a_task_needs_at_least_one_agency(conclusion, office):
    with pytest.raises(ValidationError) as error:
        services.task_assign(
            acting_user=office, conclusion=conclusion, title="X", agencies=[], due_on=DAY
        )
    assert error.value.message_dict["agencies"] == [
        "Hãy chọn ít nhất một cơ quan được giao nhiệm vụ."
    ]
    assert not AssignedTask.objects.exists() and not TaskEvent.objects.exists()


def test_a_task_needs_a_due_date(conclusion, agencies, office):
    with pytest.raises(ValidationError) as error:
        services.task_assign(
            acting_user=office,
            conclusion=conclusion,
            title="X",
            agencies=[agencies["btc"]],
            due_on=None,
        )
    assert error.value.message_dict["due_on"] == ["Hãy nhập thời hạn hoàn thành nhiệm vụ."]
    assert not AssignedTask.objects.exists()


def test_the_due_date_cannot_precede_the_conference(conclusion, agencies, office):
    with pytest.raises(ValidationError) as error:
        services.task_assign(
            acting_user=office,
            conclusion=conclusion,
            title="X",
            agencies=[agencies["btc"]],
            due_on=date(2020, 3, 1),
        )
    assert "từ ngày họp (25/03/2020)" in error.value.message_dict["due_on"][0]


def test_an_agency_of_another_organization_is_refused(conclusion, world, office):
    foreign = Agency.objects.create(owner=world.district, name="Văn phòng Huyện ủy")
    with pytest.raises(ValidationError) as error:
        services.task_assign(
            acting_user=office, conclusion=conclusion, title="X", agencies=[foreign], due_on=DAY
        )
    assert "Văn phòng Huyện ủy không thuộc" in error.value.message_dict["agencies"][0]


def test_assigning_records_the_lead_and_an_event(task, agencies):
    lead = task.assignments.get(lead=True)
    assert lead.agency == agencies["btc"]
    assert task.assignments.count() == 3
    assert task.state == TaskState.GIAO
    event = task.events.get()
    assert (event.kind, event.to_state) == (TaskEventKind.GIAO, TaskState.GIAO)
    assert "Ban Tổ chức Tỉnh ủy" in event.note and "10/04/2020" in event.note


def test_progress_moves_the_task_along_and_100_percent_completes_it(task, agencies, office):
    report(task, office, agencies["btc"], 40, note="Đã tổng hợp ý kiến")
    task.refresh_from_db()
    assert (task.state, task.percent_done) == (TaskState.DANG_THUC_HIEN, 40)

    attachment = SimpleUploadedFile("Báo cáo hoàn thiện.pdf", PDF)
    report(task, office, agencies["btg"], 100, on=date(2020, 4, 8), attachment=attachment)
    task.refresh_from_db()
    assert task.state == TaskState.HOAN_THANH and task.completed_on == date(2020, 4, 8)
    final = TaskProgress.objects.get(percent=100)
    assert final.file_name == "Báo cáo hoàn thiện.pdf" and final.file.name.startswith("nhiem-vu/")

    kinds = list(task.events.order_by("id").values_list("kind", "from_state", "to_state"))
    assert kinds == [
        (TaskEventKind.GIAO, "", TaskState.GIAO),
        (TaskEventKind.TIEN_DO, TaskState.GIAO, TaskState.DANG_THUC_HIEN),
        (TaskEventKind.TIEN_DO, TaskState.DANG_THUC_HIEN, TaskState.HOAN_THANH),
    ]
    with pytest.raises(ValidationError) as error:
        report(task, office, agencies["btc"], 100)
    assert "đã hoàn thành ngày 08/04/2020" in error.value.message_dict["__all__"][0]


def test_progress_is_checked(task, agencies, office, world):
    other = Agency.objects.create(owner=world.province, name="Ban Dân vận Tỉnh ủy")
    with pytest.raises(ValidationError) as error:
        report(task, office, other, 150, on=date(2020, 3, 1))
    errors = error.value.message_dict
    assert "không được giao nhiệm vụ này" in errors["agency"][0]
    assert "Tiến độ là một số từ 0 đến 100" in errors["percent"][0]
    assert "từ ngày giao" in errors["reported_on"][0]
    with pytest.raises(ValidationError) as error:
        report(
            task,
            office,
            agencies["btc"],
            50,
            attachment=SimpleUploadedFile("anh.pdf", b"\x89PNG\r\n\x1a\n"),
        )
    assert "không phải là tệp .pdf" in error.value.message_dict["attachment"][0]
    assert not TaskProgress.objects.exists()
    task.refresh_from_db()
    assert task.state == TaskState.GIAO


def test_the_agencys_own_people_see_its_tasks_and_report_for_it(task, agencies, world):
    staff = world.users["staff"]  # committee staff of the district, an assigned agency
    assert AssignedTask.objects.visible_to(staff, VIEW).filter(pk=task.pk).exists()
    assert not can(staff, CHANGE, task)
    assert services.reportable_agencies(staff, task) == [agencies["district"]]

    with pytest.raises(ValidationError) as error:
        report(task, staff, agencies["btc"], 30)
    assert "cho cơ quan của mình" in error.value.message_dict["agency"][0]
    report(task, staff, agencies["district"], 30)
    with pytest.raises(OutOfScope):
        services.task_update(acting_user=staff, task=task, due_on=date(2020, 5, 1))


def test_readers_and_strangers_cannot_report(task, agencies, world):
    for persona in ("inspector", "committee_member"):
        with pytest.raises(OutOfScope):
            report(task, world.users[persona], agencies["btc"], 10)
    outsider = world.users["outsider"]
    assert not AssignedTask.objects.visible_to(outsider).filter(pk=task.pk).exists()
    with pytest.raises(OutOfScope):
        report(task, outsider, agencies["district"], 10)
    assert not TaskProgress.objects.exists()


def test_the_list_per_agency_and_the_overdue_flag(task, agencies, office, world):
    assert list(selectors.task_list(office, agency=agencies["btg"])) == [task]
    assert list(selectors.task_list(office, agency=agencies["vp"])) == []
    late = selectors.task_list(office, overdue=True, today=date(2020, 4, 11))
    assert [t.pk for t in late] == [task.pk] and late[0].overdue
    assert not selectors.task_list(office, overdue=True, today=date(2020, 4, 10)).exists()
    for today, expected in ((date(2020, 4, 1), (1, 0)), (date(2020, 4, 11), (1, 1))):
        counts = {
            a.name: (a.open_count, a.overdue_count)
            for a in selectors.agency_list(office, today=today)
        }
        assert counts["Ban Tuyên giáo Tỉnh ủy"] == expected
    staff_agencies = list(selectors.agency_list(world.users["staff"]))
    assert [a.name for a in staff_agencies] == ["Huyện ủy An Bình"]


def test_the_overdue_sweep_marks_late_tasks_and_a_new_due_date_lifts_it(task, office):
    assert services.tasks_flag_overdue(today=date(2020, 4, 11)) == 1
    task.refresh_from_db()
    assert task.state == TaskState.QUA_HAN
    assert task.events.filter(kind=TaskEventKind.QUA_HAN, actor__isnull=True).exists()
    assert services.tasks_flag_overdue(today=date(2020, 4, 12)) == 0

    services.task_update(acting_user=office, task=task, due_on=date(2099, 1, 1))
    task.refresh_from_db()
    assert task.state == TaskState.GIAO
    event = task.events.filter(kind=TaskEventKind.GIA_HAN).get()
    assert "10/04/2020 → 01/01/2099" in event.note and event.from_state == TaskState.QUA_HAN


def test_carry_over_and_the_report_back_at_the_next_conference(
    conference, conclusion, task, agencies, office, world
):
    second = services.task_assign(
        acting_user=office,
        conclusion=conclusion,
        title="Tuyên truyền kết quả hội nghị",
        agencies=[agencies["btg"]],
        due_on=date(2020, 4, 30),
    )
    report(task, office, agencies["btc"], 100, on=date(2020, 4, 8))
    later = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=33,
        date=date(2020, 5, 5),
        session=Session.CHIEU,
        place="Hội trường Tỉnh ủy",
    )
    with pytest.raises(ValidationError):
        services.task_carry_over(acting_user=office, task=task, to_conference=later)
    services.task_carry_over(
        acting_user=office, task=second, to_conference=later, due_on=date(2020, 6, 30)
    )
    second.refresh_from_db()
    assert (second.state, second.carried_to, second.due_on) == (
        TaskState.CHUYEN_TIEP,
        later,
        date(2020, 6, 30),
    )

    back = selectors.report_back(later)
    assert back.previous == conference
    assert [t.pk for t in back.completed] == [task.pk]
    assert [t.pk for t in back.open] == [second.pk]
    assert selectors.report_back(conference).previous is None


def test_completion_after_the_next_conference_counts_as_open_there(
    conference, conclusion, task, agencies, office, world
):
    later = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=33,
        date=date(2020, 4, 5),
        session=Session.SANG,
        place="Hội trường",
    )
    report(task, office, agencies["btc"], 100, on=date(2020, 4, 8))
    back = selectors.report_back(later)
    assert [t.pk for t in back.open] == [task.pk] and back.completed == []


def test_agencies_are_unique_per_owner_and_their_organization_under_it(world, office):
    services.agency_create(acting_user=office, owner=world.province, name="Ban Nội chính Tỉnh ủy")
    with pytest.raises(ValidationError) as error:
        services.agency_create(
            acting_user=office, owner=world.province, name="ban nội chính tỉnh ủy"
        )
    assert "đã có cơ quan" in error.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as error:
        services.agency_create(
            acting_user=world.users["staff"],
            owner=world.grassroots,
            name="Đảng bộ cấp trên",
            kind=AgencyKind.TO_CHUC_DANG,
            organization=world.district,
        )
    assert "phải thuộc Đảng bộ xã An Phú" in error.value.message_dict["organization"][0]


def test_the_daily_command_flags_overdue_tasks(task):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("tasks_overdue", ngay="11/04/2020", stdout=out)
    assert "Đã chuyển 1 nhiệm vụ" in out.getvalue()
    task.refresh_from_db()
    assert task.state == TaskState.QUA_HAN


def test_the_daily_command_speaks_english_when_english_is_active(task):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    out = StringIO()
    with translation.override("en"):
        call_command("tasks_overdue", ngay="11/04/2020", stdout=out)
    assert out.getvalue().strip() == "Marked 1 task as «overdue»."


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Ngày không hợp lệ: «31/02/2020» (định dạng dd/mm/yyyy)"),
        ("en", "Invalid date: «31/02/2020» (format dd/mm/yyyy)"),
    ],
)
def test_the_daily_command_refuses_an_impossible_date(db, language, message):
    from django.core.management import CommandError, call_command
    from django.utils import translation

    with translation.override(language), pytest.raises(CommandError) as error:
        call_command("tasks_overdue", ngay="31/02/2020")
    assert str(error.value) == message
