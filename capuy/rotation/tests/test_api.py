"""The rotation API: create, run and adopt a plan; read and pin assignments; scope."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from capuy.accounts.models import ApiToken
from capuy.meetings.models import Attendance, CellMeeting
from capuy.rotation.models import RotationPlan


@pytest.fixture
def api(rw):
    def _client(persona: str) -> APIClient:
        _, raw = ApiToken.issue(user=rw.world.users[persona], name="thử")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return _client


def test_a_plan_is_created_run_and_adopted_through_the_api(rw, api):
    client = api("office")
    response = client.post(
        "/api/v1/rotation-plans/",
        {
            "organization": rw.world.province.pk,
            "name": "Kế hoạch qua API",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "max_per_month": 2,
            "time_limit": 10,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert response.json()["status"] == "draft"

    leaders = client.get("/api/v1/rotation-leaders/", {"plan": plan_id}).json()
    assert leaders["count"] == 5
    cells = client.get("/api/v1/rotation-cells/", {"plan": plan_id}).json()
    assert cells["count"] == 4 and all(c["priority"] for c in cells["results"])

    solved = client.post(
        f"/api/v1/rotation-plans/{plan_id}/run/", {"time_limit": 10}, format="json"
    )
    assert solved.status_code == 200
    body = solved.json()
    assert body["status"] == "solved" and body["solver_status"] == "OPTIMAL"
    assert body["proven_optimal"] is True and body["gap"] == 0
    assert body["objective"] == body["best_bound"]

    rows = client.get("/api/v1/rotation-assignments/", {"plan": plan_id}).json()
    assert rows["count"] == RotationPlan.objects.get(pk=plan_id).assignments.count()
    assert rows["results"][0]["explanation"].startswith("Đ/c ")

    adopted = client.post(f"/api/v1/rotation-plans/{plan_id}/adopt/")
    assert adopted.status_code == 200 and adopted.json()["status"] == "adopted"
    assert Attendance.objects.filter(status="planned").count() == rows["count"]


def test_pins_and_unavailability_through_the_api(rw, api, make_plan):
    client = api("office")
    plan = make_plan()
    leader = plan.leaders.exclude(member__cell=rw.cells[1]).first()
    away = client.post(
        "/api/v1/rotation-unavailabilities/",
        {
            "leader": leader.pk,
            "start_on": "2026-01-01",
            "end_on": "2026-01-31",
            "reason": "Công tác",
        },
        format="json",
    )
    assert away.status_code == 201 and away.json()["plan"] == plan.pk
    meeting = CellMeeting.objects.get(cell=rw.cells[1], date=date(2026, 3, 10))
    pin = client.post(
        "/api/v1/rotation-assignments/",
        {"plan": plan.pk, "leader": leader.pk, "meeting": meeting.pk},
        format="json",
    )
    assert pin.status_code == 201 and pin.json()["pinned"] is True
    # a pin inside the leader's absence is refused with a Vietnamese message on the field
    january = CellMeeting.objects.get(cell=rw.cells[1], date=date(2026, 1, 10))
    refused = client.post(
        "/api/v1/rotation-assignments/",
        {"plan": plan.pk, "leader": leader.pk, "meeting": january.pk},
        format="json",
    )
    assert refused.status_code == 400 and "lịch vắng" in refused.json()["meeting"][0]
    client.post(f"/api/v1/rotation-plans/{plan.pk}/run/", {}, format="json")
    assert plan.assignments.filter(leader=leader, meeting=meeting, pinned=True).exists()
    row = plan.assignments.get(leader=leader, meeting=meeting)
    unpinned = client.patch(
        f"/api/v1/rotation-assignments/{row.pk}/", {"pinned": False}, format="json"
    )
    assert unpinned.status_code == 200 and unpinned.json()["pinned"] is False


def test_read_only_and_outside_scope(rw, api, make_plan):
    plan = make_plan()
    inspector = api("inspector")
    assert inspector.get(f"/api/v1/rotation-plans/{plan.pk}/").status_code == 200
    assert (
        inspector.post(f"/api/v1/rotation-plans/{plan.pk}/run/", {}, format="json").status_code
        == 403
    )
    outsider = api("outsider")
    assert outsider.get(f"/api/v1/rotation-plans/{plan.pk}/").status_code == 404
    assert outsider.get("/api/v1/rotation-assignments/").json()["count"] == 0


def test_the_schema_documents_the_rotation_api(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    for resource in (
        "rotation-plans",
        "rotation-leaders",
        "rotation-cells",
        "rotation-unavailabilities",
        "rotation-assignments",
    ):
        assert f"/api/v1/{resource}/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/rotation-plans/{id}/run/"]
    assert "post" in schema["paths"]["/api/v1/rotation-plans/{id}/adopt/"]
