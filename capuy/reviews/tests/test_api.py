"""The review API: same scoping and the same services (and refusals) as the pages."""

import pytest

from capuy.jobs.models import Job
from capuy.reviews import services, tasks
from capuy.reviews.models import Review, ReviewCycle, ReviewEvent
from capuy.reviews.testing import big_grassroots, manifestation, open_cycle, review_of, rule_set


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


def test_the_day_of_the_meeting_goes_on_the_event_and_a_future_one_is_refused(api, world, cycle):
    client = api("secretary")
    review = review_of(cycle, world.members["lan"])
    url = f"/api/v1/reviews/{review.pk}/"
    step = {"level": "HTTNV", "manifestations": [manifestation("A1").pk]}
    response = client.post(url + "self-assess/", {**step, "held_on": "2999-01-01"}, format="json")
    assert response.status_code == 400
    assert "chưa tới" in response.json()["held_on"][0]
    response = client.post(url + "self-assess/", {**step, "held_on": "2019-12-20"}, format="json")
    assert response.status_code == 200, response.json()
    events = client.get("/api/v1/review-events/", {"review": review.pk}).json()["results"]
    assert [(e["step"], e["held_on"]) for e in events] == [("self", "2019-12-20")]


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


# --- a large opening runs as a job, like the page (capuy/reviews/tasks.py) ---------------------


@pytest.fixture
def large(settings):
    """Every scope counts as large (the test world is small)."""
    settings.CAPUY_REVIEW_OPEN_SYNC_MEMBERS = -1


@pytest.fixture
def queued(settings):
    """Tasks are only queued (settings_test otherwise runs them at once); ``.results`` lists
    what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    return task_backends["default"]


def open_body(world, code="qd132-hd21", **extra):
    return {"rule_set": rule_set(code).pk, "organization": world.province.pk, "year": 2019, **extra}


def test_a_large_opening_answers_202_with_the_job_and_queues_it(api, world, large, queued):
    client = api("office")

    response = client.post("/api/v1/review-cycles/", open_body(world), format="json")

    assert response.status_code == 202, response.json()
    job = Job.objects.get()
    body = response.json()
    assert body["id"] == str(job.pk) and body["kind"] == tasks.OPEN_JOB
    assert body["status"] == "queued" and body["result"] is None
    assert body["url"] == f"http://testserver/api/v1/jobs/{job.pk}/" == response["Location"]
    assert job.user == world.users["office"] and job.params["year"] == 2019
    assert [r.kwargs for r in queued.results] == [{"job_id": str(job.pk)}]
    assert not ReviewCycle.objects.exists()

    # when the worker runs it
    tasks.open_cycle.call(job_id=str(job.pk))

    # then polling the job shows the cycle
    polled = client.get(response["Location"]).json()
    cycle = ReviewCycle.objects.get()
    assert polled["status"] == "done" and polled["finished_at"]
    assert polled["done"] == polled["total"] == Review.objects.filter(cycle=cycle).count() == 13
    result = polled["result"]
    assert (result["type"], result["id"]) == ("review-cycle", cycle.pk)
    assert result["url"] == f"http://testserver/api/v1/review-cycles/{cycle.pk}/"
    assert result["page_url"] == f"http://testserver{cycle.get_absolute_url()}"
    assert result["data"]["counts"] == {
        "organization": 6,
        "member": 5,
        "collective": 1,
        "leader": 1,
    }
    assert client.get(result["url"]).json()["id"] == cycle.pk


def test_a_large_opening_keeps_the_deadlines_and_name_it_was_sent(api, world, large):
    # settings_test's immediate backend runs the job inside the request
    response = api("office").post(
        "/api/v1/review-cycles/",
        open_body(world, name="Đợt thử", deadlines={"co_so": "2020-01-15"}),
        format="json",
    )

    assert response.status_code == 202 and response.json()["status"] == "done"
    cycle = ReviewCycle.objects.get()
    assert cycle.name == "Đợt thử" and cycle.deadlines == {"co_so": "2020-01-15"}
    assert response.json()["result"]["id"] == cycle.pk


def test_an_invalid_large_opening_is_refused_like_a_small_one_and_starts_no_job(
    api, world, large, queued
):
    response = api("office").post(
        "/api/v1/review-cycles/", open_body(world, code="qd366-hd43"), format="json"
    )

    assert response.status_code == 400
    assert "không áp dụng cho năm 2019" in response.json()["rule_set"][0]
    assert not Job.objects.exists() and not queued.results


def test_a_second_large_opening_of_the_same_period_is_refused(api, world, large):
    open_cycle(world)
    response = api("office").post("/api/v1/review-cycles/", open_body(world), format="json")
    assert response.status_code == 400
    assert "Phạm vi này đã có đợt đánh giá cho kỳ này." in str(response.json())
    assert not Job.objects.exists() and ReviewCycle.objects.count() == 1


def test_a_large_opening_out_of_the_users_reach_is_refused_before_any_job(api, world, large):
    # staff changes its district only: the province is visible to no one below it
    response = api("staff").post("/api/v1/review-cycles/", open_body(world), format="json")
    assert response.status_code in (400, 403)
    response = api("secretary").post(
        "/api/v1/review-cycles/", open_body(world, organization=world.cell.pk), format="json"
    )
    assert response.status_code == 403
    assert not Job.objects.exists() and not ReviewCycle.objects.exists()
