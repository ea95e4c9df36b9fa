"""Excel import of attendances: every row checked, errors by row and column, all or nothing."""

import io
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from capuy.meetings import services
from capuy.meetings.choices import Confirmation, EnteredBy, MeetingStatus
from capuy.meetings.imports import attendance_import_check, attendance_import_commit, template_bytes
from capuy.meetings.models import Attendance, CellMeeting
from capuy.meetings.testing import meeting_at

HEADER = [
    "Ngày sinh hoạt (dd/mm/yyyy)",
    "Mã chi bộ",
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh (dd/mm/yyyy)",
    "Vai trò",
    "Ghi chú",
]
YEAR = (date(2019, 1, 1), date(2019, 12, 31))


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "DANH SÁCH LƯỢT DỰ SINH HOẠT"
    sheet.merge_cells("A1:G1")
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(world, data, persona="office", period=YEAR):
    return attendance_import_check(
        acting_user=world.users[persona], upload=data, period_from=period[0], period_to=period[1]
    )


def commit(world, data, persona="office", period=YEAR):
    return attendance_import_commit(
        acting_user=world.users[persona], upload=data, period_from=period[0], period_to=period[1]
    )


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_the_template_lists_the_columns_and_reads_back_as_an_import(world, gw):
    book = load_workbook(io.BytesIO(template_bytes()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]] == HEADER
    assert "Hướng dẫn" in book.sheetnames
    result = check(world, template_bytes())
    # both example rows are read; the second names the same person as the first (by name and
    # birth date instead of card number), so it is a duplicate
    assert [r.number for r in result.rows] == [4]
    assert [(e.row, e.message[:13]) for e in result.errors] == [(5, "Trùng với dòn")]


def test_valid_rows_preview_then_commit_through_the_services(world, gw):
    scheduled = meeting_at(world.cell, date(2019, 3, 5))
    data = workbook(
        [
            [
                "05/03/2019",
                "H01-X01-C01",
                "01234567",
                "",
                "",
                "Dự và chỉ đạo",
                "Chỉ đạo nghị quyết",
            ],
            [date(2019, 4, 5), "H01-X01-C02", "", "Trần Minh Tuấn", "12/08/1968", "", ""],
        ]
    )
    preview = check(world, data)
    assert preview.ok and [r.number for r in preview.rows] == [4, 5]
    assert preview.rows[0].meeting == scheduled and preview.rows[1].meeting is None
    assert not Attendance.objects.exists()  # a preview saves nothing

    result = commit(world, data)
    assert result.saved == 2
    rows = list(Attendance.objects.order_by("date"))
    assert [a.cell_path for a in rows] == [world.cell.path, world.other_cell.path]
    assert {a.entered_via for a in rows} == {EnteredBy.IMPORT}
    assert {a.confirmation for a in rows} == {Confirmation.PENDING}
    assert rows[0].role == "chi_dao" and rows[0].notes == "Chỉ đạo nghị quyết"
    assert set(CellMeeting.objects.values_list("status", flat=True)) == {MeetingStatus.HELD}


def test_every_row_is_checked_and_errors_name_the_row_and_the_column(world, gw):
    future = (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y")
    data = workbook(
        [
            ["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""],  # fine
            ["05/03/2019", "KHONG-CO", "01234567", "", "", "", ""],  # unknown cell
            ["05/03/2019", "H01-X01-C01", "99999999", "", "", "", ""],  # unknown member
            ["01/12/2014", "H01-X01-C02", "01234567", "", "", "", ""],  # no seat that day
            ["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""],  # duplicate of row 4
            ["05/03/2013", "H01-X01-C01", "01234567", "", "", "", ""],  # outside the period
            [future, "H01-X01-C01", "01234567", "", "", "", ""],  # in the future
            ["31/02/2019", "H01-X01-C01", "01234567", "", "", "", ""],  # impossible date
            ["05/03/2019", "H01-X01-C01", "", "", "", "", ""],  # nobody named
            ["05/03/2019", "H01-X01-C01", "07654321", "", "", "Phát biểu", ""],  # role
        ]
    )
    result = check(world, data, period=(date(2014, 1, 1), date(2019, 12, 31)))
    found = {(row, column): message for row, column, message in errors_of(result)}
    assert set(found) == {
        (5, "Mã chi bộ"),
        (6, "Số thẻ đảng viên"),
        (7, "Số thẻ đảng viên"),
        (8, ""),
        (9, "Ngày sinh hoạt (dd/mm/yyyy)"),
        (10, "Ngày sinh hoạt (dd/mm/yyyy)"),
        (11, "Ngày sinh hoạt (dd/mm/yyyy)"),
        (12, "Số thẻ đảng viên"),
        (13, "Vai trò"),
    }
    assert "KHONG-CO" in found[(5, "Mã chi bộ")]
    assert "không giữ chức vụ cấp ủy nào vào ngày 01/12/2014" in found[(7, "Số thẻ đảng viên")]
    assert "Trùng với dòng 4" in found[(8, "")]
    assert "ngoài kỳ nhập" in found[(9, "Ngày sinh hoạt (dd/mm/yyyy)")]
    assert "chưa tới" in found[(10, "Ngày sinh hoạt (dd/mm/yyyy)")]
    assert "Ngày không hợp lệ" in found[(11, "Ngày sinh hoạt (dd/mm/yyyy)")]
    assert not commit(world, data).saved
    assert not Attendance.objects.exists() and not CellMeeting.objects.exists()


def test_a_row_already_in_the_database_is_a_duplicate(world, gw):
    meeting = meeting_at(world.cell, date(2019, 3, 5), status=MeetingStatus.HELD)
    services.attendance_record(acting_user=world.users["office"], meeting=meeting, member=gw.tuan)
    result = check(world, workbook([["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""]]))
    assert "đã được ghi dự" in errors_of(result)[0][2]


def test_the_own_cell_rule_applies_to_imported_rows(world, gw):
    result = check(world, workbook([["05/03/2019", "H01-X01-C02", "07654321", "", "", "", ""]]))
    assert errors_of(result)[0][:2] == (4, "Mã chi bộ")


def test_nfd_names_headers_and_excel_dates_are_understood(world, gw):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    header = [nfd(h) for h in HEADER]
    data = workbook(
        [
            [
                datetime(2019, 3, 5),
                "h01-x01-c01",
                "",
                nfd("TRẦN MINH TUẤN"),
                date(1968, 8, 12),
                nfd("dự"),
                "",
            ],
            [43560, "H01-X01-C02", "", nfd("Trần Minh Tuấn"), "12/08/1968", "", ""],
        ],
        header=header,
    )
    result = check(world, data)
    assert result.ok, errors_of(result)
    assert [r.day for r in result.rows] == [date(2019, 3, 5), date(2019, 4, 5)]
    assert {r.member for r in result.rows} == {gw.tuan}


def test_a_name_shared_by_two_members_asks_for_the_card_number(world, gw):
    from capuy.core.testing import member_in

    member_in(world.outside_cell, "Trần", "Minh", "Tuấn", birth_date=date(1968, 8, 12))
    result = check(
        world, workbook([["05/03/2019", "H01-X01-C01", "", "Trần Minh Tuấn", "12/08/1968", "", ""]])
    )
    assert "hãy ghi số thẻ" in errors_of(result)[0][2]


def test_a_file_without_the_member_columns_is_refused_as_a_whole(world, gw):
    data = workbook([["05/03/2019", "H01-X01-C01"]], header=["Ngày sinh hoạt", "Mã chi bộ"])
    assert errors_of(check(world, data))[0][0] == 0


def test_a_cell_secretary_imports_only_for_her_cell_and_her_rows_are_confirmed(world, gw):
    data = workbook(
        [
            ["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""],
            ["05/03/2019", "H01-X01-C02", "01234567", "", "", "", ""],
        ]
    )
    result = check(world, data, persona="secretary")
    assert [(e.row, e.column) for e in result.errors] == [(5, "Mã chi bộ")]
    ok = workbook([["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""]])
    assert commit(world, ok, persona="secretary").saved == 1
    assert Attendance.objects.get().confirmation == Confirmation.CONFIRMED


def test_nothing_is_saved_when_a_row_fails_at_commit_time(world, gw, monkeypatch):
    data = workbook(
        [
            ["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""],
            ["06/03/2019", "H01-X01-C02", "01234567", "", "", "", ""],
        ]
    )
    real = services.attendance_record
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError({"member": "Có người vừa ghi trùng."})
        return real(**kwargs)

    monkeypatch.setattr(services, "attendance_record", second_fails)
    result = commit(world, data)
    assert result.saved == 0 and errors_of(result) == [(5, "", "Có người vừa ghi trùng.")]
    assert not Attendance.objects.exists() and not CellMeeting.objects.exists()


def test_the_import_pages_preview_then_commit(as_user, world, gw):
    client = as_user("office")
    assert client.get("/sinh-hoat/nhap-excel/mau.xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    upload = io.BytesIO(workbook([["05/03/2019", "H01-X01-C01", "01234567", "", "", "", ""]]))
    upload.name = "luot-du.xlsx"
    response = client.post(
        "/sinh-hoat/nhap-excel/",
        {"file": upload, "period_from": "01/01/2019", "period_to": "31/12/2019"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 dòng hợp lệ" in html and "Trần Minh Tuấn" in html
    token = response.context["token"]
    assert not Attendance.objects.exists()
    response = client.post("/sinh-hoat/nhap-excel/luu/", {"token": token})
    assert response.status_code == 302 and Attendance.objects.count() == 1
    # the token is spent: committing again saves nothing more
    client.post("/sinh-hoat/nhap-excel/luu/", {"token": token})
    assert Attendance.objects.count() == 1


def test_the_import_page_lists_errors_by_row_and_column(as_user, world, gw):
    upload = io.BytesIO(workbook([["05/03/2019", "KHONG-CO", "01234567", "", "", "", ""]]))
    upload.name = "sai.xlsx"
    response = as_user("office").post(
        "/sinh-hoat/nhap-excel/",
        {"file": upload, "period_from": "01/01/2019", "period_to": "31/12/2019"},
    )
    assert response.status_code == 422
    assert "Dòng 4, cột «Mã chi bộ»" in response.content.decode()


@pytest.mark.parametrize("persona", ["inspector", "committee_member"])
def test_readers_cannot_import(as_user, world, persona):
    assert as_user(persona).get("/sinh-hoat/nhap-excel/").status_code == 403
