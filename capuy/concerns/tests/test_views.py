"""Concern pages: the filtered list, by agency, by locality, the detail and its status change."""

from datetime import date

import pytest
from django.urls import reverse

from capuy.concerns.choices import ConcernStatus
from capuy.concerns.selectors import concerns_earlier_for_meeting
from capuy.core.testing import sign_in
from capuy.reports.testing import build_figures, meeting_in


@pytest.fixture
def figures(world):
    return build_figures(world)


@pytest.fixture
def office(figures, client):
    sign_in(client, figures.world.users["office"])
    return client


def page_of(client, name, params=None, *args):
    response = client.get(reverse(name, args=args), params or {})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_filters_by_status_category_agency_locality_and_overdue(figures, office):
    everything = page_of(office, "concerns:list")
    assert 'data-testid="concern-total">3<' in everything
    open_ = page_of(office, "concerns:list", {"status": "open"})
    assert "Đường liên thôn xuống cấp" in open_ and "Thiếu đèn đường" not in open_
    overdue = page_of(office, "concerns:list", {"overdue": "on"})
    assert "Đường liên thôn xuống cấp" in overdue and 'data-testid="concern-overdue"' in overdue
    agency = page_of(office, "concerns:list", {"agency": "UBND xã An Phú"})
    assert 'data-testid="concern-total">1<' in agency
    world = figures.world
    home = page_of(office, "concerns:list", {"org": world.cell.pk})
    assert "Thiếu đèn đường" in home and "Hỏi về chính sách" not in home
    category = figures.concerns["on_spot"].category
    assert 'concern-total">3<' in page_of(office, "concerns:list", {"category": category.pk})
    on_spot = page_of(office, "concerns:list", {"on_spot": "on"})
    assert "Hỏi về chính sách" in on_spot and "Thiếu đèn đường" not in on_spot


def test_the_list_runs_a_fixed_number_of_queries(figures, office, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        office.get(reverse("concerns:list"))


def test_a_locality_outside_scope_shows_nothing(figures, client):
    sign_in(client, figures.world.users["outsider"])
    page = page_of(client, "concerns:list", {"org": figures.world.cell.pk})
    assert 'data-testid="filter-errors"' in page
    assert "Đường liên thôn" not in page


def test_concerns_by_agency_link_to_their_rows(figures, office):
    page = page_of(office, "concerns:by_agency")
    assert "UBND xã An Phú" in page
    assert "agency=UBND+x%C3%A3+An+Ph%C3%BA" in page


def test_concerns_by_locality_roll_up_to_districts(figures, office):
    page = page_of(office, "concerns:by_locality")
    world = figures.world
    assert f'data-testid="locality-row-{world.district.pk}"' in page
    assert f'data-testid="locality-row-{world.other_district.pk}"' not in page  # no rows there
    deeper = page_of(office, "concerns:by_locality", {"org": world.grassroots.pk})
    assert "Chi bộ thôn Đông" in deeper and "Chi bộ thôn Tây" in deeper


def test_the_detail_shows_the_timeline_and_the_allowed_next_steps(figures, office):
    concern = figures.concerns["forwarded"]
    page = page_of(office, "concerns:detail", None, concern.pk)
    assert 'data-testid="concern-timeline"' in page
    assert "Chuyển cơ quan chức năng" in page
    assert '<option value="dang_gq">Đang giải quyết</option>' in page
    assert '<option value="moi">' not in page


def test_moving_a_concern_from_the_page(figures, office):
    concern = figures.concerns["forwarded"]
    response = office.post(
        reverse("concerns:transition", args=[concern.pk]),
        {"to_status": ConcernStatus.DANG_GIAI_QUYET, "note": "Đã khảo sát"},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DANG_GIAI_QUYET
    assert concern.events.last().note == "Đã khảo sát"


def test_a_refused_change_is_shown_next_to_its_field(figures, office):
    concern = figures.concerns["resolved"]
    response = office.post(
        reverse("concerns:transition", args=[concern.pk]),
        {"to_status": ConcernStatus.DANG_GIAI_QUYET, "note": ""},
    )
    assert response.status_code == 422
    assert 'data-testid="error-note"' in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DA_GIAI_QUYET


def test_read_only_roles_get_no_form_and_cannot_post(figures, client):
    sign_in(client, figures.world.users["inspector"])
    concern = figures.concerns["forwarded"]
    page = page_of(client, "concerns:detail", None, concern.pk)
    assert 'data-testid="concern-transition"' not in page
    response = client.post(
        reverse("concerns:transition", args=[concern.pk]),
        {"to_status": ConcernStatus.DANG_GIAI_QUYET},
    )
    assert response.status_code == 403
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CHUYEN_CO_QUAN


def test_the_secretary_can_reopen_at_her_cell(figures, client):
    sign_in(client, figures.world.users["secretary"])
    concern = figures.concerns["resolved"]  # raised at the secretary's cell
    response = client.post(
        reverse("concerns:transition", args=[concern.pk]),
        {"to_status": ConcernStatus.DANG_GIAI_QUYET, "note": "Đèn lại hỏng"},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DANG_GIAI_QUYET


def test_a_concern_outside_scope_is_a_404(figures, client):
    sign_in(client, figures.world.users["outsider"])
    assert (
        client.get(reverse("concerns:detail", args=[figures.concerns["forwarded"].pk])).status_code
        == 404
    )


def test_the_history_page(figures, office):
    concern = figures.concerns["forwarded"]
    assert 'data-testid="concern-history"' in page_of(office, "concerns:history", None, concern.pk)


def test_the_next_meeting_of_the_cell_shows_earlier_concerns(figures):
    world = figures.world
    next_meeting = meeting_in(world.other_cell, date(2019, 7, 5))
    rows = concerns_earlier_for_meeting(next_meeting, world.users["office"])
    assert [c.summary for c in rows][:1] == ["Đường liên thôn xuống cấp"]  # open and overdue first
    assert {c.summary for c in rows} == {"Đường liên thôn xuống cấp", "Hỏi về chính sách"}
    first = meeting_in(world.other_cell, date(2019, 1, 5))
    assert concerns_earlier_for_meeting(first, world.users["office"]) == []


def test_the_earlier_concerns_partial_renders(figures, rf):
    from django.template import Context, Template

    world = figures.world
    request = rf.get("/")
    request.user = world.users["office"]
    meeting = meeting_in(world.other_cell, date(2019, 7, 5))
    html = Template("{% load concerns %}{% earlier_concerns meeting %}").render(
        Context({"request": request, "meeting": meeting})
    )
    assert 'data-testid="earlier-concerns"' in html
    assert "Đường liên thôn xuống cấp" in html and "Quá hạn" in html
    from django.template.loader import render_to_string

    direct = render_to_string(
        "concerns/_earlier_for_meeting.html",
        {"earlier_concerns": concerns_earlier_for_meeting(meeting, world.users["office"])},
    )
    assert "Hỏi về chính sách" in direct


def test_the_meeting_page_shows_how_the_cells_earlier_concerns_stand(figures, office):
    meeting = meeting_in(figures.world.other_cell, date(2019, 7, 5))
    html = office.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    section = html[html.index('data-testid="earlier-concerns"') :]
    assert "Đường liên thôn xuống cấp" in section and "Quá hạn" in section
