from datetime import date

import pytest
from django.urls import reverse

from capuy.core.testing import member_in
from capuy.organizations.choices import FlagKind
from capuy.organizations.models import Organization, OrganizationFlag
from capuy.organizations.services import recount_members


def section(html: str, testid: str) -> str:
    """The markup of the element marked ``data-testid=testid``, up to its section's end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def detail_url(org):
    return reverse("organizations:detail", args=[org.pk])


def test_detail_shows_header_facts(world, as_user):
    # given a flagged, merged-away district
    OrganizationFlag.objects.create(
        organization=world.other_district, kind=FlagKind.PHUC_TAP, valid_from=date(2020, 1, 1)
    )
    Organization.objects.filter(pk=world.other_district.pk).update(
        established_on=date(1997, 1, 1), dissolved_on=date(2025, 6, 30), merged_into=world.district
    )

    # when the office opens it
    html = as_user("office").get(detail_url(world.other_district)).content.decode()

    # then kind, code, dates, merge target, flag and member count are shown
    assert "Đảng bộ cấp huyện và tương đương" in html
    assert 'data-testid="org-code">H02<' in html
    assert "01/01/1997" in html
    assert 'data-testid="org-dissolved-on">30/06/2025<' in html
    assert f'href="{detail_url(world.district)}">Đảng bộ huyện An Bình<' in html
    assert "Tình hình phức tạp" in html
    assert f"/dang-vien/?org={world.other_district.pk}" in html


def test_detail_lists_child_organizations_with_counts(world, as_user):
    html = as_user("office").get(detail_url(world.grassroots)).content.decode()

    assert 'data-testid="child-H01-X01-C01"' in html
    assert 'data-testid="count-H01-X01-C01">3<' in html
    assert 'data-testid="count-H01-X01-C02">1<' in html


def test_detail_lists_cell_members_in_roster_order(world, as_user):
    html = as_user("secretary").get(detail_url(world.cell)).content.decode()

    # Roster order sorts by given name: Hùng, Lan, Tuấn.
    positions = [html.index(name) for name in ("Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn")]
    assert positions == sorted(positions)
    assert "Phạm Thị An" not in html  # another cell's member
    assert f"/dang-vien/?org={world.cell.pk}" in html


def test_detail_shows_only_the_first_fifty_members(world, as_user):
    for n in range(51):
        member_in(world.other_cell, "Hoàng", "Văn", f"Tên{n:02d}")
    recount_members()

    html = as_user("office").get(detail_url(world.other_cell)).content.decode()

    assert html.count('data-testid="member-row-') == 50
    assert "Chỉ hiện 50 đảng viên đầu tiên." in html


def test_detail_shows_committees_with_current_seats(world, as_user):
    html = as_user("office").get(detail_url(world.province)).content.decode()

    assert "Khóa XIX" in html
    assert f'href="{reverse("committees:detail", args=[world.bch.pk])}"' in html
    assert "Lê Minh Tuấn" in html
    assert "Ủy viên Ban Chấp hành" in html


@pytest.mark.parametrize(
    ("persona", "place"),
    [
        ("outsider", "district"),
        ("outsider", "cell"),
        ("secretary", "other_district"),
        ("secretary", "other_cell"),
        ("staff", "province"),
    ],
)
def test_detail_outside_scope_is_404(world, as_user, persona, place):
    response = as_user(persona).get(detail_url(getattr(world, place)))

    assert response.status_code == 404


def test_detail_hides_write_actions_from_read_only_roles(world, as_user):
    html = as_user("inspector").get(detail_url(world.district)).content.decode()

    assert 'data-testid="edit-link"' not in html
    assert 'data-testid="create-link"' not in html
    assert 'data-testid="history-link"' in html


def test_detail_offers_write_actions_in_change_scope(world, as_user):
    html = as_user("staff").get(detail_url(world.district)).content.decode()

    assert 'data-testid="edit-link"' in html
    assert 'data-testid="create-link"' in html
    assert 'data-testid="term-create-link"' in html


def test_detail_query_count_is_bounded(world, as_user, django_assert_max_num_queries):
    for n in range(10):
        member_in(world.cell, "Hoàng", "Văn", f"Tên{n:02d}")
    client = as_user("office")

    # Session, user, device, grants, org+flags (2), ancestors, children+flags (2), members,
    # terms+committees+seats (3), can-change.
    with django_assert_max_num_queries(15):
        response = client.get(detail_url(world.cell))
    assert response.status_code == 200


def test_history_lists_changes_with_who_and_what(world, as_user):
    # given an edit by the office
    client = as_user("office")
    client.post(
        reverse("organizations:edit", args=[world.district.pk]),
        {"name": "Đảng bộ huyện An Bình Mới", "code": "H01", "unit_type": "", "established_on": ""},
    )

    # when the history page is opened
    response = client.get(reverse("organizations:history", args=[world.district.pk]))

    # then the change, its author and the old and new values are shown
    history = section(response.content.decode(), "org-history")
    assert response.status_code == 200
    assert "<strong>Sửa</strong> · office" in history
    assert "<del>Đảng bộ huyện An Bình</del>" in history
    assert "Đảng bộ huyện An Bình Mới" in history


def test_history_outside_scope_is_404(world, as_user):
    response = as_user("outsider").get(reverse("organizations:history", args=[world.district.pk]))

    assert response.status_code == 404
