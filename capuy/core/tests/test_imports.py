"""The generic spreadsheet reader: limits, header detection, row numbers, NFC text, dates."""

import gc
import io
import threading
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from capuy.core.imports import (
    Column,
    ImportFileError,
    RowErrors,
    cell_date,
    cell_text,
    first_sheet,
    iter_rows,
    normalise_header,
    open_workbook,
    paused_gc,
    write_template,
)

COLUMNS = [
    Column("day", "Ngày sinh hoạt (dd/mm/yyyy)", aliases=("Ngày",)),
    Column("code", "Mã chi bộ"),
    Column("name", "Họ và tên", required=False),
]


def xlsx(rows, *, title_rows=(), merge=None, start_row=1) -> bytes:
    book = Workbook()
    sheet = book.active
    for number, values in enumerate(title_rows, start=start_row):
        for col, value in enumerate(values, start=1):
            sheet.cell(row=number, column=col, value=value)
    if merge:
        sheet.merge_cells(merge)
    first = start_row + len(title_rows)
    for number, values in enumerate(rows, start=first):
        for col, value in enumerate(values, start=1):
            sheet.cell(row=number, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes, columns=COLUMNS):
    present, rows = iter_rows(first_sheet(open_workbook(data)), columns)
    return present, list(rows)


def test_header_is_found_below_merged_title_rows_and_blank_lines():
    data = xlsx(
        [["Ngày sinh hoạt (dd/mm/yyyy)", "Mã chi bộ", "Họ và tên"], ["05/03/2019", "C01", "An"]],
        title_rows=[["DANH SÁCH LƯỢT DỰ", None, None], [None, None, None]],
        merge="A1:C1",
    )
    present, rows = read(data)
    assert set(present) == {"day", "code", "name"}
    assert rows == [(4, {"day": "05/03/2019", "code": "C01", "name": "An"})]


def test_row_numbers_are_the_numbers_excel_shows_even_when_the_sheet_starts_lower():
    data = xlsx(
        [["Ngày", "Mã chi bộ"], ["05/03/2019", "C01"], [None, None], ["06/03/2019", "C02"]],
        start_row=6,
    )
    _present, rows = read(data)
    assert [number for number, _values in rows] == [7, 9]


def test_headers_match_without_case_diacritics_hints_or_nfd():
    assert normalise_header("NGÀY SINH HOẠT (dd/mm/yyyy)*") == "ngay sinh hoat"
    nfd = unicodedata.normalize("NFD", "Mã chi bộ")
    data = xlsx([["ngay", nfd.upper()], ["05/03/2019", "C01"]])
    present, rows = read(data)
    assert set(present) == {"day", "code"}
    assert rows[0][1]["code"] == "C01"


def test_nfd_cell_text_comes_back_nfc():
    nfd = unicodedata.normalize("NFD", "Trần   Minh Tuấn ")
    assert cell_text(nfd) == "Trần Minh Tuấn"
    assert unicodedata.is_normalized("NFC", cell_text(nfd))


def test_a_missing_required_header_is_named():
    data = xlsx([["Ngày", "Họ và tên"], ["05/03/2019", "An"]])
    with pytest.raises(ImportFileError, match="«Mã chi bộ»"):
        read(data)


def test_optional_columns_may_be_absent():
    present, rows = read(xlsx([["Ngày", "Mã chi bộ"], ["05/03/2019", "C01"]]))
    assert "name" not in present and "name" not in rows[0][1]


def test_too_many_rows_are_refused():
    data = xlsx([["Ngày", "Mã chi bộ"], *[["05/03/2019", f"C{i}"] for i in range(5)]])
    present, rows = iter_rows(first_sheet(open_workbook(data)), COLUMNS, max_rows=3)
    with pytest.raises(ImportFileError, match="quá nhiều dòng"):
        list(rows)


def test_number_cells_read_as_digits():
    assert cell_text(1234567.0) == "1234567"
    assert cell_text(None) == ""
    assert cell_text(date(2019, 3, 5)) == "05/03/2019"


@pytest.mark.parametrize(
    "value",
    [
        date(2019, 3, 5),
        datetime(2019, 3, 5, 0, 0),
        43529,
        43529.0,
        "05/03/2019",
        "5/3/2019",
        " 05-03-2019 ",
        "2019-03-05",
    ],
)
def test_dates_come_from_date_cells_serials_or_text(value):
    assert cell_date(value) == date(2019, 3, 5)


@pytest.mark.parametrize("value", ["31/02/2019", "hôm qua", "2019/13/01", -5])
def test_impossible_dates_are_refused_in_vietnamese(value):
    with pytest.raises(ValueError, match="Ngày không hợp lệ"):
        cell_date(value)


def test_blank_dates_are_none():
    assert cell_date("") is None and cell_date(None) is None


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    with pytest.raises(ImportFileError, match="tệp Excel"):
        open_workbook(b"Ho va ten,Ngay\nAn,05/03/2019\n")


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ImportFileError, match="quá lớn"):
        open_workbook(xlsx([["Ngày", "Mã chi bộ"]]), max_bytes=100)


def test_a_zip_with_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(20):
            archive.writestr(f"x/{i}.xml", "<a/>")
    with pytest.raises(ImportFileError, match="bất thường"):
        open_workbook(out.getvalue(), max_zip_entries=10)


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 2_000_000)
    assert len(out.getvalue()) < 50_000
    with pytest.raises(ImportFileError, match="giải nén"):
        open_workbook(out.getvalue(), max_unzipped_bytes=1_000_000)


def test_a_damaged_xlsx_is_refused():
    with pytest.raises(ImportFileError):
        open_workbook(b"PK\x03\x04" + b"\x00" * 100)


def test_row_errors_sort_by_row_and_say_where():
    errors = RowErrors()
    errors.add(7, COLUMNS[1], "Không tìm thấy chi bộ.")
    errors.add(3, None, "Trùng với dòng 2.")
    assert [e.row for e in errors] == [3, 7]
    assert str(errors.sorted()[1]) == "Dòng 7, cột «Mã chi bộ»: Không tìm thấy chi bộ."
    assert errors.rows() == {3, 7} and len(errors) == 2


def test_the_template_has_a_title_the_headers_and_instructions_and_reads_back():
    data = write_template(
        COLUMNS, title="MẪU", sheet_title="Dữ liệu", examples=[["05/03/2019", "C01", "An"]]
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    assert book["Dữ liệu"]["A1"].value == "MẪU"
    present, rows = read(data)
    assert set(present) == {"day", "code", "name"}
    assert rows == [(4, {"day": "05/03/2019", "code": "C01", "name": "An"})]


def test_the_cycle_collector_is_off_inside_paused_gc_and_back_on_after():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # nested: the inner block leaves it off
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_gc_turns_the_collector_back_on_after_an_error():
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("row 3")
    assert gc.isenabled()


def test_paused_gc_leaves_a_collector_it_found_off_alone():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_concurrent_calls_of_a_paused_function_leave_the_collector_on():
    inside = threading.Barrier(2)

    @paused_gc()
    def check():
        inside.wait(timeout=5)  # both calls are inside at once
        return gc.isenabled()

    with ThreadPoolExecutor(max_workers=2) as pool:
        seen = list(pool.map(lambda _i: check(), range(2)))
    assert seen == [False, False]
    assert gc.isenabled()
