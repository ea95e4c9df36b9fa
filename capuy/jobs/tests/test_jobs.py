import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capuy.jobs.models import Job, JobStatus
from capuy.jobs.services import (
    JOB_RESULTS,
    JobResult,
    job_finish,
    job_progress,
    job_result,
    job_running,
    job_start,
    result_filename,
)


@pytest.fixture
def job(world):
    return Job.objects.create(user=world.users["staff"], kind="members.export_xlsx", title="Xuất")


def test_job_page_polls_every_second_while_running(as_user, job):
    job_progress(job.pk, 250, 1000, "Đang ghi")

    html = as_user("staff").get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in html
    assert reverse("jobs:progress", args=[job.pk]) in html
    assert 'aria-valuenow="25"' in html and "250/1.000" in html
    assert 'data-testid="job-download"' not in html


def test_progress_stops_polling_and_offers_the_file_when_done(as_user, job):
    job_finish(job.pk, file=io.BytesIO(b"PK-test"), name="Danh sách.xlsx", message="Xong")

    html = as_user("staff").get(reverse("jobs:progress", args=[job.pk])).content.decode()

    assert "hx-trigger" not in html
    assert 'data-testid="job-download"' in html
    assert "<html" not in html


def test_job_progress_updates_the_row(job):
    job_progress(job.pk, 10, 40, "Đang ghi")

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.RUNNING, 10, 40, 25)


def test_failed_work_marks_the_job_failed(as_user, job):
    with pytest.raises(RuntimeError), job_running(job.pk):
        raise RuntimeError("boom")

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    html = as_user("staff").get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'data-testid="job-failed"' in html and "hx-trigger" not in html


def test_only_the_owner_sees_a_job(as_user, world, job):
    job_finish(job.pk, file=io.BytesIO(b"PK"), name="a.xlsx")
    for persona in ("office", "root", "outsider"):
        client = as_user(persona)
        for name in ("detail", "progress", "download"):
            response = client.get(reverse(f"jobs:{name}", args=[job.pk]))
            assert response.status_code == 404, (persona, name)


def test_download_of_an_unfinished_job_is_404(as_user, job):
    assert as_user("staff").get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_download_has_a_safe_content_disposition(as_user, job):
    job_finish(job.pk, file=io.BytesIO(b"PK"), name='../../"Danh sách"\r\nX: y.xlsx')

    response = as_user("staff").get(reverse("jobs:download", args=[job.pk]))

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "\r" not in disposition and "\n" not in disposition and ".." not in disposition
    assert response["Cache-Control"] == "private, no-store"
    job.refresh_from_db()
    assert "/" not in job.result_name and job.result_file.name.startswith("jobs/")


def test_result_filename_is_ascii_without_path_parts():
    assert result_filename("Danh sách đảng viên.xlsx") == "danh_sach_dang_vien.xlsx"
    assert result_filename("../../etc/passwd") == "passwd"
    assert result_filename("..\\a b.xlsx") == "a_b.xlsx"
    assert result_filename("...") == "ket_qua"
    assert result_filename("Báo cáo.XLSX") == "bao_cao.xlsx"


def test_job_list_shows_only_my_jobs(as_user, world, job):
    Job.objects.create(
        user=world.users["office"], kind="members.export_xlsx", title="Của văn phòng"
    )

    html = as_user("staff").get(reverse("jobs:list")).content.decode()

    assert f'data-testid="job-row-{job.pk}"' in html
    assert "Của văn phòng" not in html


def test_unknown_job_kind_is_refused(world):
    with pytest.raises(ValueError):
        job_start(user=world.users["staff"], kind="xoa-het", title="x", params={})
    assert not Job.objects.exists()


def test_anonymous_is_sent_to_login(client, job):
    response = client.get(reverse("jobs:detail", args=[job.pk]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_finished_cycle_opening_links_the_cycle_on_the_job_pages(as_user, world, settings):
    from capuy.reviews import tasks
    from capuy.reviews.models import ReviewCycle
    from capuy.reviews.testing import rule_set

    settings.CAPUY_REVIEW_OPEN_SYNC_MEMBERS = -1
    client = as_user("office")
    # settings_test's immediate backend runs the job inside the request
    client.post(
        reverse("reviews:cycle_open"),
        {
            "rule_set": rule_set().pk,
            "organization": world.province.pk,
            "period_kind": "year",
            "year": 2019,
        },
    )
    job = Job.objects.get(kind=tasks.OPEN_JOB)
    cycle = ReviewCycle.objects.get()
    link = f'href="{cycle.get_absolute_url()}" data-testid="job-result"'

    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    progress = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    listing = client.get(reverse("jobs:list")).content.decode()

    assert link in detail and link in progress and "hx-trigger" not in progress
    assert 'data-testid="job-download"' not in detail
    assert f'href="{cycle.get_absolute_url()}" data-testid="job-result-{job.pk}"' in listing


def test_an_unfinished_or_failed_cycle_opening_links_nothing(as_user, world):
    job = Job.objects.create(
        user=world.users["office"], kind="reviews.open_cycle", title="Mở đợt", params={}
    )
    client = as_user("office")
    running = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="Lỗi")
    failed = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()

    assert 'data-testid="job-result"' not in running
    assert 'data-testid="job-result"' not in failed and 'data-testid="job-failed"' in failed


def test_a_cycle_the_user_can_no_longer_see_is_not_linked_on_the_job_pages(
    as_user, world, cycle_job, move_staff_away
):
    # given a finished opening whose cycle the staff saw when it ran
    job, cycle = cycle_job
    client = as_user("staff")
    pages = (
        reverse("jobs:detail", args=[job.pk]),
        reverse("jobs:progress", args=[job.pk]),
        reverse("jobs:list"),
    )
    assert all(cycle.get_absolute_url() in client.get(url).content.decode() for url in pages)

    # when their role moves to the other district
    move_staff_away()

    # then the pages still show the job, done, but neither link nor name the cycle
    assert client.get(cycle.get_absolute_url()).status_code == 404
    for url in pages:
        html = client.get(url).content.decode()
        assert cycle.get_absolute_url() not in html, url
        assert cycle.name not in html, url
        assert 'data-testid="job-result"' not in html, url
        assert f'data-testid="job-result-{job.pk}"' not in html, url
        assert "Không còn quyền xem kết quả này." in html, url
        assert "Hoàn thành" in html and "Đã mở đợt." in html, url
    detail = client.get(pages[0]).content.decode()
    assert 'data-testid="job-result-withheld"' in detail and 'data-status="done"' in detail
    listing = client.get(pages[2]).content.decode()
    assert f'data-testid="job-result-withheld-{job.pk}"' in listing


def test_a_result_whose_cycle_is_gone_is_withheld_too(world, cycle_job):
    from capuy.reviews.models import ReviewCycle

    job, cycle = cycle_job
    ReviewCycle.objects.filter(pk=cycle.pk).update(organization=world.other_district)

    result = job_result(job, user=world.users["staff"])

    assert result.withheld and result.id is None and result.page_url == result.api_url == ""
    assert result.data == {} and result.name == ""


def mystery_result(job):
    return JobResult(type="mystery", label="Xem", page_url="/bi-an/", api_url="/api/bi-an/", id=1)


def test_a_result_type_without_a_registered_model_is_never_linked(world, monkeypatch):
    monkeypatch.setitem(JOB_RESULTS, "tests.mystery", f"{__name__}.mystery_result")
    job = Job.objects.create(
        user=world.users["root"], kind="tests.mystery", title="Bí ẩn", status=JobStatus.DONE
    )

    result = job_result(job, user=world.users["root"])

    assert result.withheld and result.page_url == ""


def test_job_list_rechecks_results_in_a_fixed_number_of_queries(as_user, world, cycle_job):
    job, cycle = cycle_job
    client = as_user("staff")

    def add(count):
        for i in range(count):
            Job.objects.create(
                user=world.users["staff"],
                kind="reviews.open_cycle",
                title=f"Mở đợt {i}",
                status=JobStatus.DONE,
                params={"cycle_id": cycle.pk if i % 2 else cycle.pk + 1000 + i},
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("jobs:list"))
        assert response.status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(20)
    many = queries()

    assert few == many
