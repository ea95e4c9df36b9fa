"""Journey 7, steps 1–4, in a real browser (desktop): the office creates conference 32, marks
the absentees with their reasons, records the agenda with a document and the conclusions;
then it assigns a task to agencies, the agency reports progress until the task is complete, and
the next conference shows it among the tasks completed since."""

from datetime import date

import pytest
from django.urls import get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.conferences import services
from capuy.conferences.choices import Session, TaskState
from capuy.conferences.models import AssignedTask, Conference
from capuy.conferences.testing import PDF, province_agencies, seat_the_committee


@pytest.fixture
def office_in(browser_world, desktop, log_in, settings, tmp_path):
    # Import every URL module before the browser's first request: some apps import heavy
    # libraries (ortools, pandas) at import time, longer than the page timeout.
    get_resolver().url_patterns  # noqa: B018
    settings.MEDIA_ROOT = tmp_path
    seat_the_committee(browser_world)
    office = browser_world.users["office"]
    TOTPDevice.objects.create(user=office, name="test", confirmed=True)
    log_in(desktop, "office", user=office)
    return desktop


def test_office_records_attendance_agenda_and_conclusions(
    browser_world, live_server, office_in, shot
):
    page, world = office_in, browser_world
    page.goto(f"{live_server.url}/hoi-nghi/?committee={world.bch.pk}")
    page.get_by_test_id("conference-create").click()
    page.fill("#id_number", "32")
    page.fill("#id_date", "25/03/2020")
    page.select_option("#id_session", "sang")
    page.fill("#id_place", "Hội trường Tỉnh ủy")
    page.select_option("#id_chairs", [str(world.members["hung"].pk)])
    page.get_by_test_id("submit").click()
    # the first conference in capuy is number 32: the gap needs a reason
    assert "các số 1–31" in page.get_by_test_id("field-number").inner_text()
    shot(page, "80-conference-number-gap")
    page.fill("#id_number_gap_reason", "Các hội nghị trước chưa nhập vào capuy.")
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="conference-title"]')
    assert page.get_by_test_id("seat-total").inner_text() == "4"
    conference = Conference.objects.get()

    # attendance: An is away (a reason is required), Lan came late
    page.get_by_test_id("attendance-link").click()
    an, lan = world.members["an"].pk, world.members["lan"].pk
    page.select_option(f'[data-testid="status-{an}"]', "vang_co_ly_do")
    page.get_by_test_id("submit").click()
    assert "hãy ghi lý do vắng" in page.get_by_test_id(f"error-{an}").inner_text()
    shot(page, "81-attendance-reason-required")
    page.fill(f'[data-testid="reason-{an}"]', "Đi công tác")
    page.select_option(f'[data-testid="status-{lan}"]', "di_muon")
    page.fill(f'[data-testid="reason-{lan}"]', "Tiếp khách")
    shot(page, "82-attendance-sheet")
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="conference-title"]')
    assert page.get_by_test_id("present-total").inner_text() == "3"
    assert "Đủ số lượng" in page.get_by_test_id("quorum").inner_text()
    assert "Đi công tác" in page.get_by_test_id("absentees").inner_text()

    # the report heard, with its document
    page.get_by_test_id("agenda-add").click()
    page.fill("#id_title", "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại năm 2019")
    page.select_option("#id_presenter", str(world.members["tuan"].pk))
    page.fill("#id_presenter_title", "Trưởng Ban Tổ chức Tỉnh ủy")
    page.fill("#id_discussion", "Các đại biểu thống nhất cao với báo cáo.")
    page.get_by_test_id("submit").click()
    item = conference.agenda_items.get()
    page.get_by_test_id(f"document-upload-{item.pk}").click()
    page.set_input_files(
        "#id_file", {"name": "gia-mao.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a"}
    )
    page.get_by_test_id("submit").click()
    assert "không phải là tệp .pdf" in page.get_by_test_id("field-file").inner_text()
    page.set_input_files(
        "#id_file", {"name": "Báo cáo 2019.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="conference-title"]')
    assert "Báo cáo 2019.pdf" in page.get_by_test_id("agenda").inner_text()

    # the conclusions
    page.get_by_test_id("conclusion-edit").click()
    page.fill("#id_conclusion", "Hội nghị thống nhất thông qua các báo cáo.")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("conclusion-add").click()
    page.fill("#id_text", "Giao Ban Tổ chức Tỉnh ủy chủ trì hoàn thiện báo cáo.")
    page.get_by_test_id("submit").click()
    conclusions = page.get_by_test_id("conclusions").inner_text()
    assert "Hội nghị thống nhất thông qua các báo cáo." in conclusions
    assert "chủ trì hoàn thiện báo cáo" in conclusions
    shot(page, "83-conference-recorded")

    with page.expect_download() as download:
        page.get_by_test_id("documents-menu").click()
        page.get_by_test_id("notice-pdf").click()
    assert download.value.suggested_filename == "thong-bao-ket-luan-hoi-nghi-lan-thu-32.pdf"


def test_a_task_is_assigned_and_completed_through_progress_reports(
    browser_world, live_server, office_in, log_in, shot
):
    page, world = office_in, browser_world
    office = world.users["office"]
    agencies = province_agencies(world)
    conference = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=32,
        date=date(2020, 3, 25),
        session=Session.SANG,
        place="Hội trường Tỉnh ủy",
        number_gap_reason="Các hội nghị trước chưa nhập.",
    )
    point = services.conclusion_create(
        acting_user=office,
        conference=conference,
        text="Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp hoàn thiện báo cáo.",
    )

    page.goto(f"{live_server.url}{conference.get_absolute_url()}")
    page.get_by_test_id(f"task-create-{point.pk}").click()
    page.fill("#id_title", "Hoàn thiện báo cáo kiểm điểm năm 2019")
    page.get_by_test_id("submit").click()
    assert "ít nhất một cơ quan" in page.get_by_test_id("field-agencies").inner_text()
    assert "thời hạn" in page.get_by_test_id("field-due_on").inner_text()
    shot(page, "84-task-needs-agency-and-due-date")
    page.get_by_label("Ban Tổ chức Tỉnh ủy").check()
    page.get_by_label("Huyện ủy An Bình").check()
    page.select_option("#id_lead_agency", str(agencies["btc"].pk))
    page.fill("#id_due_on", "10/04/2020")
    page.fill("#id_expected_product", "Báo cáo trình Ban Thường vụ")
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="conference-title"]')
    task = AssignedTask.objects.get()
    assert "Ban Tổ chức Tỉnh ủy (chủ trì)" in page.get_by_test_id(f"task-{task.pk}").inner_text()
    shot(page, "85-task-assigned")

    # the district's staff (one of the agencies) sees the task and reports on it
    page.context.clear_cookies()
    log_in(page, "staff")
    page.goto(f"{live_server.url}/hoi-nghi/nhiem-vu/")
    page.get_by_role("link", name="Hoàn thiện báo cáo kiểm điểm năm 2019").click()
    page.get_by_test_id("progress-link").click()
    page.fill("#id_reported_on", "01/04/2020")
    page.fill("#id_percent", "50")
    page.fill("#id_note", "Đã tổng hợp ý kiến các đại biểu.")
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="task-title"]')
    assert page.get_by_test_id(f"task-state-{task.pk}").inner_text() == "Đang thực hiện"

    page.get_by_test_id("progress-link").click()
    page.fill("#id_reported_on", "08/04/2020")
    page.fill("#id_percent", "100")
    page.fill("#id_note", "Đã hoàn thiện, gửi Văn phòng Tỉnh ủy.")
    page.set_input_files(
        "#id_attachment",
        {"name": "Báo cáo hoàn thiện.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="task-title"]')
    assert page.get_by_test_id(f"task-state-{task.pk}").inner_text() == "Hoàn thành"
    assert page.get_by_test_id("task-percent").inner_text() == "100%"
    assert "Báo cáo hoàn thiện.pdf" in page.get_by_test_id("progress-reports").inner_text()
    events = page.get_by_test_id("task-events").inner_text()
    assert "Giao nhiệm vụ" in events and "Đang thực hiện → Hoàn thành" in events
    shot(page, "86-task-completed-by-the-agency")
    task.refresh_from_db()
    assert task.state == TaskState.HOAN_THANH

    # conference 33 reports back on it
    later = services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=33,
        date=date(2020, 5, 5),
        session=Session.CHIEU,
        place="Hội trường Tỉnh ủy",
    )
    page.context.clear_cookies()
    log_in(page, "office", user=office)
    page.goto(f"{live_server.url}{later.get_absolute_url()}")
    assert (
        "Hoàn thiện báo cáo kiểm điểm năm 2019"
        in page.get_by_test_id("report-back-completed").inner_text()
    )
    shot(page, "87-next-conference-reports-back")
