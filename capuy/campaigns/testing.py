"""Rows for the route sweep (tests/test_scope_sweep.py): a campaign at each place, with a
pledge, a unit's on-behalf contribution, a member's contribution and a voided receipt."""

from __future__ import annotations

from datetime import date

from .choices import ContributionStatus, ContributorKind, PledgeStatus
from .models import Campaign, CampaignEvent, Contribution, ContributionShare, Pledge
from .totals import rebuild_contribution_totals

DAY = date(2021, 3, 5)


def sweep_rows(place) -> None:
    org, member, label = place.org, place.member, place.label
    campaign = Campaign.objects.create(
        organization=org,
        org_path=org.path,
        title=f"Vận động {label}",
        launched_by=f"Mặt trận {label}",
        purpose=f"Mục đích {label}",
        start_on=date(2021, 1, 1),
        next_receipt_no=4,
    )
    pledge = Pledge.objects.create(
        campaign=campaign,
        kind=ContributorKind.ORGANIZATION,
        organization=org,
        contributor_name=org.name,
        org_path=org.path,
        amount=5_000_000,
        received=1_000_000,
        pledged_on=DAY,
        note=f"Đăng ký {label}",
        status=PledgeStatus.ACTIVE,
    )
    unit = Contribution.objects.create(
        campaign=campaign,
        receipt_no=1,
        kind=ContributorKind.ORGANIZATION,
        organization=org,
        contributor_name=org.name,
        org_path=org.path,
        amount=1_000_000,
        received_on=DAY,
        pledge=pledge,
        note=f"Biên lai {label}",
    )
    ContributionShare.objects.create(
        contribution=unit, member=member, member_name=member.full_name, amount=200_000
    )
    Contribution.objects.create(
        campaign=campaign,
        receipt_no=2,
        kind=ContributorKind.MEMBER,
        organization=member.cell,
        member=member,
        contributor_name=member.full_name,
        org_path=member.org_path,
        amount=300_000,
        received_on=DAY,
        note=f"Cá nhân {label}",
    )
    voided = Contribution.objects.create(
        campaign=campaign,
        receipt_no=3,
        kind=ContributorKind.ORGANIZATION,
        organization=org,
        contributor_name=org.name,
        org_path=org.path,
        amount=9_000,
        received_on=DAY,
        status=ContributionStatus.VOIDED,
        void_reason=f"Hủy {label}",
        note=f"Nhầm {label}",
    )
    CampaignEvent.objects.create(
        campaign=campaign,
        kind="voided",
        contribution=voided,
        org_path=org.path,
        note=f"Sự kiện {label}",
    )
    rebuild_contribution_totals(campaign.pk)


def covering_organizations(user, obj) -> set[str]:
    """A campaign names the organization that runs it; those seen from below are above the
    user's scope by design (a cell sees its district's campaign)."""
    return {
        name
        for campaign in Campaign.objects.visible_to(user).select_related("organization")
        for name in (campaign.organization.name, campaign.organization.code)
    }


LABELS = {
    Campaign: lambda c: [c.title, c.launched_by],
    Pledge: lambda p: [p.note],
    Contribution: lambda c: [c.note, c.void_reason],
}
