"""Builders for the review tests (and the route sweep): rule sets by code, an opened cycle,
and a grassroots organization with enough members to exercise the excellent quota."""

from __future__ import annotations

from capuy.core.testing import World, member_in, org_child
from capuy.organizations.choices import OrgKind, UnitType
from capuy.organizations.services import recount_members

from .choices import SubjectKind
from .models import Manifestation, Review, ReviewCycle, ReviewEvent, RuleSet


def ensure_shipped() -> None:
    """Load the shipped rule sets and catalogue again (a transactional test flushes the rows
    that the data migration wrote)."""
    from django.apps import apps as global_apps

    from .shipped import MANIFESTATIONS, RULE_SETS

    codes = [r["code"] for r in RULE_SETS]
    shipped = RuleSet.objects.filter(code__in=codes).count() == len(RULE_SETS)
    if shipped and Manifestation.objects.count() >= len(MANIFESTATIONS):
        return
    import importlib

    migration = importlib.import_module("capuy.reviews.migrations.0002_shipped_rule_sets")
    migration.load(global_apps, None)


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
    people = [member_in(cell, "Vũ", "Văn", f"Thứ{i:02d}") for i in range(members)]
    recount_members()
    return grassroots, cell, people


def self_assessed(world: World, review: Review, level: str = "HTTNV") -> Review:
    """``review`` self-assessed by the office at ``level``, linking manifestation A1."""
    from .services import review_self_assess

    review_self_assess(
        acting_user=world.users["office"],
        review=review,
        level=level,
        manifestations=[manifestation("A1")],
    )
    return review


def member_ratings(value: str = "tot") -> dict[str, str]:
    """Every criterion of a party member under the shipped rule sets rated ``value``."""
    from .shipped import MEMBER_CRITERIA

    return {criterion["key"]: value for criterion in MEMBER_CRITERIA}


def more_communes(world: World, count: int = 54) -> list:
    """``count`` more commune grassroots organizations under the district (with An Phú and
    the district's own subjects, ``count`` + 2 rows in the cycle page's coverage)."""
    return [
        org_child(
            world.district,
            f"H01-Y{i:02d}",
            f"Đảng bộ xã Thử {i:02d}",
            OrgKind.DANG_BO_CO_SO,
            UnitType.XA_PHUONG,
        )
        for i in range(count)
    ]


def sweep_rows(place) -> None:
    """Review rows for the route sweep at one ``Place`` (tests/test_scope_sweep.py): a
    provincial-style overlay owned by the place's organization, a cycle over its subtree
    (opened by the superuser) with every kind of subject, and the place member's
    self-assessment and proposal, so that each persona has rows inside and outside."""
    from django.contrib.auth import get_user_model

    from .services import cycle_open, review_propose, review_self_assess

    root = get_user_model().objects.get(username="root")
    base = rule_set()
    RuleSet.objects.create(
        code=f"rieng-{place.label.lower()}",
        name=f"Quy tắc riêng {place.label}",
        regulation=base.regulation,
        first_year=2019,
        last_year=2022,
        base=base,
        organization=place.org,
        config={"deadline_days": {"co_so": 10}},
    )
    # A name without the organization's: the sweep would otherwise take the organization's
    # name for a label the persona may see everywhere (the cycle is seen along its branch).
    cycle = cycle_open(
        acting_user=root,
        rule_set=base,
        organization=place.org,
        year=2019,
        name=f"Đợt xếp loại {place.label}",
    )
    review = Review.objects.get(cycle=cycle, subject_kind=SubjectKind.MEMBER, member=place.member)
    review_self_assess(
        acting_user=root,
        review=review,
        level="HTTNV",
        self_text=f"Bản tự kiểm điểm {place.label}",
        manifestations=[manifestation("A1")],
        note=f"Tự kiểm điểm {place.label}",
    )
    review_propose(acting_user=root, review=review, level="HTTNV", note=f"Đề xuất {place.label}")


# The texts of review rows, for the sweep's "no out-of-scope label in a list" check.
LABELS = {
    ReviewCycle: lambda c: [c.name],
    Review: lambda r: [r.self_text],
    ReviewEvent: lambda e: [e.note],
    RuleSet: lambda r: [r.name],
}


def overlay_owners(user, obj=None) -> set[str]:
    """Names the rule-set list shows by design: the organizations owning the overlays the
    user works under (the province above a district, say)."""
    return set(
        RuleSet.objects.visible_to(user)
        .filter(organization__isnull=False)
        .values_list("organization__name", flat=True)
    )
