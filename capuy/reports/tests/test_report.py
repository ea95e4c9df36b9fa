"""The yearly report: figures from rows, the levels of the year, and every format read back."""

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command

from capuy.core.testing import sign_in
from capuy.reports.documents import render_docx, render_pdf
from capuy.reports.quy_dinh_01 import build_report, report_document, report_xlsx


def report(figures, **kwargs):
    world = figures.world
    kwargs.setdefault("org", world.province)
    return build_report(world.users["office"], year=2019, today=date(2020, 3, 25), **kwargs)


def levels(data):
    return {item["level"]: item for item in data["levels"]}


def test_the_report_counts_attendances_by_seat_level(figures):
    data = report(figures)

    assert data["year"] == 2019
    assert data["title"] == "Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm 2019"
    assert [item["level"] for item in data["levels"]] == ["tinh", "huyen"]
    tinh, huyen = levels(data)["tinh"], levels(data)["huyen"]
    assert (tinh["label"], tinh["attendances"], tinh["members"], tinh["members_met"]) == (
        "Tỉnh ủy viên",
        2,
        1,
        1,
    )
    assert (huyen["attendances"], huyen["members_below"], huyen["quota"]) == (1, 1, 6)
    assert data["cells"] == {"cells": 3, "visited": 2, "never_visited": 1, "share": 0.6667}
    assert data["flagged"]["visited"] == 1
    assert data["concerns"]["raised"] == 3 and data["concerns"]["on_spot"] == 1
    assert data["rotation"] == {
        "planned": 1,
        "actual": 3,
        "by_level": [
            {"level": "tinh", "label": "Tỉnh ủy viên", "planned": 1, "actual": 2},
            {
                "level": "huyen",
                "label": "Cấp ủy viên cấp huyện và tương đương",
                "planned": 0,
                "actual": 1,
            },
        ],
    }
    assert {u["code"]: u["total"] for u in data["units"]} == {"H01": 3, "H02": 0}
    json.dumps(data)  # JSON-ready as it is


def test_the_report_says_how_it_counts(figures):
    assert report(figures)["counting"].startswith("Tính tất cả")
    confirmed = report(figures, confirmed_only=True)
    assert confirmed["confirmed_only"] is True
    assert confirmed["counting"] == "Chỉ tính các lượt dự đã được chi bộ xác nhận."
    assert levels(confirmed)["huyen"]["attendances"] == 0


@pytest.mark.parametrize(
    ("year", "shown"),
    [(2019, ["tinh", "huyen"]), (2025, ["tinh", "huyen", "xa"]), (2026, ["tinh", "xa"])],
)
def test_the_levels_follow_the_structure_of_the_year(world, year, shown):
    data = build_report(world.users["office"], year=year, org=world.province)
    assert [item["level"] for item in data["levels"]] == shown


def test_a_level_with_rows_outside_its_era_is_still_shown(figures):
    data = report(figures, org=None)
    assert "xa" not in levels(data)


def test_the_docx_carries_the_header_and_the_numbers(figures):
    from docx import Document

    data = report(figures)
    body = render_docx(report_document(data, figures.world.province, day=date(2020, 3, 25)))
    document = Document(BytesIO(body))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    )
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH THỬ NGHIỆM",
        "TỈNH ỦY",
        "Thử Nghiệm, ngày 25 tháng 3 năm 2020",
        "BÁO CÁO",
        "kết quả thực hiện Quy định 01-QĐ/TU năm 2019",
        "các đồng chí Tỉnh ủy viên đã có 2 lượt đi dự sinh hoạt chi bộ",
        "các đồng chí cấp ủy cấp huyện và tương đương có 1 lượt",
        "Tính tất cả các lượt dự đã ghi nhận",
        "T/M BAN THƯỜNG VỤ",
    ):
        assert expected in text, expected


def test_the_pdf_carries_the_header_and_the_numbers(figures):
    from pypdf import PdfReader

    data = report(figures)
    body = render_pdf(report_document(data, figures.world.province, day=date(2020, 3, 25)))
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Quy định 01-QĐ/TU năm 2019", "Tỉnh ủy viên"):
        assert expected in text, expected
    assert "2 lượt" in text


def test_big_numbers_are_written_the_vietnamese_way(figures):
    data = report(figures)
    data["levels"][1]["attendances"] = 1532
    document = report_document(data, figures.world.province, day=date(2020, 3, 25))
    assert "cấp ủy cấp huyện và tương đương có 1.532 lượt" in document.plain_text()


def test_the_xlsx_holds_the_tables(figures):
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(report_xlsx(report(figures))))
    assert book.sheetnames[:3] == ["Theo cấp", "Theo đơn vị", "Theo tháng"]
    rows = list(book["Theo cấp"].iter_rows(min_row=5, values_only=True))
    assert rows[0][1] == "Tỉnh ủy viên" and rows[0][3] == 2
    assert rows[1][3] == 1


def test_the_command_prints_json(figures):
    out = StringIO()
    call_command("report", "quy-dinh-01", "--year", "2019", "--org", "T01", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == 2019
    assert [(i["level"], i["label"], i["attendances"]) for i in data["levels"]] == [
        ("tinh", "Tỉnh ủy viên", 2),
        ("huyen", "Cấp ủy viên cấp huyện và tương đương", 1),
    ]


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_the_command_writes_files(figures, tmp_path, fmt):
    target = tmp_path / f"bao-cao.{fmt}"
    call_command(
        "report",
        "quy-dinh-01",
        "--year",
        "2019",
        "--format",
        fmt,
        "--output",
        str(target),
        stderr=StringIO(),
    )
    assert target.stat().st_size > 1000


def test_the_command_refuses_an_unknown_organization(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("report", "quy-dinh-01", "--year", "2019", "--org", "KHONG-CO")


def test_the_api_answers_with_the_same_figures(figures, client):
    sign_in(client, figures.world.users["office"])
    response = client.get("/api/v1/reports/quy-dinh-01", {"year": 2019, "org": "T01"})
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2019
    assert levels(data)["tinh"]["attendances"] == 2
    by_id = client.get(
        "/api/v1/reports/quy-dinh-01", {"year": 2019, "org": figures.world.province.pk}
    )
    assert by_id.json()["organization"]["code"] == "T01"


def test_the_api_is_scoped(figures, client):
    sign_in(client, figures.world.users["outsider"])
    assert (
        client.get("/api/v1/reports/quy-dinh-01", {"year": 2019, "org": "T01"}).status_code == 404
    )
    whole = client.get("/api/v1/reports/quy-dinh-01", {"year": 2019}).json()
    assert whole["total_attendances"] == 0


def test_the_api_refuses_a_bad_year_and_defaults_to_this_year(figures, client):
    sign_in(client, figures.world.users["office"])
    response = client.get("/api/v1/reports/quy-dinh-01", {"year": "hai-nghin"})
    assert response.status_code == 400
    assert "year" in response.json()
    assert client.get("/api/v1/reports/quy-dinh-01", {"year": 1800}).status_code == 400
    this_year = client.get("/api/v1/reports/quy-dinh-01").json()["year"]
    assert this_year >= 2025


def test_the_api_is_documented(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/reports/quy-dinh-01"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"year", "org"}
    assert "/api/v1/concerns/{id}/transition/" in schema["paths"]
