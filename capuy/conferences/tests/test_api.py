"""The conference API: same rules and scope as the pages, documented, fixed query counts."""

from datetime import date
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capuy.conferences import services
from capuy.conferences.choices import TaskState
from capuy.conferences.models import AssignedTask, Conference, ConferenceAttendance, TaskProgress

RESOURCES = [
    "conferences",
    "conference-attendances",
    "agenda-items",
    "conclusions",
    "agencies",
    "assigned-tasks",
    "task-events",
]


def test_office_creates_a_conference_and_a_duplicate_number_is_refused(api, world, seats):
    client = api("office")
    body = {
        "committee": world.bch.pk,
        "number": 32,
        "date": "2020-03-25",
        "session": "sang",
        "place": "Hội trường Tỉnh ủy",
        "chairs": [world.members["hung"].pk],
        "number_gap_reason": "Các hội nghị trước chưa nhập.",
    }
    response = client.post("/api/v1/conferences/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["seat_total"], data["present_total"], data["quorum_needed"]) == (4, 4, 3)
    assert data["quorum_reached"] is True

    response = client.post("/api/v1/conferences/", {**body, "date": "2020-04-01"}, format="json")
    assert response.status_code == 400
    assert "đã có hội nghị lần thứ 32" in response.json()["number"][0]
    assert Conference.objects.count() == 1


def test_attendance_for_a_non_seat_holder_is_refused(api, conference, world):
    client = api("office")
    response = client.post(
        "/api/v1/conference-attendances/",
        {"conference": conference.pk, "member": world.members["cuong"].pk, "status": "co_mat"},
        format="json",
    )
    assert response.status_code == 400
    assert "không giữ chức vụ nào" in response.json()["member"][0]
    assert not ConferenceAttendance.objects.filter(member=world.members["cuong"]).exists()

    row = conference.attendances.get(member=world.members["an"])
    response = client.patch(
        f"/api/v1/conference-attendances/{row.pk}/",
        {"status": "vang_co_ly_do", "reason": "Ốm"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["is_present"] is False


def test_a_task_without_agency_or_due_date_is_refused(api, conclusion):
    response = api("office").post(
        "/api/v1/assigned-tasks/",
        {"conclusion": conclusion.pk, "title": "Hoàn thiện báo cáo"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["agencies"] == ["Hãy chọn ít nhất một cơ quan được giao nhiệm vụ."]
    assert errors["due_on"] == ["Hãy nhập thời hạn hoàn thành nhiệm vụ."]
    assert not AssignedTask.objects.exists()


def test_office_assigns_and_the_agency_reports_through_the_api(api, conclusion, agencies):
    response = api("office").post(
        "/api/v1/assigned-tasks/",
        {
            "conclusion": conclusion.pk,
            "title": "Hoàn thiện báo cáo",
            "agencies": [agencies["btc"].pk, agencies["district"].pk],
            "due_on": "2020-04-10",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    task_id = response.json()["id"]
    assert [a["agency_name"] for a in response.json()["assignments"]][0] == "Ban Tổ chức Tỉnh ủy"

    staff = api("staff")
    listed = staff.get("/api/v1/assigned-tasks/").json()["results"]
    assert [t["id"] for t in listed] == [task_id]
    assert (
        staff.patch(
            f"/api/v1/assigned-tasks/{task_id}/", {"title": "Khác"}, format="json"
        ).status_code
        == 403
    )
    response = staff.post(
        f"/api/v1/assigned-tasks/{task_id}/progress/",
        {"agency": agencies["district"].pk, "reported_on": "2020-04-02", "percent": 100},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert AssignedTask.objects.get().state == TaskState.HOAN_THANH
    events = staff.get("/api/v1/task-events/", {"task": task_id}).json()["results"]
    assert [e["kind"] for e in events] == ["giao", "tien_do"]


def test_read_only_roles_cannot_report_through_the_api(api, task, agencies):
    response = api("inspector").post(
        f"/api/v1/assigned-tasks/{task.pk}/progress/",
        {"agency": agencies["btc"].pk, "reported_on": "2020-04-02", "percent": 10},
        format="json",
    )
    assert response.status_code == 403
    assert not TaskProgress.objects.exists()


def test_outside_scope_is_not_found(api, task, conference):
    client = api("outsider")
    assert client.get(f"/api/v1/conferences/{conference.pk}/").status_code == 404
    assert client.get(f"/api/v1/assigned-tasks/{task.pk}/").status_code == 404
    assert client.get("/api/v1/conferences/").json()["count"] == 0


def test_report_back_through_the_api(api, conference, task, agencies, office, world):
    services.task_report_progress(
        acting_user=office,
        task=task,
        agency=agencies["btc"],
        reported_on=date(2020, 4, 8),
        percent=100,
    )
    later = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=33,
        date=date(2020, 5, 5),
        session="chieu",
        place="Hội trường",
    )
    data = api("inspector").get(f"/api/v1/conferences/{later.pk}/report-back/").json()
    assert data["previous"] == conference.pk
    assert [t["id"] for t in data["completed"]] == [task.pk] and data["open"] == []


def test_carry_over_through_the_api(api, conference, task, office, world):
    later = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=33,
        date=date(2020, 5, 5),
        session="chieu",
        place="Hội trường",
    )
    response = api("office").post(
        f"/api/v1/assigned-tasks/{task.pk}/carry-over/",
        {"to_conference": later.pk, "due_on": "2020-06-30"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["carried_to"]) == ("chuyen_tiep", later.pk)


def add_tasks(conclusion, agencies, office, start, count):
    for i in range(start, start + count):
        services.task_assign(
            acting_user=office,
            conclusion=conclusion,
            title=f"Việc {i}",
            agencies=[agencies["btc"], agencies["vp"]],
            due_on=date(2020, 5, 1),
        )


def add_items(conclusion, agencies, office, start, count):
    for i in range(start, start + count):
        services.agenda_item_create(
            acting_user=office, conference=conclusion.conference, title=f"Nội dung {i}"
        )


def add_conferences(conclusion, agencies, office, start, count):
    conference = conclusion.conference
    for i in range(start, start + count):
        services.guest_add(acting_user=office, conference=conference, name=f"Khách {i}")
    for i in range(start, start + count):
        Conference.objects.create(
            committee=conference.committee,
            number=100 + i,
            date=date(2020, 6, 1),
            session="sang",
            place="Hội trường",
        )


# resource → (how to add rows, pinned queries: four for the request, COUNT, the page, and the
# prefetches)
LISTS = {
    "assigned-tasks": (add_tasks, 7),
    "agenda-items": (add_items, 7),
    "conferences": (add_conferences, 8),
    "task-events": (add_tasks, 6),
    "conference-attendances": (add_items, 6),
}


@pytest.mark.parametrize("resource", LISTS)
def test_list_query_count_does_not_grow(api, conclusion, agencies, office, resource):
    add_rows, pinned = LISTS[resource]
    client = api("office")
    url = f"/api/v1/{resource}/"
    add_rows(conclusion, agencies, office, 0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_rows(conclusion, agencies, office, 2, 20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many) == pinned


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    out = StringIO()
    with django_db_blocker.unblock():
        # The strict run (--fail-on-warn) over every app is capuy/api/tests/test_schema.py.
        call_command("spectacular", "--validate", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_the_schema_documents_every_resource(schema):
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in schema["paths"]
        assert f"/api/v1/{resource}/{{id}}/" in schema["paths"]
    assert "201" in schema["paths"]["/api/v1/assigned-tasks/{id}/progress/"]["post"]["responses"]
    assert "/api/v1/conferences/{id}/report-back/" in schema["paths"]
    enums = schema["components"]["schemas"]
    for name in ("ConferenceKindEnum", "AgencyKindEnum", "TaskEventKindEnum", "SessionEnum"):
        assert name in enums, name
