import pytest
from django.db import connection

from capuy.campaigns import selectors, services

from .conftest import START


@pytest.fixture
def ledger(world, campaign, give):
    """A small campaign: pledges and payments at several levels, one of them voided."""
    office = world.users["office"]
    services.pledge_record(
        acting_user=office,
        campaign=campaign,
        organization=world.district,
        amount=10_000_000,
        pledged_on=START,
    )
    services.pledge_record(
        acting_user=office,
        campaign=campaign,
        member=world.members["tuan"],
        amount=2_000_000,
        pledged_on=START,
    )
    give(4_000_000, organization=world.district)  # against the district's pledge
    give(3_000_000, member=world.members["tuan"])  # paid more than pledged
    give(
        1_000_000,
        organization=world.cell,
        covered_members=[(world.members["hung"], 500_000), (world.members["lan"], 500_000)],
    )
    give(2_500_000, organization=world.other_district)
    wrong = give(9_999_999, organization=world.other_district)
    services.contribution_void(acting_user=office, contribution=wrong, reason="Nhập sai")
    give(700_000, organization=world.province)  # at the province itself
    return campaign


def test_the_province_rolls_up_each_district_in_one_query(world, ledger, django_assert_num_queries):
    # the aggregate, then the children's names (PostgreSQL: plus the statement's work_mem, set
    # inside a savepoint here because the test runs in a transaction)
    expected = 5 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(expected):
        rollup = selectors.campaign_rollup(ledger, world.province)
    by_name = {(row.organization.name, row.direct): row.totals for row in rollup.rows}
    district = by_name[(world.district.name, False)]
    assert district.received == 4_000_000 + 3_000_000 + 1_000_000  # shares not added
    assert district.pledged == 12_000_000
    # 6M still owed by the district; Tuấn overpaid his 2M, which does not hide that debt.
    assert district.outstanding == 6_000_000
    assert by_name[(world.other_district.name, False)].received == 2_500_000  # voided left out
    assert by_name[(world.province.name, True)].received == 700_000
    assert rollup.total.received == 4_000_000 + 3_000_000 + 1_000_000 + 2_500_000 + 700_000
    assert rollup.total.contributions == 5


def test_a_district_rolls_up_to_its_grassroots_and_shows_silent_units(world, ledger):
    rollup = selectors.campaign_rollup(ledger, world.district)
    rows = {(row.organization.name, row.direct): row.totals for row in rollup.rows}
    assert rows[(world.district.name, True)].received == 4_000_000
    assert rows[(world.grassroots.name, False)].received == 4_000_000
    assert rollup.total.received == 8_000_000


def test_the_summary_is_the_users_own_part(world, ledger):
    assert selectors.campaign_summary(world.users["office"], ledger).received == 11_200_000
    assert selectors.campaign_summary(world.users["staff"], ledger).received == 8_000_000
    assert selectors.campaign_summary(world.users["outsider"], ledger).received == 2_500_000


def test_the_acknowledgement_names_members_once_and_counts_money_once(world, ledger):
    ack = selectors.acknowledgement(ledger, world.province)
    units = {line.name: line.amount for line in ack.units}
    assert units[world.cell.name] == 1_000_000
    members = [(line.name, line.amount, line.via) for line in ack.members]
    assert ("Lê Minh Tuấn", 3_000_000, "") in members
    assert ("Nguyễn Văn Hùng", 500_000, world.cell.name) in members
    assert ack.total == 11_200_000


def test_a_node_outside_the_users_scope_is_not_found(world, ledger):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.node_for(world.users["staff"], ledger, world.other_district.pk)
    assert selectors.node_for(world.users["staff"], ledger, None) == world.district


def test_the_kept_sums_match_the_receipts(world, ledger):
    from capuy.campaigns.models import ContributionTotal
    from capuy.campaigns.totals import rebuild_contribution_totals

    def kept():
        return sorted(
            (t.org_path, t.received, t.contributions)
            for t in ContributionTotal.objects.filter(campaign=ledger)
            if t.contributions
        )

    maintained = kept()
    rebuild_contribution_totals(ledger.pk)
    assert kept() == maintained
    assert sum(received for _, received, _ in maintained) == 11_200_000
