from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from capuy.campaigns import services
from capuy.campaigns.choices import ContributionStatus, ContributorKind, PledgeStatus
from capuy.campaigns.models import Campaign, CampaignEvent, Contribution, ContributionShare, Pledge
from capuy.core.scoping import OutOfScope

from .conftest import START


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [-500_000, 0, -1])
def test_it_refuses_negative_or_zero_amounts(world, give, amount):
    with pytest.raises(ValidationError) as error:
        give(amount, organization=world.district)
    assert "lớn hơn 0" in messages_of(error.value, "amount")
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("amount", [1500000.5, Decimal("1500000.25"), "1500000", True])
def test_it_refuses_amounts_that_are_not_whole_dong(world, give, amount):
    with pytest.raises(ValidationError) as error:
        give(amount, organization=world.district)
    assert "số nguyên đồng" in messages_of(error.value, "amount")
    assert not Contribution.objects.exists()


def test_a_whole_decimal_is_taken_as_an_integer(world, give):
    contribution = give(Decimal("2000000"), organization=world.district)
    assert contribution.amount == 2_000_000 and isinstance(contribution.amount, int)


def test_a_refused_amount_does_not_use_up_a_receipt_number(world, give, campaign):
    with pytest.raises(ValidationError):
        give(-1, organization=world.district)
    assert give(1_000, organization=world.district).receipt_no == 1


# --- receipt numbers --------------------------------------------------------------------------


def test_receipts_are_numbered_in_sequence_per_campaign(world, give, campaign):
    numbers = [give(1_000_000, organization=world.district).receipt_no for _ in range(3)]
    assert numbers == [1, 2, 3]
    other = services.campaign_create(
        acting_user=world.users["office"],
        organization=world.province,
        title="Quỹ vì người nghèo",
        launched_by="Ủy ban MTTQ tỉnh",
        purpose="Ủng hộ Quỹ vì người nghèo",
        start_on=START,
    )
    first = services.contribution_record(
        acting_user=world.users["office"],
        campaign=other,
        organization=world.district,
        amount=5_000,
        received_on=START,
    )
    assert first.receipt_no == 1


def test_a_voided_receipt_keeps_its_number_and_the_number_is_not_reused(world, give, campaign):
    first = give(1_000_000, organization=world.district)
    services.contribution_void(
        acting_user=world.users["office"], contribution=first, reason="Ghi nhầm đơn vị"
    )
    second = give(1_000_000, organization=world.other_district)
    first.refresh_from_db()
    assert first.status == ContributionStatus.VOIDED and first.receipt_no == 1
    assert second.receipt_no == 2
    assert CampaignEvent.objects.filter(kind="voided", contribution=first).exists()


def test_voiding_needs_a_reason(world, give):
    contribution = give(1_000_000, organization=world.district)
    with pytest.raises(ValidationError) as error:
        services.contribution_void(
            acting_user=world.users["office"], contribution=contribution, reason="  "
        )
    assert "lý do" in messages_of(error.value, "reason")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.VALID


def test_it_refuses_a_duplicated_receipt_number(world, give, campaign):
    give(1_000_000, organization=world.district)
    with pytest.raises(ValidationError) as error:
        give(2_000_000, organization=world.other_district, receipt_no=1)
    assert "Số biên lai 1 đã được dùng" in messages_of(error.value, "receipt_no")
    assert Contribution.objects.count() == 1


def test_a_paper_receipt_number_moves_the_sequence_past_it(world, give, campaign):
    give(1_000, organization=world.district, receipt_no=50)
    assert give(1_000, organization=world.district).receipt_no == 51


def test_the_database_refuses_two_rows_with_one_receipt_number(world, give, campaign):
    first = give(1_000, organization=world.district)
    clone = Contribution(
        campaign=campaign,
        receipt_no=first.receipt_no,
        kind=ContributorKind.ORGANIZATION,
        organization=world.district,
        contributor_name="x",
        org_path=world.district.path,
        amount=1,
        received_on=START,
    )
    with pytest.raises(ValidationError) as error:
        clone.full_clean()
    assert "Số biên lai này đã được dùng" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


# --- who gives --------------------------------------------------------------------------------


def test_a_member_contribution_is_credited_to_the_members_cell(world, give):
    contribution = give(500_000, member=world.members["hung"])
    assert contribution.kind == ContributorKind.MEMBER
    assert contribution.org_path == world.cell.path
    assert contribution.contributor_name == "Nguyễn Văn Hùng"


def test_it_needs_exactly_one_contributor(world, give):
    with pytest.raises(ValidationError):
        give(1_000)
    with pytest.raises(ValidationError):
        give(1_000, organization=world.cell, member=world.members["hung"])


def test_district_staff_record_their_units_money_for_the_province_campaign(world, give):
    contribution = give(300_000, organization=world.cell, user="staff")
    assert contribution.receipt_no == 1


def test_district_staff_cannot_record_for_another_district(world, give):
    with pytest.raises(OutOfScope):
        give(300_000, organization=world.outside_cell, user="staff")
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "committee_member", "secretary"])
def test_read_only_personas_cannot_record(world, give, persona):
    with pytest.raises(OutOfScope):
        give(300_000, organization=world.cell, user=persona)


def test_a_contributor_outside_the_campaigns_part_of_the_tree_is_refused(world):
    district_campaign = services.campaign_create(
        acting_user=world.users["office"],
        organization=world.district,
        title="Ủng hộ huyện",
        launched_by="Ủy ban MTTQ huyện",
        purpose="x",
        start_on=START,
    )
    with pytest.raises(ValidationError) as error:
        services.contribution_record(
            acting_user=world.users["office"],
            campaign=district_campaign,
            organization=world.outside_cell,
            amount=1_000,
            received_on=START,
        )
    assert "không thuộc" in messages_of(error.value, "contributor")


def test_dates_must_fall_within_the_campaign(world, give):
    with pytest.raises(ValidationError) as error:
        give(1_000, organization=world.district, on=date(2020, 3, 1))
    assert "bắt đầu từ 25/03/2020" in messages_of(error.value, "received_on")


# --- on behalf --------------------------------------------------------------------------------


def test_an_on_behalf_contribution_lists_members_but_counts_once(world, give):
    hung, lan = world.members["hung"], world.members["lan"]
    contribution = give(
        1_000_000, organization=world.cell, covered_members=[(hung, 600_000), (lan, None)]
    )
    shares = list(ContributionShare.objects.filter(contribution=contribution).order_by("id"))
    assert [(s.member_name, s.amount) for s in shares] == [
        ("Nguyễn Văn Hùng", 600_000),
        ("Trần Thị Lan", None),
    ]
    assert Contribution.objects.count() == 1


def test_shares_cannot_add_up_to_more_than_the_unit_paid(world, give):
    hung, lan = world.members["hung"], world.members["lan"]
    with pytest.raises(ValidationError) as error:
        give(1_000_000, organization=world.cell, covered_members=[(hung, 600_000), (lan, 500_000)])
    assert "lớn hơn số tiền đơn vị nộp" in messages_of(error.value, "covered_members")
    assert not Contribution.objects.exists()


def test_a_unit_pays_only_for_its_own_members(world, give):
    with pytest.raises(ValidationError) as error:
        give(1_000_000, organization=world.cell, covered_members=[(world.members["an"], None)])
    assert "không sinh hoạt trong" in messages_of(error.value, "covered_members")


def test_a_member_does_not_pay_on_behalf_of_others(world, give):
    with pytest.raises(ValidationError):
        give(
            1_000,
            member=world.members["hung"],
            covered_members=[(world.members["lan"], None)],
        )


# --- pledges ----------------------------------------------------------------------------------


def test_payments_are_set_against_the_contributors_pledge(world, give, campaign):
    pledge = services.pledge_record(
        acting_user=world.users["office"],
        campaign=campaign,
        organization=world.district,
        amount=5_000_000,
        pledged_on=START,
    )
    give(2_000_000, organization=world.district)
    give(1_000_000, organization=world.other_district)
    pledge.refresh_from_db()
    assert pledge.received == 2_000_000 and pledge.outstanding == 3_000_000


def test_a_pledge_counts_earlier_payments(world, give, campaign):
    give(2_000_000, organization=world.district)
    pledge = services.pledge_record(
        acting_user=world.users["office"],
        campaign=campaign,
        organization=world.district,
        amount=5_000_000,
        pledged_on=START,
    )
    assert pledge.received == 2_000_000


def test_voiding_gives_the_pledge_its_debt_back(world, give, campaign):
    pledge = services.pledge_record(
        acting_user=world.users["office"],
        campaign=campaign,
        member=world.members["tuan"],
        amount=1_000_000,
        pledged_on=START,
    )
    paid = give(1_000_000, member=world.members["tuan"])
    services.contribution_void(acting_user=world.users["office"], contribution=paid, reason="Nhầm")
    pledge.refresh_from_db()
    assert pledge.received == 0 and pledge.outstanding == 1_000_000


def test_one_active_pledge_per_contributor(world, campaign):
    kwargs = {
        "acting_user": world.users["office"],
        "campaign": campaign,
        "organization": world.district,
        "amount": 1_000,
        "pledged_on": START,
    }
    first = services.pledge_record(**kwargs)
    with pytest.raises(ValidationError):
        services.pledge_record(**kwargs)
    services.pledge_cancel(acting_user=world.users["office"], pledge=first, reason="Đổi số tiền")
    second = services.pledge_record(**{**kwargs, "amount": 2_000})
    assert second.status == PledgeStatus.ACTIVE
    assert Pledge.objects.filter(status=PledgeStatus.CANCELLED).count() == 1


def test_pledge_amounts_are_checked_like_payments(world, campaign):
    with pytest.raises(ValidationError) as error:
        services.pledge_record(
            acting_user=world.users["office"],
            campaign=campaign,
            organization=world.district,
            amount=-5,
            pledged_on=START,
        )
    assert "lớn hơn 0" in messages_of(error.value, "amount")


# --- the campaign ----------------------------------------------------------------------------


def test_a_campaign_is_seen_below_its_organization_but_changed_only_within_scope(world, campaign):
    staff, outsider = world.users["staff"], world.users["outsider"]
    assert Campaign.objects.visible_to(staff).filter(pk=campaign.pk).exists()
    assert Campaign.objects.visible_to(outsider).filter(pk=campaign.pk).exists()
    assert not Campaign.objects.visible_to(staff, "change").filter(pk=campaign.pk).exists()
    with pytest.raises(OutOfScope):
        services.campaign_update(acting_user=staff, campaign=campaign, title="Sửa")
    district_campaign = services.campaign_create(
        acting_user=staff,
        organization=world.district,
        title="Ủng hộ huyện",
        launched_by="Ủy ban MTTQ huyện",
        purpose="x",
        start_on=START,
    )
    assert not Campaign.objects.visible_to(outsider).filter(pk=district_campaign.pk).exists()


def test_a_campaign_ends_after_it_starts_and_has_a_positive_goal(world):
    base = {
        "acting_user": world.users["office"],
        "organization": world.province,
        "title": "x",
        "launched_by": "y",
        "purpose": "z",
        "start_on": START,
    }
    with pytest.raises(ValidationError) as error:
        services.campaign_create(**base, end_on=date(2020, 1, 1))
    assert "Ngày kết thúc" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.campaign_create(**base, goal=-1)
    assert "lớn hơn 0" in messages_of(error.value, "goal")
    assert not Campaign.objects.exists()


def test_a_member_is_credited_to_the_cell_he_was_in_when_he_paid(world, give):
    from capuy.members.services import member_transfer

    hung = world.members["hung"]
    member_transfer(
        acting_user=world.users["office"],
        member=hung,
        to_cell=world.outside_cell,
        transferred_on=date(2020, 5, 1),
    )
    hung.refresh_from_db()
    before = give(500_000, member=hung, on=date(2020, 4, 1))
    after = give(500_000, member=hung, on=date(2020, 5, 2))
    assert before.org_path == world.cell.path and before.organization == world.cell
    assert after.org_path == world.outside_cell.path
