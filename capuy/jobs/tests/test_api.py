"""``/api/v1/jobs/``: the user's own jobs, what each produced, nobody else's."""

import io

import pytest
from rest_framework.test import APIClient

from capuy.accounts.models import ApiToken
from capuy.jobs.models import Job, JobStatus
from capuy.jobs.services import job_finish, job_progress


@pytest.fixture
def export(world):
    return Job.objects.create(
        user=world.users["staff"], kind="members.export_xlsx", title="Xuất danh sách"
    )


def test_a_running_job_shows_its_progress_and_no_result(api, export):
    job_progress(export.pk, 250, 1000, "Đang ghi")

    body = api("staff").get(f"/api/v1/jobs/{export.pk}/").json()

    assert body["id"] == str(export.pk) and body["kind"] == "members.export_xlsx"
    assert body["title"] == "Xuất danh sách" and body["status"] == "running"
    assert (body["done"], body["total"], body["message"]) == (250, 1000, "Đang ghi")
    assert body["created_at"] and body["finished_at"] is None
    assert body["url"] == f"http://testserver/api/v1/jobs/{export.pk}/"
    assert body["result"] is None


def test_a_finished_export_offers_its_file_through_the_api(api, export):
    job_finish(export.pk, file=io.BytesIO(b"PK-test"), name="Danh sách.xlsx")
    client = api("staff")

    result = client.get(f"/api/v1/jobs/{export.pk}/").json()["result"]

    assert result["type"] == "file" and result["name"] == "danh_sach.xlsx"
    assert result["url"] == f"http://testserver/api/v1/jobs/{export.pk}/download/"
    assert result["page_url"] == f"http://testserver/tac-vu/{export.pk}/tai-ve/"
    download = client.get(result["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"PK-test"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Cache-Control"] == "private, no-store"


def test_the_file_can_be_fetched_with_a_token(world, export):
    job_finish(export.pk, file=io.BytesIO(b"PK-token"), name="a.xlsx")
    _, secret = ApiToken.issue(user=world.users["staff"], name="Máy chủ báo cáo")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = client.get(f"/api/v1/jobs/{export.pk}/download/")

    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK-token"


def test_an_unfinished_jobs_download_is_404(api, export):
    assert api("staff").get(f"/api/v1/jobs/{export.pk}/download/").status_code == 404


def test_the_list_holds_only_the_users_own_jobs_newest_first(api, world, export):
    newer = Job.objects.create(user=world.users["staff"], kind="members.export_xlsx", title="Mới")
    Job.objects.create(
        user=world.users["office"], kind="members.export_xlsx", title="Của người khác"
    )

    body = api("staff").get("/api/v1/jobs/").json()

    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [str(newer.pk), str(export.pk)]


def test_someone_elses_job_is_not_found_whoever_asks(api, export):
    job_finish(export.pk, file=io.BytesIO(b"PK"), name="a.xlsx")
    for persona in ("office", "admin", "root", "outsider"):
        client = api(persona)
        for url in (f"/api/v1/jobs/{export.pk}/", f"/api/v1/jobs/{export.pk}/download/"):
            assert client.get(url).status_code == 404, (persona, url)
    assert api("staff").get("/api/v1/jobs/not-a-uuid/").status_code == 404


def test_anonymous_gets_no_job(api, export):
    for url in ("/api/v1/jobs/", f"/api/v1/jobs/{export.pk}/"):
        assert api().get(url).status_code in (401, 403)


def test_jobs_are_read_only(api, export):
    client = api("staff")
    assert client.post("/api/v1/jobs/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/jobs/{export.pk}/").status_code == 405
    assert Job.objects.filter(pk=export.pk, status=JobStatus.QUEUED).exists()
