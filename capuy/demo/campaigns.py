"""The demo's donation campaign (seed article, fact 9): in 2020 the Central Committee of the
Vietnam Fatherland Front called for donations for Covid-19 prevention and for the people hit by
drought and saline intrusion; the provincial committee answered at its 32nd conference.

Everything goes through ``capuy.campaigns.services``, so receipt numbers, pledges and totals
follow the same rules as in real use. The people are the demo's generated seat holders (the
provincial standing committee of term XIX on 25/3/2020); amounts are drawn from a seeded
``random.Random``, so the same seed gives the same rows.

Call after ``province.build_demo`` (inside the same transaction or after it)::

    from capuy.demo.campaigns import build_campaign_demo
    build_campaign_demo(root=summary.root)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Q

from capuy.campaigns import services
from capuy.campaigns.models import Campaign
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Seat
from capuy.members.models import Member
from capuy.organizations.choices import OrgKind
from capuy.organizations.models import Organization

CONFERENCE_DAY = date(2020, 3, 25)
END_DAY = date(2020, 6, 30)
TITLE = "Ủng hộ phòng, chống dịch Covid-19 và đồng bào bị ảnh hưởng hạn hán, xâm nhập mặn"
LAUNCHED_BY = "Ủy ban Trung ương MTTQ Việt Nam"
PURPOSE = (
    "Hưởng ứng Lời kêu gọi của Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam, cán bộ, đảng viên và "
    "các tổ chức đảng trong tỉnh ủng hộ công tác phòng, chống dịch Covid-19 và hỗ trợ đồng bào "
    "các tỉnh bị ảnh hưởng bởi hạn hán, xâm nhập mặn (dữ liệu mẫu)."
)
GOAL = 5_000_000_000
# What each leader gave at the conference, by the post held (đồng).
LEADER_AMOUNTS = {
    SeatRole.BI_THU: 10_000_000,
    SeatRole.PHO_BI_THU_THUONG_TRUC: 8_000_000,
    SeatRole.PHO_BI_THU: 8_000_000,
    SeatRole.UY_VIEN_BTV: 5_000_000,
}
ON_BEHALF_UNIT = "Văn phòng Tỉnh ủy"  # collects for its members (nộp thay)
ON_BEHALF_SHARE = 500_000


@dataclass
class CampaignDemo:
    campaign: Campaign
    leaders: int
    units: int
    contributions: int
    pledges: int


def _system_actor():
    """Acts everywhere (the demo builder), records no user on the rows."""
    return SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)


def _office_user():
    return (
        get_user_model()
        .objects.filter(username="vanphong", email__endswith="@demo.capuy.invalid")
        .first()
    )


def _leaders(root: Organization) -> list[Seat]:
    """The provincial standing committee (BTV) of term XIX on the conference day, by post."""
    seats = (
        Seat.objects.held_on(CONFERENCE_DAY)
        .filter(
            committee__term__organization=root,
            committee__kind=CommitteeKind.BTV,
            role__in=list(LEADER_AMOUNTS),
        )
        .select_related("member")
    )
    return sorted(seats, key=lambda s: (SeatRole.values.index(s.role), s.member.sort_key))


def _round(amount: float, step: int = 1_000_000) -> int:
    return max(step, int(round(amount / step)) * step)


def build_campaign_demo(*, root: Organization, acting_user=None, seed: int = 2020) -> CampaignDemo:
    """Create the 2020 campaign under ``root`` with the leaders' and the units' money."""
    rng = random.Random(f"{seed}:campaign")
    actor = acting_user or _office_user() or _system_actor()
    campaign = services.campaign_create(
        acting_user=actor,
        organization=root,
        title=TITLE,
        launched_by=LAUNCHED_BY,
        purpose=PURPOSE,
        start_on=CONFERENCE_DAY,
        end_on=END_DAY,
        goal=GOAL,
    )
    # (day, order, kwargs) — recorded in date order so receipt numbers follow the calendar.
    planned: list[tuple[date, int, dict]] = []
    leaders = _leaders(root)
    for seat in leaders:
        planned.append(
            (
                CONFERENCE_DAY,
                len(planned),
                {
                    "member": seat.member,
                    "amount": LEADER_AMOUNTS[seat.role],
                    "note": "Tại Hội nghị",
                },
            )
        )

    units = list(
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .valid_on(CONFERENCE_DAY)
        .order_by("path")
    )
    pledges = 0
    for unit in units:
        pledged = _round(rng.uniform(80_000_000, 400_000_000), 10_000_000)
        services.pledge_record(
            acting_user=actor,
            campaign=campaign,
            organization=unit,
            amount=pledged,
            pledged_on=CONFERENCE_DAY + timedelta(days=rng.randint(0, 3)),
            note="Đăng ký tại Hội nghị",
        )
        pledges += 1
        # Most units pay all in two or three instalments; a few are still short at the end.
        share = 1.0 if rng.random() < 0.75 else rng.uniform(0.5, 0.9)
        parts = rng.randint(1, 3)
        paid_total = _round(pledged * share)
        paid = [_round(paid_total / parts) for _ in range(parts - 1)]
        paid.append(max(1_000_000, paid_total - sum(paid)))
        day = CONFERENCE_DAY
        for amount in paid:
            day = min(END_DAY, day + timedelta(days=rng.randint(3, 25)))
            planned.append((day, len(planned), {"organization": unit, "amount": amount}))

    # A few grassroots units of the first district pay directly, to show the roll-up below it.
    if units:
        grassroots = list(
            Organization.objects.filter(
                path__startswith=units[0].path,
                depth=units[0].depth + 1,
                kind__in=[OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO, OrgKind.DANG_BO_XA],
            )
            .valid_on(CONFERENCE_DAY)
            .order_by("path")[:5]
        )
        for unit in grassroots:
            day = CONFERENCE_DAY + timedelta(days=rng.randint(5, 40))
            amount = _round(rng.uniform(3_000_000, 20_000_000), 500_000)
            planned.append((day, len(planned), {"organization": unit, "amount": amount}))

    # The provincial party office collects for its members in one payment (nộp thay).
    office_unit = (
        Organization.objects.filter(path__startswith=root.path, name__endswith=ON_BEHALF_UNIT)
        .valid_on(CONFERENCE_DAY)
        .order_by("depth", "path")
        .first()
    )
    if office_unit is not None:
        day = CONFERENCE_DAY + timedelta(days=2)
        # Members of the office in 2020: they may have moved since (the 2025 reorganization).
        candidates = (
            Member.objects.filter(
                Q(org_path__startswith=office_unit.path)
                | Q(transfers__from_cell__path__startswith=office_unit.path)
            )
            .exclude(pk__in=[s.member_id for s in leaders])
            .distinct()
            .order_by("sort_key", "id")
        )
        covered = [
            m
            for m in candidates[:200]
            if services.member_cell_on(m, day).path.startswith(office_unit.path)
        ][:12]
        if covered:
            planned.append(
                (
                    day,
                    len(planned),
                    {
                        "organization": office_unit,
                        "amount": ON_BEHALF_SHARE * len(covered) + 2_000_000,
                        "covered_members": [(m, ON_BEHALF_SHARE) for m in covered],
                        "note": "Thu hộ cán bộ, đảng viên cơ quan",
                    },
                )
            )

    contributions = 0
    voided_once = False
    for day, _order, kwargs in sorted(planned, key=lambda p: (p[0], p[1])):
        if not voided_once and "organization" in kwargs and "covered_members" not in kwargs:
            # One receipt written with a wrong amount, voided, and written again: the voided
            # number stays on file and is never issued again.
            wrong = services.contribution_record(
                acting_user=actor,
                campaign=campaign,
                received_on=day,
                **{**kwargs, "amount": kwargs["amount"] * 10},
            )
            services.contribution_void(
                acting_user=actor, contribution=wrong, reason="Ghi nhầm số tiền (thừa một chữ số 0)"
            )
            voided_once = True
            contributions += 1
        services.contribution_record(
            acting_user=actor, campaign=campaign, received_on=day, **kwargs
        )
        contributions += 1
    campaign.refresh_from_db()
    return CampaignDemo(campaign, len(leaders), len(units), contributions, pledges)
