from datetime import date

from capuy.core.scoping import scope_paths
from capuy.organizations import selectors
from capuy.organizations.choices import FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag


def test_roots_are_the_grant_nodes_or_the_tree_roots(world):
    assert [o.code for o in selectors.organization_roots_for(world.users["staff"])] == ["H01"]
    assert [o.code for o in selectors.organization_roots_for(world.users["secretary"])] == [
        "H01-X01-C01"
    ]
    assert [o.code for o in selectors.organization_roots_for(world.users["root"])] == ["T01"]
    assert list(selectors.organization_roots_for(None)) == []


def test_children_carry_stored_counts_and_active_flags(world, django_assert_num_queries):
    OrganizationFlag.objects.create(
        organization=world.cell, kind=FlagKind.KHO_KHAN, valid_from=date(2019, 1, 1)
    )
    office = world.users["office"]
    scope_paths(office)  # grants are read once per request; keep them out of the count

    with django_assert_num_queries(2):
        children = list(selectors.organization_children(office, world.grassroots))

    assert [(c.code, c.member_count) for c in children] == [("H01-X01-C01", 3), ("H01-X01-C02", 1)]
    assert [f.kind for f in children[0].active_flags] == [FlagKind.KHO_KHAN]
    assert children[1].active_flags == []


def test_children_filter_by_kind_and_flag_on_a_date(world):
    office = world.users["office"]
    OrganizationFlag.objects.create(
        organization=world.other_district,
        kind=FlagKind.PHUC_TAP,
        valid_from=date(2019, 1, 1),
        valid_to=date(2019, 12, 31),
    )

    by_kind = selectors.organization_children(office, world.province, kind=OrgKind.DANG_BO_HUYEN)
    flagged = selectors.organization_children(
        office, world.province, flag=FlagKind.PHUC_TAP, on=date(2019, 5, 1)
    )
    flagged_today = selectors.organization_children(office, world.province, flag=FlagKind.PHUC_TAP)

    assert {o.code for o in by_kind} == {"H01", "H02"}
    assert [o.code for o in flagged] == ["H02"]
    assert list(flagged_today) == []


def test_children_are_scoped(world):
    assert list(selectors.organization_children(world.users["outsider"], world.district)) == []


def test_search_is_a_prefix_scan_under_the_chosen_node(world):
    found = selectors.organization_search(
        world.users["office"], world.district, kind=OrgKind.CHI_BO_TRUC_THUOC
    )

    assert [o.code for o in found] == ["H01-X01-C01", "H01-X01-C02"]


def test_dissolved_children_only_on_request_or_before_dissolution(world):
    Organization.objects.filter(pk=world.other_cell.pk).update(dissolved_on=date(2024, 12, 31))
    office = world.users["office"]

    now = selectors.organization_children(office, world.grassroots)
    then = selectors.organization_children(office, world.grassroots, on=date(2020, 1, 1))
    every = selectors.organization_children(office, world.grassroots, include_dissolved=True)

    assert [o.code for o in now] == ["H01-X01-C01"]
    assert [o.code for o in then] == ["H01-X01-C01", "H01-X01-C02"]
    assert [o.code for o in every] == ["H01-X01-C01", "H01-X01-C02"]
