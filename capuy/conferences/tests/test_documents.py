"""The minutes and the conclusion notice, read back from DOCX and PDF."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capuy.conferences import documents, services
from capuy.conferences.choices import AttendanceStatus
from capuy.conferences.testing import PDF


@pytest.fixture
def record(conference, task, agencies, office, world):
    services.attendance_record(
        acting_user=office,
        conference=conference,
        member=world.members["an"],
        status=AttendanceStatus.VANG_CO_LY_DO,
        reason="Đi công tác nước ngoài",
    )
    services.guest_add(
        acting_user=office, conference=conference, name="Đặng Thu Hà", title="Phó Chủ tịch MTTQ"
    )
    item = services.agenda_item_create(
        acting_user=office,
        conference=conference,
        title="Báo cáo kết quả kiểm điểm năm 2019",
        presenter=world.members["tuan"],
        presenter_title="Trưởng Ban Tổ chức Tỉnh ủy",
        discussion="Các đại biểu thống nhất cao.",
    )
    services.agenda_document_add(
        acting_user=office, item=item, upload=SimpleUploadedFile("Báo cáo 2019.pdf", PDF)
    )
    services.conference_update(
        acting_user=office,
        conference=conference,
        conclusion="Hội nghị đánh giá cao sự chuẩn bị của Ban Tổ chức.",
        notice_number="245-TB/TU",
        minutes_taker="Lê Thu Trang",
    )
    conference.refresh_from_db()
    return conference


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(BytesIO(data))
    return "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return " ".join(text.split())  # lines wrap anywhere in a PDF


EVERYWHERE = [
    "ĐẢNG BỘ TỈNH THỬ NGHIỆM",
    "TỈNH ỦY",
    "Thử Nghiệm, ngày 25 tháng 3 năm 2020",
    "nghị lần thứ 32 Ban Chấp hành Đảng bộ tỉnh Thử Nghiệm khóa XIX",
    "DANH SÁCH ỦY VIÊN DỰ HỘI NGHỊ",
    "Nguyễn Văn Hùng",
    "Phạm Thị An",
    "Vắng có lý do",
    "Đi công tác nước ngoài",
    "Hội nghị đánh giá cao sự chuẩn bị của Ban Tổ chức.",
    "Hoàn thiện báo cáo kiểm điểm năm 2019",
    "Ban Tổ chức Tỉnh ủy (chủ trì)",
    "10/04/2020",
    "có mặt 3 đồng chí",
]


@pytest.mark.parametrize("fmt,read", [("docx", docx_text), ("pdf", pdf_text)])
def test_the_minutes_carry_attendance_agenda_conclusion_and_tasks(record, fmt, read):
    data, name = documents.render(record, "bien-ban", fmt)
    text = read(data)
    for expected in EVERYWHERE + [
        "BIÊN BẢN",
        "Thời gian: buổi sáng, ngày 25 tháng 3 năm 2020.",
        "Chủ trì: đồng chí Nguyễn Văn Hùng, Bí thư Tỉnh ủy.",
        "Thư ký hội nghị: Lê Thu Trang.",
        "Khách mời: Đặng Thu Hà, Phó Chủ tịch MTTQ.",
        "Lê Minh Tuấn, Trưởng Ban Tổ chức Tỉnh ủy trình bày",
        "Tài liệu: Báo cáo 2019.pdf.",
        "Thảo luận: Các đại biểu thống nhất cao.",
    ]:
        assert expected in text, expected
    assert name == f"bien-ban-hoi-nghi-lan-thu-32.{fmt}"


@pytest.mark.parametrize("fmt,read", [("docx", docx_text), ("pdf", pdf_text)])
def test_the_notice_carries_the_conclusion_tasks_and_attendance(record, fmt, read):
    data, _name = documents.render(record, "thong-bao-ket-luan", fmt)
    text = read(data)
    for expected in EVERYWHERE + [
        "THÔNG BÁO",
        "Số 245-TB/TU",
        "kết luận của đồng chí Bí thư Tỉnh ủy tại hội nghị lần thứ 32",
        "T/M BAN CHẤP HÀNH",
    ]:
        assert expected in text, expected
    if fmt == "docx":
        assert "Lưu Văn phòng Tỉnh ủy" in text


def test_the_report_back_appears_in_the_next_minutes(record, task, agencies, office, world):
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
        place="Hội trường Tỉnh ủy",
    )
    text = docx_text(documents.render(later, "bien-ban", "docx")[0])
    assert "Kết quả thực hiện nhiệm vụ từ các hội nghị trước" in text
    assert "Hoàn thành ngày 08/04/2020" in text


def test_the_documents_download_from_the_conference_page(as_user, record):
    client = as_user("inspector")
    for which in ("bien-ban", "thong-bao-ket-luan"):
        for fmt, start in (("docx", b"PK"), ("pdf", b"%PDF")):
            url = reverse("conferences:export", args=[record.pk, which, fmt])
            response = client.get(url)
            assert response.status_code == 200
            assert response.content.startswith(start)
            assert response["Content-Disposition"].startswith("attachment;")
    bad = reverse("conferences:export", args=[record.pk, "bien-ban", "exe"])
    assert client.get(bad).status_code == 404


def test_issuer_lines_follow_the_organization(world):
    assert documents.issuer_of(world.province)[1:] == ("Tỉnh ủy", "TU")
    assert documents.issuer_of(world.district) == (
        "Đảng bộ tỉnh Thử Nghiệm",
        "Huyện ủy An Bình",
        "HU",
    )
    assert documents.issuer_of(world.grassroots)[1] == "Đảng ủy xã An Phú"
