"""The meetings API: same rules and scope as the pages, writes through the services."""

from datetime import date, timedelta

from django.utils import timezone

from capuy.meetings.choices import Confirmation, MeetingStatus
from capuy.meetings.models import Attendance, AttendanceRule, CellMeeting, FieldVisit
from capuy.meetings.testing import meeting_at


def test_the_office_creates_a_rule_with_default_quotas_and_edits_them(api, world):
    client = api("office")
    response = client.post(
        "/api/v1/attendance-rules/",
        {
            "organization": world.province.pk,
            "number": "01-QĐ/TU",
            "title": "Quy định dự sinh hoạt chi bộ",
            "issued_on": "2011-06-30",
            "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "effective_from": "2011-06-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert {q["level"]: q["min_attendances"] for q in response.json()["quotas"]} == {
        "tinh": 2,
        "huyen": 6,
        "xa": 6,
    }
    rule_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/attendance-rules/{rule_id}/",
        {"quotas": [{"level": "tinh", "min_attendances": 4, "min_field_days": 10}]},
        format="json",
    )
    assert response.status_code == 200
    quotas = {
        q["level"]: (q["min_attendances"], q["min_field_days"]) for q in response.json()["quotas"]
    }
    assert quotas["tinh"] == (4, 10)


def test_a_cell_secretary_cannot_write_a_rule(api, world):
    response = api("secretary").post(
        "/api/v1/attendance-rules/",
        {
            "organization": world.cell.pk,
            "number": "X",
            "title": "X",
            "issued_on": "2019-01-01",
            "issuing_body": "X",
            "effective_from": "2019-01-01",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not AttendanceRule.objects.exists()


def test_the_secretary_records_an_attendance_confirmed_at_once(api, world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    response = api("secretary").post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.tuan.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == "tinh" and body["confirmation"] == "confirmed"
    assert body["seat_label"] == "Ủy viên BCH Đảng bộ tỉnh"


def test_an_attendance_for_a_seat_not_held_that_day_is_a_400_in_vietnamese(api, world, gw):
    meeting = meeting_at(world.cell, date(2014, 3, 5), status=MeetingStatus.HELD)
    response = api("office").post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.tuan.pk}, format="json"
    )
    assert response.status_code == 400
    assert "giữ chức vụ vào ngày 05/03/2014" in response.json()["member"][0]


def test_a_duplicate_attendance_is_a_400_and_nothing_changes(api, world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    client = api("office")
    client.post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.tuan.pk}, format="json"
    )
    response = client.post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.tuan.pk}, format="json"
    )
    assert response.status_code == 400
    assert "đã được ghi dự" in response.json()["member"][0]
    assert Attendance.objects.count() == 1


def test_confirm_and_dispute_are_the_cell_secretarys(api, world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    created = (
        api("office")
        .post("/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.tuan.pk}, format="json")
        .json()
    )
    assert created["confirmation"] == "pending"
    url = f"/api/v1/attendances/{created['id']}/"
    assert api("office").post(url + "confirm/").status_code == 403
    assert api("secretary").post(url + "dispute/", {"reason": ""}, format="json").status_code == 400
    response = api("secretary").post(url + "dispute/", {"reason": "Không có mặt"}, format="json")
    assert response.json()["confirmation"] == "disputed"
    assert api("secretary").post(url + "confirm/").json()["confirmation"] == "confirmed"
    assert Attendance.objects.get().confirmation == Confirmation.CONFIRMED


def test_marking_a_future_meeting_held_is_a_400_on_date(api, world):
    meeting = meeting_at(world.cell, timezone.localdate() + timedelta(days=1))
    response = api("secretary").post(
        f"/api/v1/meetings/{meeting.pk}/record-held/", {}, format="json"
    )
    assert response.status_code == 400
    assert "date" in response.json()
    assert CellMeeting.objects.get().status == MeetingStatus.SCHEDULED


def test_a_schedule_generates_its_meetings_through_the_api(api, world):
    client = api("secretary")
    response = client.post(
        "/api/v1/meeting-schedules/",
        {"cell": world.cell.pk, "day_of_month": 5, "starts_on": "2019-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/v1/meeting-schedules/{response.json()['id']}/generate/"
    assert client.post(url, {"until": "2019-06-30"}, format="json").json() == {"created": 6}
    assert client.post(url, {"until": "2019-06-30"}, format="json").json() == {"created": 0}
    listed = client.get("/api/v1/meetings/", {"year": 2019}).json()
    assert listed["count"] == 6


def test_lists_are_scoped_and_readers_cannot_write(api, world, gw):
    inside = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    meeting_at(world.outside_cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    assert [m["id"] for m in api("secretary").get("/api/v1/meetings/").json()["results"]] == [
        inside.pk
    ]
    response = api("inspector").post(
        "/api/v1/attendances/", {"meeting": inside.pk, "member": gw.tuan.pk}, format="json"
    )
    assert response.status_code == 403
    outside = CellMeeting.objects.get(cell=world.outside_cell)
    response = api("secretary").post(
        f"/api/v1/meetings/{outside.pk}/record-held/", {}, format="json"
    )
    assert response.status_code == 404


def test_a_member_id_outside_the_upper_committees_is_not_confirmed_to_exist(api, world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    stranger = world.members["hung_outside"]
    response = api("secretary").post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": stranger.pk}, format="json"
    )
    assert response.status_code == 400
    assert stranger.full_name not in str(response.json())


def test_field_visits_through_the_api(api, world, gw):
    response = api("office").post(
        "/api/v1/field-visits/",
        {
            "member": gw.tuan.pk,
            "organization": world.grassroots.pk,
            "date": "2019-05-02",
            "purpose": "Khảo sát",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == "tinh"
    assert FieldVisit.objects.count() == 1


def test_the_confirmed_only_filter_says_which_rows_count(api, world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    api("office").post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.tuan.pk}, format="json"
    )
    api("secretary").post(
        "/api/v1/attendances/", {"meeting": meeting.pk, "member": gw.binh.pk}, format="json"
    )
    client = api("office")
    assert client.get("/api/v1/attendances/").json()["count"] == 2
    assert client.get("/api/v1/attendances/", {"confirmed_only": "true"}).json()["count"] == 1


def test_the_schema_documents_every_meetings_resource_and_action_without_warnings(db):
    """Generated for this app's routes alone, so another app's warning cannot hide one of ours."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    from capuy.api import urls

    ours = ("attendance-rule", "meeting-schedule", "meeting-", "attendance-", "field-visit")
    patterns = [p for p in urls.router.urls if getattr(p, "name", "") and p.name.startswith(ours)]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include((patterns, "api")))]).get_schema(
        request=None, public=True
    )
    validate_schema(schema)
    assert not GENERATOR_STATS
    paths = schema["paths"]
    for resource in (
        "attendance-rules",
        "meeting-schedules",
        "meetings",
        "attendances",
        "field-visits",
    ):
        assert f"/api/v1/{resource}/" in paths and f"/api/v1/{resource}/{{id}}/" in paths
    for action in (
        "/api/v1/attendances/{id}/confirm/",
        "/api/v1/attendances/{id}/dispute/",
        "/api/v1/meetings/{id}/record-held/",
        "/api/v1/meeting-schedules/{id}/generate/",
    ):
        assert "post" in paths[action]
