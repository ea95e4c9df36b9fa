"""The pages: create a conference, mark attendance, agenda and documents, conclusions, assign a
task, report progress; errors in Vietnamese on the field; read-only roles see no buttons."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capuy.conferences import services
from capuy.conferences.choices import AttendanceStatus, TaskState
from capuy.conferences.models import AgendaDocument, AssignedTask, Conference, TaskProgress
from capuy.conferences.testing import PDF


def test_office_creates_a_conference_from_the_form(as_user, world, seats):
    client = as_user("office")
    url = reverse("conferences:create") + f"?committee={world.bch.pk}"
    assert client.get(url).status_code == 200
    form = {
        "number": "32",
        "kind": "thuong_ky",
        "date": "25/03/2020",
        "session": "sang",
        "place": "Hội trường Tỉnh ủy",
        "chairs": [world.members["hung"].pk],
        "quorum_numerator": "2",
        "quorum_denominator": "3",
    }
    response = client.post(url, form)
    assert response.status_code == 422
    assert "các số 1–31" in response.content.decode()
    assert not Conference.objects.exists()

    form["number_gap_reason"] = "Các hội nghị trước chưa nhập."
    response = client.post(url, form)
    conference = Conference.objects.get()
    assert response.status_code == 302 and response["Location"] == conference.get_absolute_url()
    assert conference.attendances.count() == 4
    page = client.get(conference.get_absolute_url()).content.decode()
    assert 'data-testid="quorum"' in page and "Đủ số lượng ủy viên tham dự" in page


def test_the_attendance_sheet_marks_absentees_with_reasons(as_user, conference, world):
    client = as_user("office")
    url = reverse("conferences:attendance", args=[conference.pk])
    rows = {r.member_id: r for r in conference.attendances.all()}
    an = rows[world.members["an"].pk]
    response = client.post(url, {f"status-{an.pk}": AttendanceStatus.VANG_CO_LY_DO})
    assert response.status_code == 422
    assert "Vắng có lý do: hãy ghi lý do vắng." in response.content.decode()

    response = client.post(
        url, {f"status-{an.pk}": AttendanceStatus.VANG_CO_LY_DO, f"reason-{an.pk}": "Ốm"}
    )
    assert response.status_code == 302
    an.refresh_from_db()
    assert (an.status, an.reason) == (AttendanceStatus.VANG_CO_LY_DO, "Ốm")


def test_readers_see_the_sheet_without_inputs_and_cannot_post(as_user, conference):
    client = as_user("inspector")
    url = reverse("conferences:attendance", args=[conference.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="status-' not in page
    assert client.post(url, {}).status_code == 404
    detail = client.get(conference.get_absolute_url()).content.decode()
    assert "conference-edit" not in detail and "agenda-add" not in detail


def test_agenda_document_and_conclusion_through_the_pages(as_user, conference, world):
    client = as_user("office")
    response = client.post(
        reverse("conferences:agenda_add", args=[conference.pk]),
        {
            "title": "Báo cáo kết quả kiểm điểm năm 2019",
            "presenter": world.members["tuan"].pk,
            "presenter_title": "Trưởng Ban Tổ chức Tỉnh ủy",
        },
    )
    assert response.status_code == 302
    item = conference.agenda_items.get()

    upload_url = reverse("conferences:document_upload", args=[item.pk])
    response = client.post(upload_url, {"file": SimpleUploadedFile("mau.exe", b"MZ")})
    assert response.status_code == 422
    assert "không thuộc loại được nhận" in response.content.decode()
    response = client.post(upload_url, {"file": SimpleUploadedFile("Báo cáo.pdf", PDF)})
    assert response.status_code == 302
    document = AgendaDocument.objects.get()

    response = client.post(
        reverse("conferences:conclusion", args=[conference.pk]),
        {"conclusion": "Hội nghị thống nhất thông qua báo cáo."},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("conferences:conclusion_add", args=[conference.pk]),
        {"text": "Giao Ban Tổ chức hoàn thiện báo cáo.", "agenda_item": item.pk},
    )
    assert response.status_code == 302
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "Hội nghị thống nhất thông qua báo cáo." in page
    assert "Giao Ban Tổ chức hoàn thiện báo cáo." in page
    assert reverse("conferences:document_download", args=[document.pk]) in page


def test_assigning_a_task_shows_missing_agency_and_due_date(as_user, conclusion, agencies):
    client = as_user("office")
    url = reverse("conferences:task_create", args=[conclusion.pk])
    response = client.post(url, {"title": "Hoàn thiện báo cáo"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Hãy chọn ít nhất một cơ quan được giao nhiệm vụ." in page
    assert "Hãy nhập thời hạn hoàn thành nhiệm vụ." in page
    assert not AssignedTask.objects.exists()

    response = client.post(
        url,
        {
            "title": "Hoàn thiện báo cáo",
            "agencies": [agencies["btc"].pk, agencies["vp"].pk],
            "lead_agency": agencies["btc"].pk,
            "due_on": "10/04/2020",
        },
    )
    assert response.status_code == 302
    task = AssignedTask.objects.get()
    assert task.assignments.get(lead=True).agency == agencies["btc"]


def test_the_agency_reports_progress_with_an_attachment(as_user, task, agencies, world):
    client = as_user("staff")  # the district, one of the task's agencies
    listing = client.get(reverse("conferences:task_list")).content.decode()
    assert task.title in listing
    assert "Ban Tổ chức Tỉnh ủy" not in listing  # an agency of the province, out of its scope
    detail = client.get(task.get_absolute_url())
    assert detail.status_code == 200 and "progress-link" in detail.content.decode()
    assert client.get(reverse("conferences:task_edit", args=[task.pk])).status_code == 404

    url = reverse("conferences:task_progress", args=[task.pk])
    response = client.post(
        url,
        {
            "agency": agencies["district"].pk,
            "reported_on": "01/04/2020",
            "percent": "100",
            "note": "Đã gửi báo cáo",
            "attachment": SimpleUploadedFile("Báo cáo huyện.pdf", PDF),
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.HOAN_THANH
    report = TaskProgress.objects.get()
    response = client.get(reverse("conferences:progress_file", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_read_only_roles_cannot_report_progress(as_user, task):
    client = as_user("inspector")
    url = reverse("conferences:task_progress", args=[task.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"percent": "10"}).status_code == 403
    assert not TaskProgress.objects.exists()


def test_the_next_conference_page_reports_back(as_user, conference, task, agencies, office, world):
    services.task_report_progress(
        acting_user=office,
        task=task,
        agency=agencies["btc"],
        reported_on=date(2020, 4, 8),
        percent=100,
    )
    later = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=33,
        date=date(2020, 5, 5),
        session="chieu",
        place="Hội trường",
    )
    page = as_user("office").get(later.get_absolute_url()).content.decode()
    assert 'data-testid="report-back-completed"' in page and task.title in page


def test_task_list_filters_by_agency_and_refuses_an_unknown_one(as_user, task, agencies):
    client = as_user("office")
    url = reverse("conferences:task_list")
    assert task.title in client.get(url, {"agency": agencies["btg"].pk}).content.decode()
    assert task.title not in client.get(url, {"agency": agencies["vp"].pk}).content.decode()
    assert as_user("outsider").get(url, {"agency": agencies["vp"].pk}).status_code == 404


def test_agency_pages(as_user, world, agencies):
    client = as_user("office")
    page = client.get(reverse("conferences:agency_list")).content.decode()
    assert "Văn phòng Tỉnh ủy" in page
    url = reverse("conferences:agency_create") + f"?org={world.province.pk}"
    response = client.post(url, {"name": "Ban Dân vận Tỉnh ủy", "kind": "co_quan_tham_muu"})
    assert response.status_code == 302
    response = client.post(
        url, {"name": "Đảng ủy xã", "kind": "to_chuc_dang", "organization_code": "KHONG-CO"}
    )
    assert response.status_code == 422
    assert "Không tìm thấy tổ chức đảng mã «KHONG-CO»" in response.content.decode()


@pytest.mark.parametrize("extra", [1, 6])
def test_the_conference_page_runs_a_fixed_number_of_queries(
    as_user, conference, conclusion, agencies, office, extra
):
    for i in range(extra):
        item = services.agenda_item_create(
            acting_user=office, conference=conference, title=f"Nội dung {i}"
        )
        services.agenda_document_add(
            acting_user=office, item=item, upload=SimpleUploadedFile(f"{i}.pdf", PDF)
        )
        services.task_assign(
            acting_user=office,
            conclusion=conclusion,
            title=f"Việc {i}",
            agencies=[agencies["btc"], agencies["vp"]],
            due_on=date(2020, 5, 1),
        )
    client = as_user("office")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(conference.get_absolute_url()).status_code == 200
    # session, user, OTP device, grants, then the page's own
    assert len(captured) == 16
