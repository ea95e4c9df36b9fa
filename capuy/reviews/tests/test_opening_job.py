"""Opening a cycle as a background job (capuy/reviews/tasks.py): the page checks first, then
starts the job and shows its progress; the opening itself stays set-based.

settings_test runs tasks with django-tasks' ImmediateBackend, so the job runs inside the
request that starts it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capuy.jobs.models import Job, JobStatus
from capuy.reviews import opening, tasks
from capuy.reviews.models import Review, ReviewCycle
from capuy.reviews.testing import big_grassroots, open_cycle, rule_set


@pytest.fixture
def background(settings):
    """Every scope goes to the background job (the test world is small)."""
    settings.CAPUY_REVIEW_OPEN_SYNC_MEMBERS = -1


def form_data(world, code="qd132-hd21", year=2019, **extra):
    return {
        "rule_set": rule_set(code).pk,
        "organization": world.province.pk,
        "period_kind": "year",
        "year": year,
        **extra,
    }


def job_url(job) -> str:
    return f"{reverse('reviews:cycle_open')}?job={job.pk}"


def test_a_small_scope_is_still_opened_in_the_request(as_user, world):
    assert not tasks.runs_in_background(world.province)
    response = as_user("office").post(reverse("reviews:cycle_open"), form_data(world))
    cycle = ReviewCycle.objects.get()
    assert response["Location"] == cycle.get_absolute_url()
    assert not Job.objects.exists()


def test_a_large_scope_is_opened_by_a_job_whose_page_links_the_cycle(as_user, world, background):
    client = as_user("office")
    response = client.post(reverse("reviews:cycle_open"), form_data(world))

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert job.kind == tasks.OPEN_JOB and job.user == world.users["office"]
    assert job.status == JobStatus.DONE and job.finished_at is not None
    cycle = ReviewCycle.objects.get()
    assert job.params["cycle_id"] == cycle.pk
    assert cycle.opened_by == world.users["office"]
    # The same subjects as the synchronous opening (test_views: 13 in the test world).
    assert Review.objects.filter(cycle=cycle).count() == 13 == job.done == job.total
    assert (
        job.params["counts"]["member"]
        == Review.objects.filter(cycle=cycle, subject_kind="member").count()
    )
    assert "Đã mở đợt:" in job.message

    page = client.get(job_url(job))
    html = page.content.decode()
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert 'data-testid="cycle-open-done"' in html and cycle.get_absolute_url() in html
    assert "hx-trigger" not in html  # finished: no more polling
    assert job.title in html


def test_the_progress_part_polls_until_the_job_ends(as_user, world):
    job = Job.objects.create(
        user=world.users["office"], kind=tasks.OPEN_JOB, title="Mở đợt: thử", params={}
    )
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=40, total=160, message="Đã ghi 40 tổ chức đảng"
    )
    response = as_user("office").get(job_url(job), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="cycle-open-progress"' in html
    assert 'hx-trigger="every 1s"' in html and job_url(job) in html
    assert 'aria-valuenow="25"' in html and "40/160" in html
    assert "Đã ghi 40 tổ chức đảng" in html
    assert 'data-testid="cycle-open-done"' not in html


def test_the_form_shows_the_service_errors_before_any_job_starts(as_user, world, background):
    response = as_user("office").post(
        reverse("reviews:cycle_open"), form_data(world, code="qd366-hd43")
    )
    assert response.status_code == 422
    assert "không áp dụng cho năm 2019" in response.content.decode()
    assert not Job.objects.exists() and not ReviewCycle.objects.exists()


def test_a_second_cycle_for_the_same_scope_and_period_is_refused_on_the_form(
    as_user, world, background
):
    open_cycle(world)
    response = as_user("office").post(reverse("reviews:cycle_open"), form_data(world))
    assert response.status_code == 422
    assert "Phạm vi này đã có đợt đánh giá cho kỳ này." in response.content.decode()
    assert not Job.objects.exists() and ReviewCycle.objects.count() == 1


def test_a_job_that_meets_a_refusal_when_it_runs_fails_with_the_reason(as_user, world):
    job = Job.objects.create(
        user=world.users["office"],
        kind=tasks.OPEN_JOB,
        title="Mở đợt",
        params=tasks.open_arguments_to_params(
            {
                "rule_set": rule_set(),
                "organization": world.province,
                "year": 2019,
                "period_kind": "year",
            }
        ),
    )
    open_cycle(world)  # someone opened the same cycle between the click and the run

    tasks.open_cycle.enqueue(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Phạm vi này đã có đợt đánh giá cho kỳ này." in job.message
    html = as_user("office").get(job_url(job)).content.decode()
    assert 'data-testid="cycle-open-failed"' in html and "hx-trigger" not in html


def test_the_job_page_is_private_to_whoever_started_it(as_user, world, background):
    as_user("office").post(reverse("reviews:cycle_open"), form_data(world))
    job = Job.objects.get()
    assert as_user("admin").get(job_url(job)).status_code == 404
    assert as_user("office").get(job_url(job)).status_code == 200
    url = reverse("reviews:cycle_open")
    assert as_user("office").get(f"{url}?job=not-a-uuid").status_code == 404
    # Another kind of job of the same user is not shown here.
    other = Job.objects.create(user=world.users["office"], kind="members.export_xlsx", title="X")
    assert as_user("office").get(job_url(other)).status_code == 404
    # A persona who may not open cycles gets no job page either.
    assert as_user("inspector").get(job_url(job)).status_code in (403, 404)


def test_check_opening_runs_the_checks_and_writes_nothing(world):
    office = world.users["office"]
    opening.check_opening(
        acting_user=office, rule_set=rule_set(), organization=world.province, year=2019
    )
    assert not ReviewCycle.objects.exists() and not Review.objects.exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="không áp dụng cho năm 2019"):
        opening.check_opening(
            acting_user=office,
            rule_set=rule_set("qd366-hd43"),
            organization=world.province,
            year=2019,
        )
    # The checking mode ends with the check: a real opening afterwards inserts subjects.
    assert Review.objects.filter(cycle=open_cycle(world)).count() == 13


def test_the_opening_reports_each_step_with_the_counts_so_far(world):
    heard = []
    with opening.reporting(lambda step, counts: heard.append((step, counts.total))):
        cycle = open_cycle(world)
    assert [step for step, _ in heard] == list(opening.STEPS)
    totals = [total for _, total in heard]
    assert totals == sorted(totals) and totals[-1] == Review.objects.filter(cycle=cycle).count()
    # Outside the block nobody listens.
    heard.clear()
    open_cycle(world, year=2020)
    assert heard == []


def test_opening_is_set_based_the_query_count_does_not_grow_with_members(world):
    def queries_to_open(year: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            open_cycle(world, year=year)
        return len(captured)

    queries_to_open(2019)  # warms the per-process caches (content types, …)
    before = queries_to_open(2020)
    big_grassroots(world, members=60)
    after = queries_to_open(2021)
    assert after == before
    assert (
        Review.objects.filter(cycle__year=2021).count()
        >= Review.objects.filter(cycle__year=2020).count() + 60
    )
