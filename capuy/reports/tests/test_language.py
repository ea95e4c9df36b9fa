"""The yearly reports in the reader's language: an English session reads the page (and the
JSON) with English titles and labels, while the party documents and their workbooks stay
Vietnamese, and so does the command's JSON; the JSON keys are the same in every language. The
command's own words (its errors, notes and help) are in the operator's language."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from capuy.core.testing import sign_in
from capuy.reports import xep_loai

from .test_xep_loai import cycles, report, row, table  # noqa: F401 (cycles: a fixture)

XEP_LOAI_TITLE_VI = "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2019"
XEP_LOAI_TITLE_EN = (
    "Report on the results of review, assessment and quality classification for 2019"
)
QUY_DINH_01_TITLE_VI = "Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm 2019"
QUY_DINH_01_TITLE_EN = "Report on the implementation of Regulation 01-QĐ/TU in 2019"


def in_language(client, language: str):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def signed_in(world, name: str = "office", language: str = "vi") -> Client:
    client = Client()
    sign_in(client, world.users[name])
    return in_language(client, language)


def keys_of(value):
    """The JSON's shape: every dict key, recursively (lists by their items' shapes)."""
    if isinstance(value, dict):
        return {key: keys_of(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys_of(item) for item in value]
    return None


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(BytesIO(content))
    cells = (cell.text for t in document.tables for r in t.rows for cell in r.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(BytesIO(content))


# --- the review statistics (xếp loại) ---------------------------------------------------------


@pytest.mark.usefixtures("cycles")
def test_an_english_session_reads_the_review_statistics_in_english(world, as_user):
    client = in_language(as_user("office"), "en")

    page = client.get("/bao-cao/xep-loai/", {"year": 2019, "org": world.province.pk})

    assert page.status_code == 200
    data = page.context["data"]
    assert data["title"] == XEP_LOAI_TITLE_EN
    assert table(data, "dang_vien")["title"] == "Party members"
    assert row(data, "dang_vien", "chinh_thuc")["label"] == "Full party members"
    assert table(data, "dang_vien_theo_don_vi")["title"] == "Party members by unit"
    assert data["not_reviewed_reasons"]["pending"] == "Not reviewed yet"
    html = page.content.decode()
    assert XEP_LOAI_TITLE_EN in html
    assert "Total grassroots party organizations" in html
    assert "Tổng số tổ chức cơ sở đảng" not in html


@pytest.mark.usefixtures("cycles")
def test_a_vietnamese_session_still_reads_vietnamese(world, as_user):
    page = as_user("office").get("/bao-cao/xep-loai/", {"year": 2019, "org": world.province.pk})

    data = page.context["data"]
    assert data["title"] == XEP_LOAI_TITLE_VI
    assert row(data, "dang_vien", "chinh_thuc")["label"] == "Đảng viên chính thức"
    assert "Tổng số tổ chức cơ sở đảng" in page.content.decode()


@pytest.mark.usefixtures("cycles")
@pytest.mark.parametrize("first, second", [("en", "vi"), ("vi", "en")])
def test_the_memoised_layout_never_serves_another_languages_labels(world, first, second):
    """``layout`` keeps the table specs per process: one language's labels are not another's."""
    expected = {
        "vi": ("Đảng viên", "Tổng số đảng viên", "Tổng số tổ chức cơ sở đảng"),
        "en": ("Party members", "Total party members", "Total grassroots party organizations"),
    }
    xep_loai._LAYOUTS.clear()
    for language in (first, second, first):
        with translation.override(language):
            data = report(world)
        got = (
            table(data, "dang_vien")["title"],
            row(data, "dang_vien", "total")["label"],
            row(data, "to_chuc_co_so_dang", "total")["label"],
        )
        assert got == expected[language], language
    assert len(xep_loai._LAYOUTS) == 2  # one layout for each language, reused


@pytest.mark.usefixtures("cycles")
@pytest.mark.parametrize("first, second", [("en", "vi"), ("vi", "en")])
def test_a_request_after_one_in_the_other_language_gets_its_own_labels(world, first, second):
    xep_loai._LAYOUTS.clear()
    titles = {"vi": "Đảng viên chính thức", "en": "Full party members"}
    query = {"year": 2019, "org": world.province.pk}
    for language in (first, second):
        page = signed_in(world, language=language).get("/bao-cao/xep-loai/", query)
        assert row(page.context["data"], "dang_vien", "chinh_thuc")["label"] == titles[language]


@pytest.mark.usefixtures("cycles")
def test_the_documents_downloaded_in_english_are_vietnamese(world):
    client = signed_in(world, language="en")
    query = {"year": 2020, "org": world.province.pk}

    docx = client.get("/bao-cao/xep-loai/tai-ve/docx/", query)
    xlsx = client.get("/bao-cao/xep-loai/tai-ve/xlsx/", query)

    text = docx_text(docx.content)
    assert "Biểu 1. Kết quả xếp loại tổ chức cơ sở đảng năm 2020" in text
    assert "Đảng viên chính thức" in text and "Tổng số đảng viên" in text
    assert "Full party members" not in text and "Party members" not in text
    book = workbook(xlsx.content)
    assert book.sheetnames[0] == "Kiểm điểm"
    assert "Đảng viên" in book.sheetnames and "Party members" not in book.sheetnames
    sheet = book["Đảng viên"]
    assert sheet["A1"].value == "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2020"
    labels = [cell.value for cell in sheet["B"]]
    assert "Đảng viên chính thức" in labels and "Full party members" not in labels
    assert "Chưa KĐ: Chưa kiểm điểm" in [cell.value for cell in sheet[4]]
    # and the page of the same session is still in English
    page = client.get("/bao-cao/xep-loai/", query)
    assert page.context["data"]["title"].startswith("Report on the results")


@pytest.mark.usefixtures("cycles")
def test_the_json_keys_are_the_same_in_both_languages(world):
    query = {"year": 2019, "org": "T01"}
    english = signed_in(world, language="en").get("/api/v1/reports/xep-loai", query).json()
    vietnamese = signed_in(world, language="vi").get("/api/v1/reports/xep-loai", query).json()

    assert english["title"] == XEP_LOAI_TITLE_EN and vietnamese["title"] == XEP_LOAI_TITLE_VI
    assert keys_of(english) == keys_of(vietnamese)
    assert english["coverage"] == vietnamese["coverage"]
    assert [t["key"] for t in english["tables"]] == [t["key"] for t in vietnamese["tables"]]
    download = signed_in(world, language="en").get(
        "/bao-cao/xep-loai/tai-ve/json/", {"year": 2019, "org": world.province.pk}
    )
    assert keys_of(download.json()) == keys_of(vietnamese)
    assert download.json()["title"] == XEP_LOAI_TITLE_EN


@pytest.mark.usefixtures("cycles")
def test_the_command_prints_vietnamese_json_whatever_the_thread_speaks(world):
    with translation.override("vi"):
        expected = json.loads(json.dumps(xep_loai.build_report(_operator(), year=2019)))
    out = StringIO()
    with translation.override("en"):  # e.g. left active by an English request
        call_command("report", "xep-loai", "--year", "2019", stdout=out)
    printed = json.loads(out.getvalue())

    assert printed["title"] == XEP_LOAI_TITLE_VI
    assert {k: v for k, v in printed.items() if k != "as_of"} == {
        k: v for k, v in expected.items() if k != "as_of"
    }


def _operator():
    from capuy.reports.management.commands.report import _Everyone

    return _Everyone()


# --- Quy định 01 ------------------------------------------------------------------------------


def test_an_english_session_reads_the_quy_dinh_01_report_in_english(figures):
    client = signed_in(figures.world, language="en")

    page = client.get("/bao-cao/quy-dinh-01/", {"year": 2019, "org": figures.world.province.pk})

    data = page.context["data"]
    assert data["title"] == QUY_DINH_01_TITLE_EN
    assert data["counting"].startswith("All recorded attendances are counted")
    assert data["levels"][0]["label"] == "Provincial Party Committee members"
    assert QUY_DINH_01_TITLE_EN in page.content.decode()


def test_the_quy_dinh_01_documents_downloaded_in_english_are_vietnamese(figures):
    client = signed_in(figures.world, language="en")
    query = {"year": 2019, "org": figures.world.province.pk}

    docx = client.get("/bao-cao/quy-dinh-01/tai-ve/docx/", query)
    xlsx = client.get("/bao-cao/quy-dinh-01/tai-ve/xlsx/", query)

    text = docx_text(docx.content)
    assert "Biểu 1. Số lượt dự sinh hoạt chi bộ theo cấp năm 2019" in text
    assert "Tỉnh ủy viên" in text and "Tính tất cả các lượt dự" in text
    assert "Provincial Party Committee members" not in text and "All recorded" not in text
    book = workbook(xlsx.content)
    sheet = book["Theo cấp"]
    assert sheet["A1"].value == QUY_DINH_01_TITLE_VI
    assert sheet["B5"].value == "Tỉnh ủy viên"
    statuses = [cell.value for cell in book["Kiến nghị"]["B"]]
    assert "Tổng số tiếp nhận" in statuses


def test_the_quy_dinh_01_json_keys_are_the_same_in_both_languages(figures):
    query = {"year": 2019, "org": "T01"}
    english = signed_in(figures.world, language="en").get("/api/v1/reports/quy-dinh-01", query)
    vietnamese = signed_in(figures.world).get("/api/v1/reports/quy-dinh-01", query)

    assert english.json()["title"] == QUY_DINH_01_TITLE_EN
    assert vietnamese.json()["title"] == QUY_DINH_01_TITLE_VI
    assert keys_of(english.json()) == keys_of(vietnamese.json())


def test_the_quy_dinh_01_command_prints_vietnamese_json(figures):
    out = StringIO()
    with translation.override("en"):
        call_command("report", "quy-dinh-01", "--year", "2019", "--org", "T01", stdout=out)
    data = json.loads(out.getvalue())

    assert data["title"] == QUY_DINH_01_TITLE_VI
    assert data["counting"].startswith("Tính tất cả")
    assert data["levels"][0]["label"] == "Tỉnh ủy viên"


# --- The command's own words ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Không có tổ chức mã «KHONG-CO»."),
        ("en", "There is no organization with code «KHONG-CO»."),
    ],
)
def test_the_command_names_an_unknown_organization_in_the_operators_language(language, message):
    from django.core.management.base import CommandError

    with translation.override(language), pytest.raises(CommandError) as error:
        call_command("report", "quy-dinh-01", "--year", "2019", "--org", "KHONG-CO")

    assert str(error.value) == message


@pytest.mark.parametrize(
    ("language", "note"),
    [("vi", "Đã ghi {path} ({size} byte)."), ("en", "Wrote {path} ({size} bytes).")],
)
def test_the_note_on_a_written_file_is_in_the_operators_language_the_file_is_not(
    figures, tmp_path, language, note
):
    target = tmp_path / "bao-cao.json"
    err = StringIO()
    with translation.override(language):
        call_command(
            "report",
            "quy-dinh-01",
            "--year",
            "2019",
            "--org",
            "T01",
            "--output",
            str(target),
            stderr=err,
        )

    size = f"{target.stat().st_size:,}".replace(",", ".")  # 12.345, as the party writes numbers
    assert err.getvalue().strip() == note.format(path=target, size=size)
    assert json.loads(target.read_text())["title"] == QUY_DINH_01_TITLE_VI


def test_the_commands_help_is_in_the_operators_language(capsys):
    from capuy.reports.management.commands.report import Command

    def help_text(*args):
        with pytest.raises(SystemExit):
            Command().run_from_argv(["capuy", "report", *args, "--help"])
        return " ".join(capsys.readouterr().out.split())

    assert "Lập báo cáo từ dữ liệu" in help_text()
    assert "năm báo cáo, ví dụ 2019" in help_text("xep-loai")
    with translation.override("en"):
        assert "Build a report from the data" in help_text()
        assert "report year, e.g. 2019" in help_text("xep-loai")
