"""Builders for the review tests (and the route sweep): rule sets by code, an opened cycle,
and a grassroots organization with enough members to exercise the excellent quota."""

from __future__ import annotations

from datetime import date

from capuy.core.testing import World, member_in, org_child
from capuy.organizations.choices import OrgKind, UnitType
from capuy.organizations.services import recount_members

from .choices import SubjectKind
from .models import Manifestation, Review, ReviewCycle, RuleSet


def rule_set(code: str = "qd132-hd21") -> RuleSet:
    return RuleSet.objects.get(code=code)


def open_cycle(world: World, *, year: int = 2019, code: str = "qd132-hd21", org=None, user=None):
    from .services import cycle_open

    return cycle_open(
        acting_user=user or world.users["office"],
        rule_set=rule_set(code),
        organization=org or world.province,
        year=year,
    )


def review_of(cycle: ReviewCycle, obj) -> Review:
    """The review of a member, an organization, a committee or a seat in ``cycle``."""
    from capuy.committees.models import Committee, Seat
    from capuy.members.models import Member

    qs = Review.objects.filter(cycle=cycle)
    if isinstance(obj, Member):
        return qs.get(subject_kind=SubjectKind.MEMBER, member=obj)
    if isinstance(obj, Committee):
        return qs.get(subject_kind=SubjectKind.COLLECTIVE, committee=obj)
    if isinstance(obj, Seat):
        return qs.get(subject_kind=SubjectKind.LEADER, seat=obj)
    return qs.get(subject_kind=SubjectKind.ORGANIZATION, organization=obj)


def manifestation(code: str = "A1") -> Manifestation:
    return Manifestation.objects.get(group=code[0], number=int(code[1:]))


def big_grassroots(world: World, members: int = 12):
    """A commune grassroots organization of H01 with one cell of ``members`` members."""
    grassroots = org_child(
        world.district, "H01-X09", "Đảng bộ xã Quy Mô", OrgKind.DANG_BO_CO_SO, UnitType.XA_PHUONG
    )
    cell = org_child(grassroots, "H01-X09-C01", "Chi bộ thôn Hạn Mức", OrgKind.CHI_BO_TRUC_THUOC)
    people = [
        member_in(cell, "Vũ", "Văn", f"Thứ{i:02d}", admitted_on=date(2010, 1, 1))
        for i in range(members)
    ]
    recount_members()
    return grassroots, cell, people


def sweep_rows(world: World, far_root) -> None:
    """Review rows for the route sweep: a cycle of each province (opened by the superuser)
    with every kind of subject, a few steps recorded, and a provincial overlay each."""
    from django.contrib.auth import get_user_model

    from .services import cycle_open, review_propose, review_self_assess

    root = get_user_model().objects.get(username="root")
    base = rule_set()
    for org, label in ((world.province, "T01"), (far_root, "T02")):
        RuleSet.objects.create(
            code=f"rieng-{label.lower()}",
            name=f"Quy tắc riêng {label}",
            regulation=base.regulation,
            first_year=2019,
            last_year=2022,
            base=base,
            organization=org,
            config={"deadline_days": {"co_so": 10}},
        )
        cycle = cycle_open(
            acting_user=root,
            rule_set=base,
            organization=org,
            year=2019,
            name=f"Đợt xếp loại {label}",
        )
        a1 = manifestation("A1")
        for review in Review.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER):
            review_self_assess(
                acting_user=root,
                review=review,
                level="HTTNV",
                manifestations=[a1],
                note=f"Tự kiểm điểm {label}-{review.pk}",
            )
            review_propose(
                acting_user=root, review=review, level="HTTNV", note=f"Đề xuất {label}-{review.pk}"
            )
