"""The review API: same scoping and the same services (and refusals) as the pages."""

import pytest
from rest_framework.test import APIClient

from capuy.core.testing import sign_in
from capuy.reviews import services
from capuy.reviews.models import Review, ReviewCycle, ReviewEvent
from capuy.reviews.testing import big_grassroots, manifestation, open_cycle, review_of, rule_set


@pytest.fixture
def api(world):
    def _as(name: str) -> APIClient:
        client = APIClient()
        sign_in(client, world.users[name])
        return client

    return _as


@pytest.fixture
def cycle(world):
    return open_cycle(world)


def test_a_cycle_is_opened_by_post_and_lists_its_subjects(api, world):
    response = api("office").post(
        "/api/v1/review-cycles/",
        {"rule_set": rule_set().pk, "organization": world.province.pk, "year": 2019},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["opened_counts"] == {"organization": 6, "member": 5, "collective": 1, "leader": 1}
    assert body["period_end"] == "2019-12-31"


def test_a_read_only_role_cannot_open_a_cycle(api, world):
    response = api("secretary").post(
        "/api/v1/review-cycles/",
        {"rule_set": rule_set().pk, "organization": world.cell.pk, "year": 2019},
        format="json",
    )
    assert response.status_code == 403
    assert not ReviewCycle.objects.exists()


def test_the_secretary_lists_the_provinces_cycle_and_only_her_cells_reviews(api, world, cycle):
    client = api("secretary")
    assert [c["id"] for c in client.get("/api/v1/review-cycles/").json()["results"]] == [cycle.pk]
    rows = client.get("/api/v1/reviews/", {"cycle": cycle.pk}).json()["results"]
    visible = set(Review.objects.visible_to(world.users["secretary"]).values_list("pk", flat=True))
    assert {row["id"] for row in rows} == visible
    names = {row["subject_name"] for row in rows}
    assert world.members["hung"].full_name in names
    assert world.members["an"].full_name not in names


def test_the_secretary_records_a_self_assessment_and_the_cells_proposal(api, world, cycle):
    client = api("secretary")
    review = review_of(cycle, world.members["lan"])
    url = f"/api/v1/reviews/{review.pk}/"
    response = client.post(
        url + "self-assess/",
        {"level": "HTTNV", "manifestations": [manifestation("A1").pk, manifestation("B3").pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["manifestations"] == ["A1", "B3"]
    response = client.post(url + "propose/", {"level": "HTTNV"}, format="json")
    assert response.json()["status"] == "proposed"
    events = client.get("/api/v1/review-events/", {"review": review.pk}).json()["results"]
    assert [e["step"] for e in events] == ["self", "propose"]


def test_a_self_assessment_without_linkage_is_refused_in_vietnamese(api, world, cycle):
    review = review_of(cycle, world.members["lan"])
    response = api("office").post(
        f"/api/v1/reviews/{review.pk}/self-assess/", {"level": "HTTNV"}, format="json"
    )
    assert response.status_code == 400
    assert "27 biểu hiện" in response.json()["manifestations"][0]


def test_read_only_roles_are_refused_the_steps(api, world, cycle):
    review = review_of(cycle, world.members["lan"])
    for persona in ("inspector", "committee_member"):
        response = api(persona).post(
            f"/api/v1/reviews/{review.pk}/self-assess/",
            {"level": "HTTNV", "manifestations": [manifestation().pk]},
            format="json",
        )
        assert response.status_code == 403
    assert not ReviewEvent.objects.exists()


def test_a_review_outside_scope_is_not_found(api, world, cycle):
    review = review_of(cycle, world.members["hung_outside"])
    client = api("secretary")
    assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/reviews/{review.pk}/self-assess/",
        {"level": "HTTNV", "manifestations": [manifestation().pk]},
        format="json",
    )
    assert response.status_code == 404


def test_deciding_over_quota_answers_with_the_group_and_numbers(api, world):
    grassroots, cell, people = big_grassroots(world, members=2)
    cycle = open_cycle(world)
    office = world.users["office"]
    first, second = (review_of(cycle, p) for p in people)
    for review in (first, second):
        services.review_self_assess(
            acting_user=office, review=review, level="HTTNV", manifestations=[manifestation()]
        )
    client = api("staff")
    assert (
        client.post(
            f"/api/v1/reviews/{first.pk}/decide/", {"level": "HTTNV"}, format="json"
        ).status_code
        == 200
    )
    quota = client.get(f"/api/v1/reviews/{second.pk}/quota/", {"level": "HTXSNV"}).json()
    assert (quota["excellent"], quota["good"], quota["maximum"], quota["allowed"]) == (
        0,
        1,
        0,
        False,
    )
    response = client.post(
        f"/api/v1/reviews/{second.pk}/decide/",
        {"level": "HTXSNV", "override_reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "đã có 0 HTXSNV / 1 HTTNV, tối đa 0" in response.json()["level"][0]


def test_a_decision_outside_the_competent_level_is_forbidden(api, world, cycle):
    review = review_of(cycle, world.district)
    services.review_self_assess(acting_user=world.users["office"], review=review, level="HTTNV")
    response = api("staff").post(
        f"/api/v1/reviews/{review.pk}/decide/", {"level": "HTTNV"}, format="json"
    )
    assert response.status_code == 403
    assert "Đảng bộ tỉnh Thử Nghiệm" in response.json()["detail"]


def test_reopen_and_exemption_through_the_api(api, world, cycle):
    office = world.users["office"]
    review = review_of(cycle, world.members["tuan"])
    services.review_self_assess(
        acting_user=office, review=review, level="HTTNV", manifestations=[manifestation()]
    )
    client = api("office")
    client.post(f"/api/v1/reviews/{review.pk}/decide/", {"level": "HTTNV"}, format="json")
    response = client.post(f"/api/v1/reviews/{review.pk}/reopen/", {"reason": "Khiếu nại"})
    assert response.json()["locked"] is False
    other = review_of(cycle, world.members["lan"])
    response = client.post(
        f"/api/v1/reviews/{other.pk}/exemption/",
        {"exemption": "mien_sinh_hoat", "note": "Tuổi cao"},
        format="json",
    )
    assert response.json()["status"] == "exempt"


def test_coverage_and_closing_a_level(api, world, cycle):
    client = api("office")
    coverage = client.get(f"/api/v1/review-cycles/{cycle.pk}/coverage/").json()
    levels = {row["key"]: row for row in coverage["levels"]}
    assert levels["co_so"]["required"] == 7 and levels["co_so"]["not_reviewed"] == 7
    response = client.post(
        f"/api/v1/review-cycles/{cycle.pk}/close-level/", {"level": "co_so"}, format="json"
    )
    assert response.status_code == 400
    assert "Chưa thể khóa sổ cấp cơ sở" in response.json()["level"][0]


def test_rule_sets_are_read_by_all_and_patched_by_the_office(api, world):
    rs = rule_set()
    body = api("secretary").get(f"/api/v1/rule-sets/{rs.pk}/").json()
    assert body["effective"]["quota"]["percent"] == "20.00"
    assert (
        api("staff").patch(f"/api/v1/rule-sets/{rs.pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    response = api("office").patch(
        f"/api/v1/rule-sets/{rs.pk}/", {"unconfirmed_notes": "Đã đối chiếu"}, format="json"
    )
    assert response.status_code == 200 and response.json()["unconfirmed_notes"] == "Đã đối chiếu"


def test_the_manifestations_catalogue(api, world):
    rows = api("secretary").get("/api/v1/manifestations/").json()["results"]
    assert len(rows) == 27 and rows[0]["code"] == "A1"
    a5 = manifestation("A5")
    assert (
        api("staff")
        .patch(f"/api/v1/manifestations/{a5.pk}/", {"confirmed": True}, format="json")
        .status_code
        == 403
    )
