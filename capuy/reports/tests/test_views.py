"""The dashboard, its drill-down lists, the export, "Của tôi" and the report page."""

from io import BytesIO

import pytest
from django.urls import reverse

from capuy.core.testing import sign_in

YEAR = {"year": 2019}


@pytest.fixture
def office(figures, client):
    sign_in(client, figures.world.users["office"])
    return client


def test_the_dashboard_shows_the_figures_with_links_to_their_rows(figures, office):
    response = office.get(reverse("grassroots:dashboard"), YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="level-tinh-attendances">2<' in page
    assert 'data-testid="level-huyen-attendances">1<' in page
    assert 'data-testid="cells-visited">2 / 3<' in page
    assert 'data-testid="concerns-overdue">1<' in page
    org = figures.world.province.pk
    assert f"/cong-tac-co-so/tong-hop/luot-du/?org={org}&amp;year=2019&amp;level=tinh" in page
    assert 'data-testid="chart-months"' in page and "<svg" in page
    assert 'data-testid="chart-units"' in page
    assert "Đảng bộ huyện An Bình" in page


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("grassroots:dashboard", 25),
        ("grassroots:compliance", 12),
        ("grassroots:attendances", 8),
        ("reports:quy_dinh_01", 25),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    figures, office, django_assert_max_num_queries, name, queries
):
    # More rows must not mean more queries.
    from datetime import date

    from capuy.reports.testing import attendance_at, meeting_in

    attendance_at(meeting_in(figures.world.cell, date(2019, 8, 5)), figures.lan_seat)
    with django_assert_max_num_queries(queries):
        office.get(reverse(name), YEAR)


def test_an_organization_outside_scope_is_refused(figures, client):
    sign_in(client, figures.world.users["outsider"])
    for name in ("grassroots:dashboard", "grassroots:compliance", "grassroots:attendances"):
        response = client.get(reverse(name), {**YEAR, "org": figures.world.district.pk})
        assert response.status_code == 404
        assert "An Bình" not in response.content.decode()


def test_the_compliance_list_drills_down_to_members(figures, office):
    response = office.get(reverse("grassroots:compliance"), {**YEAR, "status": "behind"})
    page = response.content.decode()
    assert "Trần Thị Lan" in page and "Lê Minh Tuấn" not in page
    assert "Chưa đạt" in page


def test_the_below_quota_list_exports_to_excel(figures, office):
    from openpyxl import load_workbook

    response = office.get(reverse("grassroots:compliance_export"), {**YEAR, "status": "behind"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows == [
        (
            1,
            "Trần Thị Lan",
            "Cấp ủy viên cấp huyện và tương đương",
            "Đảng bộ huyện An Bình",
            6,
            1,
            5,
            "Chưa đạt",
        )
    ]


def test_attendance_rows_behind_a_figure(figures, office):
    response = office.get(reverse("grassroots:attendances"), {**YEAR, "level": "tinh"})
    page = response.content.decode()
    assert 'data-testid="attendance-total">2<' in page
    assert "05/03/2019" in page and "05/06/2019" in page
    march = office.get(reverse("grassroots:attendances"), {**YEAR, "month": 3})
    assert 'data-testid="attendance-total">2<' in march.content.decode()
    planned = office.get(reverse("grassroots:attendances"), {**YEAR, "planned": "on"})
    assert "05/12/2019" in planned.content.decode()


def test_cells_never_visited_and_flagged_localities(figures, office):
    cells = office.get(reverse("grassroots:cells"), YEAR).content.decode()
    assert "Chi bộ Trường Tiểu học Bình Yên" in cells and "Chi bộ thôn Tây" not in cells
    flagged = office.get(reverse("grassroots:flagged"), YEAR).content.decode()
    assert "Đảng bộ xã An Phú" in flagged and "Đảng bộ huyện Bình Yên" in flagged


def test_mine_shows_the_members_own_year(figures, client):
    world = figures.world
    user = world.users["committee_member"]
    user.member = world.members["tuan"]
    user.save()
    sign_in(client, user)
    page = client.get(reverse("grassroots:mine"), YEAR).content.decode()
    assert 'data-testid="mine-quota-tinh"' in page
    assert "2 / 2" in page and "Đạt" in page
    assert "Đường liên thôn xuống cấp" in page  # the open concern he received


def test_mine_without_a_member_record_says_so(figures, office):
    page = office.get(reverse("grassroots:mine")).content.decode()
    assert 'data-testid="mine-unlinked"' in page


def test_the_report_page_has_its_downloads(figures, office):
    response = office.get(reverse("reports:quy_dinh_01"), YEAR)
    page = response.content.decode()
    assert "Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm 2019" in page
    assert 'data-testid="report-attendances-tinh">2<' in page
    for fmt in ("docx", "pdf", "xlsx", "json"):
        assert f'data-testid="download-{fmt}"' in page


@pytest.mark.parametrize(
    ("fmt", "magic"), [("docx", b"PK"), ("pdf", b"%PDF"), ("xlsx", b"PK"), ("json", b"{")]
)
def test_the_report_downloads(figures, office, fmt, magic):
    response = office.get(reverse("reports:quy_dinh_01_download", args=[fmt]), YEAR)
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "bao-cao-quy-dinh-01-T01-2019" in response["Content-Disposition"]
