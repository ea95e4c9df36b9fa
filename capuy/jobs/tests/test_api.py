"""``/api/v1/jobs/``: the user's own jobs, what each produced, nobody else's."""

import io
import json
import uuid

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


def test_a_cycle_the_user_can_no_longer_see_is_withheld_from_the_job(
    api, world, cycle_job, move_staff_away
):
    # given a finished opening whose cycle the staff saw when it ran
    job, cycle = cycle_job
    client = api("staff")
    before = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert before["result"]["id"] == cycle.pk

    # when their role moves to the other district
    move_staff_away()

    # then the job is still there, done, without a word of the cycle
    assert client.get(f"/api/v1/review-cycles/{cycle.pk}/").status_code == 404
    detail = client.get(f"/api/v1/jobs/{job.pk}/")
    listed = client.get("/api/v1/jobs/").json()["results"]
    for text in (detail.content.decode(), json.dumps(listed, ensure_ascii=False)):
        assert cycle.name not in text
        assert "review-cycle" not in text
        assert f"/danh-gia/{cycle.pk}/" not in text
    for body in (detail.json(), listed[0]):
        assert body["id"] == str(job.pk) and body["status"] == "done"
        assert body["result"] is None
        assert body["result_note"] == "Không còn quyền xem kết quả này."
    assert before["result_note"] == ""


def test_the_result_note_is_blank_for_a_file_and_for_a_running_job(api, export):
    client = api("staff")
    assert client.get(f"/api/v1/jobs/{export.pk}/").json()["result_note"] == ""
    job_finish(export.pk, file=io.BytesIO(b"PK"), name="a.xlsx")
    assert client.get(f"/api/v1/jobs/{export.pk}/").json()["result_note"] == ""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/octet-stream",
        "*/*",
        XLSX,
        "application/json",
        "application/octet-stream, application/json;q=0.5",
        "text/html",
    ],
)
def test_the_file_downloads_whatever_the_client_accepts(api, export, accept):
    job_finish(export.pk, file=io.BytesIO(b"PK-accept"), name="Danh sách.xlsx")
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}

    response = api("staff").get(f"/api/v1/jobs/{export.pk}/download/", **headers)

    assert response.status_code == 200, response.content
    assert b"".join(response.streaming_content) == b"PK-accept"
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="danh_sach.xlsx"'


@pytest.mark.parametrize(
    "accept", [None, "application/octet-stream", "*/*", XLSX, "application/json"]
)
def test_download_errors_answer_in_json_whatever_the_client_accepts(api, world, export, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    others = Job.objects.create(
        user=world.users["office"], kind="members.export_xlsx", title="Của văn phòng"
    )
    job_finish(others.pk, file=io.BytesIO(b"PK"), name="a.xlsx")
    cases = {
        "not finished": (api("staff"), export.pk, 404),
        "not found": (api("staff"), uuid.uuid4(), 404),
        "not yours": (api("staff"), others.pk, 404),
        "not signed in": (api(), others.pk, (401, 403)),
    }

    for case, (client, pk, expected) in cases.items():
        response = client.get(f"/api/v1/jobs/{pk}/download/", **headers)

        assert response.status_code in (expected if isinstance(expected, tuple) else (expected,))
        assert response["Content-Type"] == "application/json", case
        assert response.json()["detail"], case
