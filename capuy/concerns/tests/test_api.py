"""The concerns API: scoped reads, writes through the services, a skip answered with a 400."""

from datetime import date

import pytest

from capuy.concerns.choices import ConcernStatus
from capuy.concerns.models import Concern
from capuy.core.testing import sign_in
from capuy.reports.testing import build_figures


@pytest.fixture
def figures(world):
    return build_figures(world)


def api(client, user):
    sign_in(client, user)
    return client


def test_the_list_is_scoped_and_filterable(figures, client):
    office = api(client, figures.world.users["office"])
    rows = office.get("/api/v1/concerns/").json()["results"]
    assert len(rows) == 3
    overdue = office.get("/api/v1/concerns/", {"overdue": "true"}).json()["results"]
    assert [r["summary"] for r in overdue] == ["Đường liên thôn xuống cấp"]
    assert overdue[0]["overdue"] is True
    opened = office.get("/api/v1/concerns/", {"status": "open"}).json()["results"]
    assert len(opened) == 1
    under = office.get("/api/v1/concerns/", {"org": figures.world.cell.pk}).json()["results"]
    assert [r["summary"] for r in under] == ["Thiếu đèn đường"]


def test_an_outsider_sees_none(figures, client):
    outsider = api(client, figures.world.users["outsider"])
    assert outsider.get("/api/v1/concerns/").json()["results"] == []
    pk = figures.concerns["forwarded"].pk
    assert outsider.get(f"/api/v1/concerns/{pk}/").status_code == 404


def test_creating_a_concern_calls_the_service(figures, client):
    world = figures.world
    categories = figures.concerns["on_spot"].category
    secretary = api(client, world.users["secretary"])
    response = secretary.post(
        "/api/v1/concerns/",
        {
            "meeting": figures.meetings["home"].pk,
            "category": categories.pk,
            "summary": "Đề nghị lắp camera an ninh",
            "received_by": world.members["lan"].pk,
            "status": "chuyen",
            "agency": "Công an xã",
            "due_on": "2019-04-05",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "chuyen"
    concern = Concern.objects.get(pk=response.json()["id"])
    assert concern.events.get().by == world.users["secretary"]


def test_a_create_breaking_a_rule_is_a_400_naming_the_field(figures, client):
    office = api(client, figures.world.users["office"])
    response = office.post(
        "/api/v1/concerns/",
        {
            "meeting": figures.meetings["home"].pk,
            "category": figures.concerns["on_spot"].category_id,
            "summary": "X",
            "status": "tai_cho",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "answer" in response.json()


def test_a_meeting_outside_scope_cannot_be_named(figures, client):
    outsider = api(client, figures.world.users["outsider"])
    response = outsider.post(
        "/api/v1/concerns/",
        {
            "meeting": figures.meetings["home"].pk,
            "category": figures.concerns["on_spot"].category_id,
            "summary": "X",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Concern.objects.count() == 3


def test_transition_moves_one_step_and_refuses_a_skip(figures, client):
    office = api(client, figures.world.users["office"])
    concern = Concern.objects.create(
        meeting=figures.meetings["march"],
        cell_path=figures.meetings["march"].cell.path,
        raised_on=date(2019, 3, 5),
        category=figures.concerns["on_spot"].category,
        summary="Mới",
    )
    url = f"/api/v1/concerns/{concern.pk}/transition/"
    skip = office.post(
        url, {"to_status": "da_gq", "answer": "xong"}, content_type="application/json"
    )
    assert skip.status_code == 400
    message = skip.json()["to_status"][0]
    assert "«Mới tiếp nhận»" in message and "«Đã giải quyết»" in message
    step = office.post(url, {"to_status": "dang_gq"}, content_type="application/json")
    assert step.status_code == 200 and step.json()["status"] == ConcernStatus.DANG_GIAI_QUYET
    events = office.get("/api/v1/concern-events/", {"concern": concern.pk}).json()["results"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [("moi", "dang_gq")]


def test_read_only_roles_cannot_transition(figures, client):
    inspector = api(client, figures.world.users["inspector"])
    pk = figures.concerns["forwarded"].pk
    response = inspector.post(
        f"/api/v1/concerns/{pk}/transition/",
        {"to_status": "dang_gq"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_categories_are_listed(figures, client):
    office = api(client, figures.world.users["office"])
    names = [c["name"] for c in office.get("/api/v1/concern-categories/").json()]
    assert names[:3] == ["Đất đai", "Chính sách", "Môi trường"]
