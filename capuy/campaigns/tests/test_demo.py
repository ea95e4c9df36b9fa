from datetime import date

from capuy.campaigns.models import Campaign, Contribution
from capuy.campaigns.selectors import campaign_rollup
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat
from capuy.demo.campaigns import LEADER_AMOUNTS, build_campaign_demo
from capuy.demo.purge import purge
from capuy.organizations.models import Organization


def test_the_demo_campaign_follows_the_rules(world):
    btv = Committee.objects.create(term=world.term, kind=CommitteeKind.BTV)
    Seat.objects.create(
        committee=btv,
        member=world.members["hung"],
        role=SeatRole.BI_THU,
        start_on=date(2015, 10, 15),
    )
    demo = build_campaign_demo(root=world.province, acting_user=world.users["office"])
    campaign = demo.campaign
    assert campaign.launched_by == "Ủy ban Trung ương MTTQ Việt Nam"
    leader = Contribution.objects.get(campaign=campaign, member=world.members["hung"])
    assert leader.received_on == date(2020, 3, 25) and leader.receipt_no == 1
    assert leader.amount == LEADER_AMOUNTS[SeatRole.BI_THU]
    numbers = sorted(
        Contribution.objects.filter(campaign=campaign).values_list("receipt_no", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))
    assert Contribution.objects.filter(campaign=campaign, status="voided").count() == 1
    rollup = campaign_rollup(campaign, world.province)
    assert rollup.total.contributions == demo.contributions - 1  # the voided one left out


def test_removing_the_demo_takes_its_campaigns_and_news_along(world):
    from capuy.news.testing import sweep_rows as news_rows

    build_campaign_demo(root=world.province, acting_user=world.users["office"])

    class Place:
        org, member, label = world.district, world.members["lan"], "X"

    news_rows(Place)
    purge(Organization.objects.filter(path__startswith=world.province.path))
    assert not Campaign.objects.exists()
