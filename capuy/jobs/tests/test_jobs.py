import io

import pytest
from django.urls import reverse

from capuy.jobs.models import Job, JobStatus
from capuy.jobs.services import (
    job_finish,
    job_progress,
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
