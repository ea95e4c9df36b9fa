from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capuy.core.testing import member_in, org_child
from capuy.organizations.choices import FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag
from capuy.organizations.services import recount_members

TREE = reverse("organizations:tree")


def children_url(org, **query):
    url = reverse("organizations:children", args=[org.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def node_html(response, code: str) -> str:
    """The markup of one tree node row, up to the next node."""
    html = response.content.decode()
    start = html.index(f'data-testid="tree-node-{code}"')
    end = html.find('data-testid="tree-node-', start + 1)
    return html[start : end if end != -1 else None]


def test_tree_shows_subtree_member_counts(world, as_user):
    response = as_user("office").get(TREE)

    assert response.status_code == 200
    assert 'data-testid="tree-node-T01"' in response.content.decode()
    # The single visible root opens by itself: its districts are listed with their counts.
    assert 'data-testid="count-T01">5<' in node_html(response, "T01")
    assert 'data-testid="count-H01">4<' in node_html(response, "H01")
    assert 'data-testid="count-H02">1<' in node_html(response, "H02")


def test_tree_formats_counts_the_vietnamese_way(world, as_user):
    Organization.objects.filter(pk=world.province.pk).update(member_count=1532)

    response = as_user("office").get(TREE)

    assert 'data-testid="count-T01">1.532<' in response.content.decode()


def test_tree_roots_are_the_users_grant_nodes(world, as_user):
    response = as_user("staff").get(TREE)

    html = response.content.decode()
    assert 'data-testid="tree-node-H01"' in html
    assert 'data-testid="tree-node-T01"' not in html
    assert 'data-testid="tree-node-H02"' not in html


def test_superuser_sees_every_root(world, as_user):
    Organization.objects.add_root(
        {"code": "T02", "name": "Đảng bộ tỉnh Khác", "kind": OrgKind.DANG_BO_TINH}
    )

    html = as_user("root").get(TREE).content.decode()

    assert 'data-testid="tree-node-T01"' in html
    assert 'data-testid="tree-node-T02"' in html


def test_user_without_grants_sees_an_empty_tree(world, client):
    from django.contrib.auth import get_user_model

    from capuy.core.testing import sign_in

    nobody = get_user_model().objects.create_user(username="nobody", password="x-y-z-w-1234")
    sign_in(client, nobody)

    response = client.get(TREE)

    assert response.status_code == 200
    assert 'data-testid="tree-node-' not in response.content.decode()


def test_tree_requires_login(world, client):
    response = client.get(TREE)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_node_with_children_has_a_lazy_toggle(world, as_user):
    html = node_html(as_user("office").get(TREE), "H01")

    assert 'data-testid="toggle-H01"' in html
    assert f'hx-get="{children_url(world.district)}"' in html
    assert 'hx-target="#children-' in html


def test_children_partial_lists_direct_children_with_counts(world, as_user):
    response = as_user("office").get(children_url(world.grassroots), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="tree-node-H01-X01-C01"' in html
    assert 'data-testid="count-H01-X01-C01">3<' in html
    assert 'data-testid="count-H01-X01-C02">1<' in html
    assert 'data-testid="tree-node-H01"' not in html  # only the children, not the parent
    assert "toggle-H01-X01-C01" not in html  # cells are leaves


def test_children_partial_outside_scope_is_404(world, as_user):
    response = as_user("outsider").get(children_url(world.district))

    assert response.status_code == 404


def test_children_partial_hides_dissolved_unless_asked(world, as_user):
    # given a cell dissolved last year
    Organization.objects.filter(pk=world.other_cell.pk).update(dissolved_on=date(2024, 12, 31))
    client = as_user("office")

    # when the tree opens normally, then it is hidden
    html = client.get(children_url(world.grassroots)).content.decode()
    assert "tree-node-H01-X01-C02" not in html

    # when dissolved organizations are asked for, then it is shown greyed with its date
    html = client.get(children_url(world.grassroots, include_dissolved="on")).content.decode()
    assert "tree-node-H01-X01-C02" in html
    assert "is-dissolved" in html
    assert "31/12/2024" in html


def test_children_partial_shows_flag_icons(world, as_user):
    OrganizationFlag.objects.create(
        organization=world.cell, kind=FlagKind.KHO_KHAN, valid_from=date(2019, 1, 1)
    )
    OrganizationFlag.objects.create(
        organization=world.other_cell,
        kind=FlagKind.PHUC_TAP,
        valid_from=date(2019, 1, 1),
        valid_to=date(2019, 12, 31),  # expired: no icon today
    )

    html = as_user("office").get(children_url(world.grassroots)).content.decode()

    assert 'data-testid="flag-kho_khan-H01-X01-C01"' in html
    assert "flag-phuc_tap-H01-X01-C02" not in html


def test_children_partial_pages_long_sibling_lists(world, as_user, monkeypatch):
    from capuy.organizations import views

    monkeypatch.setattr(views, "CHILDREN_PAGE", 1)
    client = as_user("office")

    first = client.get(children_url(world.grassroots)).content.decode()
    second = client.get(children_url(world.grassroots, offset=1)).content.decode()

    assert "tree-node-H01-X01-C01" in first and "tree-node-H01-X01-C02" not in first
    assert 'data-testid="more-H01-X01"' in first
    assert "tree-node-H01-X01-C02" in second and "more-H01-X01" not in second


def test_kind_filter_lists_matching_descendants_flat(world, as_user):
    response = as_user("office").get(TREE, {"kind": OrgKind.CHI_BO_TRUC_THUOC})

    html = response.content.decode()
    assert 'data-testid="org-results"' in html
    assert 'data-testid="org-tree"' not in html
    assert 'data-testid="result-H01-X01-C01"' in html
    assert 'data-testid="result-H01-X01-C02"' in html
    assert "result-H02-X01" not in html  # a chi bộ cơ sở, not trực thuộc
    assert 'result-H01-X01"' not in html


def test_kind_filter_stays_inside_the_chosen_node(world, as_user):
    response = as_user("office").get(TREE, {"kind": OrgKind.CHI_BO_CO_SO, "org": world.district.pk})

    assert "result-H02-X01" not in response.content.decode()
    response = as_user("office").get(
        TREE, {"kind": OrgKind.CHI_BO_CO_SO, "org": world.other_district.pk}
    )
    assert 'data-testid="result-H02-X01"' in response.content.decode()


def test_kind_filter_never_leaves_the_users_scope(world, as_user):
    html = as_user("staff").get(TREE, {"kind": OrgKind.CHI_BO_CO_SO}).content.decode()

    assert "result-H02-X01" not in html


def test_chosen_node_outside_scope_is_404(world, as_user):
    response = as_user("staff").get(TREE, {"org": world.other_district.pk})

    assert response.status_code == 404


def test_flag_filter_uses_the_flags_active_on_the_date(world, as_user):
    # given a difficult-locality flag on one cell for 2019 only
    OrganizationFlag.objects.create(
        organization=world.cell,
        kind=FlagKind.KHO_KHAN,
        valid_from=date(2019, 1, 1),
        valid_to=date(2019, 12, 31),
    )
    client = as_user("office")

    # when filtering on a day in 2019, then the cell is listed
    html = client.get(TREE, {"flag": FlagKind.KHO_KHAN, "on": "2019-06-01"}).content.decode()
    assert 'data-testid="result-H01-X01-C01"' in html
    assert "result-H01-X01-C02" not in html

    # when filtering today, then nothing matches
    html = client.get(TREE, {"flag": FlagKind.KHO_KHAN}).content.decode()
    assert "result-H01-X01-C01" not in html
    # and another kind of flag never matches
    html = client.get(TREE, {"flag": FlagKind.PHUC_TAP, "on": "2019-06-01"}).content.decode()
    assert "result-H01-X01-C01" not in html


def test_text_search_ignores_diacritics(world, as_user):
    html = as_user("office").get(TREE, {"q": "thon dong"}).content.decode()

    assert 'data-testid="result-H01-X01-C01"' in html
    assert "result-H01-X01-C02" not in html


def test_flat_results_are_paginated(world, as_user, monkeypatch):
    from capuy.organizations import views

    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 1)
    client = as_user("office")

    first = client.get(TREE, {"kind": OrgKind.CHI_BO_TRUC_THUOC}).content.decode()
    second = client.get(TREE, {"kind": OrgKind.CHI_BO_TRUC_THUOC, "page": 2}).content.decode()

    assert "result-H01-X01-C01" in first and "result-H01-X01-C02" not in first
    assert "page=2" in first
    assert "result-H01-X01-C02" in second


def test_invalid_filter_values_are_ignored(world, as_user):
    response = as_user("office").get(TREE, {"kind": "nonsense", "on": "31/02/2020"})

    assert response.status_code == 200
    assert 'data-testid="org-tree"' in response.content.decode()


@pytest.fixture
def wide_tree(world):
    """Twenty more cells with members and flags under the grassroots organization."""
    today = timezone.localdate()
    for n in range(20):
        cell = org_child(world.grassroots, f"W{n:02d}", f"Chi bộ số {n}", OrgKind.CHI_BO_TRUC_THUOC)
        member_in(cell, "Vũ", "Văn", f"Thành{n}")
        OrganizationFlag.objects.create(
            organization=cell, kind=FlagKind.KHO_KHAN, valid_from=today - timedelta(days=10)
        )
        OrganizationFlag.objects.create(
            organization=cell, kind=FlagKind.PHUC_TAP, valid_from=today - timedelta(days=10)
        )
    recount_members()
    return world


# Session, user, OTP device, role grants, roots, flags, children, flags.
TREE_QUERIES = 8
# Session, user, OTP device, role grants, parent, children, flags.
CHILDREN_QUERIES = 7


def test_tree_page_query_count_does_not_grow_with_nodes(
    wide_tree, as_user, django_assert_max_num_queries
):
    client = as_user("office")

    with django_assert_max_num_queries(TREE_QUERIES):
        response = client.get(TREE)
    assert response.status_code == 200


def test_children_partial_query_count_does_not_grow_with_children(
    wide_tree, as_user, django_assert_max_num_queries
):
    client = as_user("office")

    with django_assert_max_num_queries(CHILDREN_QUERIES):
        response = client.get(children_url(wide_tree.grassroots))

    html = response.content.decode()
    assert html.count('data-testid="tree-node-') == 22
    assert html.count("flag-kho_khan-W") == 20
    assert 'data-testid="count-H01-X01-C01">3<' in html


def test_flat_search_query_count_does_not_grow_with_results(
    wide_tree, as_user, django_assert_max_num_queries
):
    client = as_user("office")

    # Session, user, OTP device, role grants, count, page, flags.
    with django_assert_max_num_queries(7):
        response = client.get(TREE, {"kind": OrgKind.CHI_BO_TRUC_THUOC})

    assert response.content.decode().count('data-testid="result-') == 22
