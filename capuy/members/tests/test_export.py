from datetime import datetime

from django.urls import reverse
from openpyxl import load_workbook

from capuy.accounts.models import RoleGrant
from capuy.core.testing import sign_in
from capuy.jobs.models import Job, JobStatus
from capuy.jobs.services import job_start

HEADER = (
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Trạng thái",
    "Chi bộ",
)


def export(client, **params):
    response = client.post(reverse("members:export"), params)
    assert response.status_code == 302
    job = Job.objects.latest("created_at")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


def sheet_rows(job):
    with job.result_file.open("rb") as handle:
        workbook = load_workbook(handle)
    sheet = workbook.worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)], sheet


def test_export_writes_xlsx_in_roster_order_with_only_in_scope_members(as_user, world):
    job = export(as_user("staff"))

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (4, 4)
    assert job.result_name.endswith(".xlsx") and "/" not in job.result_name
    rows, sheet = sheet_rows(job)
    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == [
        "Phạm Thị An",
        "Nguyễn Văn Hùng",
        "Trần Thị Lan",
        "Lê Minh Tuấn",
    ]  # no Đỗ Văn Hưng: he is in another district
    assert rows[1] == (
        1,
        "Phạm Thị An",
        datetime(1980, 1, 1),
        "Nữ",
        None,
        datetime(2005, 5, 19),
        datetime(2006, 5, 19),
        "Chính thức",
        "Chi bộ thôn Tây",
    )
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    assert [row[0] for row in rows[1:]] == [1, 2, 3, 4]


def test_export_applies_the_list_filter(as_user, world):
    job = export(as_user("office"), q="Hưng")

    rows, _ = sheet_rows(job)
    assert [row[1] for row in rows[1:]] == ["Đỗ Văn Hưng", "Nguyễn Văn Hùng"]
    assert "Hưng" in job.title


def test_export_of_an_organization(as_user, world):
    job = export(as_user("office"), org=world.other_cell.pk, gender="nu")

    rows, _ = sheet_rows(job)
    assert [row[1] for row in rows[1:]] == ["Phạm Thị An"]
    assert "Chi bộ thôn Tây" in job.title


def test_export_rechecks_scope_when_the_job_runs(world):
    # given: a user whose role is revoked after asking (the job stores the filter, not rows)
    staff = world.users["staff"]
    RoleGrant.objects.filter(user=staff).delete()

    job = job_start(
        user=staff, kind="members.export_xlsx", title="x", params={"org": world.district.pk}
    )

    rows, _ = sheet_rows(job)
    assert rows == [HEADER]


def test_other_user_gets_404_on_the_export_job(as_user, world, client):
    job = export(as_user("staff"))

    sign_in(client, world.users["office"])
    for name in ("detail", "progress", "download"):
        assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404, name


def test_owner_downloads_the_file(as_user, world):
    client = as_user("staff")
    job = export(client)

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    response = client.get(reverse("jobs:download", args=[job.pk]))

    assert 'data-testid="job-download"' in page
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{job.result_name}"'
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_export_needs_post(as_user, world):
    assert as_user("staff").get(reverse("members:export")).status_code == 405
