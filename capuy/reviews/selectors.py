"""Reads of review cycles and reviews that depend on the user, and the live checks.

``quota_status`` and ``order_warnings`` run on every decision (≤ 20 ms: each is one or two
indexed queries); ``cycle_coverage`` and ``coverage_by_level`` feed the cycle page and the
closing of a level: on PostgreSQL they sum the review tally's rows (``tally.py``) down to a
district's children, so a country's cycle costs what a district's does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capuy.core.scoping import VIEW, scope_paths
from capuy.core.vntext import nfc, search_key
from capuy.organizations.models import Organization

from . import tally
from .choices import (
    DECISION_LEVEL_ORDER,
    REVIEWED_STATUSES,
    DecisionLevel,
    ReviewStatus,
    SubjectKind,
)
from .models import Manifestation, Review, ReviewCycle, ReviewEvent, RuleSet
from .rules import HTTNV, HTXSNV, QuotaCheck, parse_quota_group, quota_check, quota_maximum
from .rulesets import effective_rules

# --- single objects -------------------------------------------------------------------------


def _int(pk) -> int | None:
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


def cycle_visible_to(user, pk, action: str = VIEW) -> ReviewCycle | None:
    pk = _int(pk)
    if pk is None:
        return None
    return (
        ReviewCycle.objects.visible_to(user, action)
        .select_related("rule_set", "rule_set__base", "organization")
        .filter(pk=pk)
        .first()
    )


def review_visible_to(user, pk, action: str = VIEW) -> Review | None:
    pk = _int(pk)
    if pk is None:
        return None
    return (
        Review.objects.visible_to(user, action)
        .select_related(
            "cycle",
            "cycle__rule_set",
            "cycle__rule_set__base",
            "organization",
            "member",
            "committee",
            "seat",
        )
        .filter(pk=pk)
        .first()
    )


def rule_set_visible_to(user, pk, action: str = VIEW) -> RuleSet | None:
    pk = _int(pk)
    if pk is None:
        return None
    return (
        RuleSet.objects.visible_to(user, action)
        .select_related("base", "organization")
        .filter(pk=pk)
        .first()
    )


def cycles_visible_to(user) -> QuerySet[ReviewCycle]:
    return ReviewCycle.objects.visible_to(user, VIEW).select_related("rule_set", "organization")


def review_events(review: Review) -> QuerySet[ReviewEvent]:
    return review.events.select_related("by").order_by("at", "id")


def active_manifestations() -> list[Manifestation]:
    return list(Manifestation.objects.filter(active=True).order_by("group", "number"))


def organization_names(paths) -> dict[str, str]:
    paths = {p for p in paths if p}
    if not paths:
        return {}
    return dict(Organization.objects.filter(path__in=paths).values_list("path", "name"))


# --- the quota ------------------------------------------------------------------------------

KIND_GROUP_LABELS = {
    "member": gettext_lazy("Đảng viên"),
    "organization": gettext_lazy("Tổ chức đảng"),
    "collective": gettext_lazy("Tập thể lãnh đạo, quản lý"),
    "leader": gettext_lazy("Cán bộ lãnh đạo, quản lý"),
}


def quota_group_label(key: str, names: dict[str, str] | None = None) -> str:
    """ "Đảng viên — Đảng bộ xã An Phú", "Cán bộ lãnh đạo (bi_thu) — …" for a group key."""
    from capuy.committees.choices import SeatRole
    from capuy.organizations.choices import OrgKind, UnitType

    kind, path, extra = parse_quota_group(key)
    if names is None:
        names = organization_names([path])
    label = KIND_GROUP_LABELS.get(kind, kind)
    details = []
    for part in extra:
        if part == "tccsd":
            details.append(_("tổ chức cơ sở đảng"))
        elif part in OrgKind.values:
            details.append(str(OrgKind(part).label).lower())
        elif part in UnitType.values:
            details.append(str(UnitType(part).label).lower())
        elif part in SeatRole.values:
            details.append(str(SeatRole(part).label).lower())
    if details:
        label = f"{label} ({', '.join(details)})"
    where = names.get(path, "")
    return f"{label} — {where}" if where else label


@dataclass
class QuotaStatus:
    group: str
    label: str
    excellent: int
    good: int
    maximum: int
    percent: str
    applies: bool

    @property
    def remaining(self) -> int:
        return max(self.maximum - self.excellent, 0)

    @property
    def over(self) -> bool:
        return self.excellent > self.maximum


def quota_counts(cycle_id: int, group: str) -> dict[str, int]:
    """Decided HTXSNV and HTTNV in one quota group: one query on the (cycle, quota_group)
    index, reading the group's rows (a grassroots organization's members at most; the level
    stays out of the index so that a decision is a HOT update)."""
    rows = (
        Review.objects.filter(
            cycle_id=cycle_id, quota_group=group, decided_level__in=(HTXSNV, HTTNV)
        )
        .values_list("decided_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def quota_status(review: Review) -> QuotaStatus:
    rules = effective_rules(review.cycle.rule_set)
    counts = quota_counts(review.cycle_id, review.quota_group)
    excellent, good = counts.get(HTXSNV, 0), counts.get(HTTNV, 0)
    from .rules import format_points

    return QuotaStatus(
        group=review.quota_group,
        label=quota_group_label(review.quota_group),
        excellent=excellent,
        good=good,
        maximum=quota_maximum(rules, excellent=excellent, good=good),
        percent=format_points(rules.quota_percent),
        applies=review.subject_kind in rules.quota_applies_to,
    )


def quota_check_for(review: Review, new_level: str) -> QuotaCheck:
    """The quota check of deciding ``new_level`` for ``review``, with live counts."""
    rules = effective_rules(review.cycle.rule_set)
    counts = quota_counts(review.cycle_id, review.quota_group)
    return quota_check(
        rules,
        review.subject_kind,
        counts=counts,
        new_level=new_level,
        old_level=review.decided_level,
        # read only if a refusal names the group
        group_label=lazy(quota_group_label, str)(review.quota_group),
    )


# --- order warnings ---------------------------------------------------------------------------

# Also written by the bulk import (capuy/reviews/imports.py), which must record the same texts.
WARN_UNIT_UNDECIDED = gettext_lazy(
    "Tổ chức đảng nơi cán bộ giữ chức vụ chưa được quyết định xếp loại "
    "(đánh giá đơn vị trước, người đứng đầu sau)."
)
WARN_COLLECTIVE_UNDECIDED = gettext_lazy(
    "Tập thể lãnh đạo chưa được quyết định xếp loại (đánh giá tập thể trước, cá nhân sau)."
)
WARN_CELL_COMMITTEE_UNDECIDED = gettext_lazy(
    "Chi ủy của chi bộ chưa được quyết định xếp loại (đánh giá tập thể trước, cá nhân sau)."
)
WARN_NO_PROPOSAL = gettext_lazy("Chưa có mức đề xuất của cơ quan tham mưu.")


def warn_lower_undecided(count: int) -> str:
    return ngettext(
        "Còn %(n)s tổ chức đảng cấp dưới chưa được quyết định xếp loại "
        "(cấp dưới trước, cấp trên sau).",
        "Còn %(n)s tổ chức đảng cấp dưới chưa được quyết định xếp loại "
        "(cấp dưới trước, cấp trên sau).",
        count,
    ) % {"n": count}


def order_warnings(review: Review) -> list[str]:
    """Collectives before their members, units before their heads, lower before higher
    (domain.md §5.2): what is still undecided and should have come first. Not blocking."""
    undecided = Review.objects.filter(cycle_id=review.cycle_id).exclude(
        status__in=(ReviewStatus.DECIDED, ReviewStatus.EXEMPT)
    )
    warnings = []
    if review.subject_kind == SubjectKind.LEADER:
        same_org = undecided.filter(org_path=review.org_path)
        kinds = set(
            same_org.filter(
                subject_kind__in=(SubjectKind.ORGANIZATION, SubjectKind.COLLECTIVE)
            ).values_list("subject_kind", flat=True)
        )
        if SubjectKind.ORGANIZATION in kinds:
            warnings.append(str(WARN_UNIT_UNDECIDED))
        if SubjectKind.COLLECTIVE in kinds:
            warnings.append(str(WARN_COLLECTIVE_UNDECIDED))
    elif review.subject_kind == SubjectKind.MEMBER:
        if undecided.filter(subject_kind=SubjectKind.COLLECTIVE, org_path=review.org_path).exists():
            warnings.append(str(WARN_CELL_COMMITTEE_UNDECIDED))
    elif review.subject_kind in (SubjectKind.ORGANIZATION, SubjectKind.COLLECTIVE):
        # the organizations' own partial index (review_cycle_units): a district reads its
        # ~500 organization reviews, not its ~11.000 reviews
        lower = undecided.filter(
            subject_kind=SubjectKind.ORGANIZATION,
            org_path__startswith=review.org_path,
        ).exclude(org_path=review.org_path)
        count = lower.count()
        if count:
            warnings.append(warn_lower_undecided(count))
    if review.status == ReviewStatus.SELF_REVIEWED:
        warnings.append(str(WARN_NO_PROPOSAL))
    return warnings


# --- lists ------------------------------------------------------------------------------------

STATUS_FILTERS = {
    "pending": Q(status=ReviewStatus.PENDING),
    "reviewed": Q(status__in=REVIEWED_STATUSES),
    "to_decide": Q(status__in=(ReviewStatus.SELF_REVIEWED, ReviewStatus.PROPOSED)),
    "decided": Q(status=ReviewStatus.DECIDED),
    "exempt": Q(status=ReviewStatus.EXEMPT),
}


def subject_list(
    user,
    cycle: ReviewCycle,
    *,
    organization: Organization | None = None,
    kind: str = "",
    status: str = "",
    q: str = "",
    competent: bool = False,
) -> QuerySet[Review]:
    """The cycle's subjects the user may see, under ``organization``, filtered."""
    qs = Review.objects.visible_to(user, VIEW).filter(cycle=cycle)
    if organization is not None:
        qs = qs.filter(org_path__startswith=organization.path)
    if kind:
        qs = qs.filter(subject_kind=kind)
    if status in STATUS_FILTERS:
        qs = qs.filter(STATUS_FILTERS[status])
    if competent:
        qs = qs.filter(competent_q(user))
    raw = " ".join(nfc(q or "").split())
    if search_key(raw):
        key = search_key(raw)
        qs = qs.filter(
            Q(member__search_text__startswith=key)
            | Q(member__given_search__startswith=key)
            | Q(member__search_text__contains=" " + key)
            | Q(organization__search_text__contains=key)
        )
    return qs.select_related("organization", "member", "committee", "seat").order_by(
        "org_path", "subject_kind", "member__sort_key", "id"
    )


def competent_q(user) -> Q:
    """Reviews the user may decide: the deciding organization lies in the user's change scope.
    (The subject sits under its deciding organization, so the same prefix on ``org_path`` lets
    the (cycle, org_path) index narrow the rows.)"""
    paths = scope_paths(user, "change")
    if paths is None:
        return Q()
    q = Q(pk=None)
    for path in paths:
        q |= Q(competent_path__startswith=path, org_path__startswith=path)
    return q


def cell_reviews(user, cycle: ReviewCycle, cell: Organization) -> list[Review]:
    """The party members of one cell in the cycle, in roster order."""
    return list(
        Review.objects.visible_to(user, VIEW)
        .filter(cycle=cycle, subject_kind=SubjectKind.MEMBER, organization=cell)
        .select_related("member", "organization", "cycle")
        .order_by("member__sort_key", "id")
    )


def cells_of_user(user, cycle: ReviewCycle) -> list[Organization]:
    """Cells with party members in the cycle that the user may see (the secretary's own), the
    first 200 in tree order: the cycle's organizations walked in order, each probed for one
    member review (``review_cell_members``). Gathering the cycle's member reviews first took
    3 s for a national user of a national cycle (5,6 million of them)."""
    members = Review.objects.visible_to(user, VIEW).filter(
        cycle=cycle, subject_kind=SubjectKind.MEMBER, organization=OuterRef("pk")
    )
    return list(
        Organization.objects.visible_to(user, VIEW)
        .filter(path__startswith=cycle.organization.path)
        .filter(Exists(members))
        .order_by("path")[:200]
    )


# --- coverage ---------------------------------------------------------------------------------


@dataclass
class Coverage:
    """Required / reviewed / decided / exempt for one row (an organization or a level)."""

    key: str
    label: str
    total: int = 0
    exempt: int = 0
    reviewed: int = 0
    decided: int = 0
    by_kind: dict = field(default_factory=dict)
    organization: Organization | None = None
    closed: bool = False

    @property
    def required(self) -> int:
        return self.total - self.exempt

    @property
    def not_reviewed(self) -> int:
        return self.required - self.reviewed

    @property
    def reviewed_pct(self) -> float:
        return 100.0 * self.reviewed / self.required if self.required else 100.0

    @property
    def decided_pct(self) -> float:
        return 100.0 * self.decided / self.required if self.required else 100.0

    @property
    def undecided_reviewed_pct(self) -> float:
        """The part of the bar reviewed but not decided yet."""
        return self.reviewed_pct - self.decided_pct

    @property
    def complete(self) -> bool:
        """Everyone required has been reviewed and decided."""
        return self.not_reviewed <= 0 and self.decided >= self.required

    def add(self, kind: str, status: str, n: int) -> None:
        self.total += n
        row = self.by_kind.setdefault(kind, {"total": 0, "exempt": 0, "reviewed": 0, "decided": 0})
        row["total"] += n
        if status == ReviewStatus.EXEMPT:
            self.exempt += n
            row["exempt"] += n
        elif status in REVIEWED_STATUSES:
            self.reviewed += n
            row["reviewed"] += n
            if status == ReviewStatus.DECIDED:
                self.decided += n
                row["decided"] += n


def _visible_reviews(user, cycle: ReviewCycle) -> QuerySet[Review]:
    return Review.objects.visible_to(user, VIEW).filter(cycle=cycle)


_COVER_STATUS = {
    tally.COVER_EXEMPT: ReviewStatus.EXEMPT,
    tally.COVER_PENDING: ReviewStatus.PENDING,
    tally.COVER_DECIDED: ReviewStatus.DECIDED,
    tally.COVER_REVIEWED: ReviewStatus.SELF_REVIEWED,
}


def _tallied(cycle: ReviewCycle, plan, width: int, level: bool) -> list[tuple]:
    """The coverage's groups from the review tally (PostgreSQL): ``(key, kind, status, n)``,
    the key being the deciding level (``level``) or the branch, the status one that
    ``Coverage.add`` counts the group as (exempt, not reviewed, reviewed, decided)."""
    return [
        (key, kind, _COVER_STATUS[state], n)
        for key, kind, state, n in tally.coverage_rows(cycle.pk, plan, width, by_level=level)
    ]


def _tally_plan(user, org: Organization):
    """The tally's regions for the coverage under ``org``, or ``None`` to count the rows: on
    PostgreSQL (where triggers keep the tally) for a node the tally is deep enough for."""
    if connection.vendor != "postgresql":
        return None
    return tally.tally_plan(user, org)


def coverage_by_level(cycle: ReviewCycle, user=None) -> list[Coverage]:
    """Per deciding level (cơ sở, xã, huyện, tỉnh), lowest first: the tally's groups summed
    (a country's cycle: a few hundred rows), else one grouped query over the reviews."""
    plan = _tally_plan(user, cycle.organization)
    if plan is not None:
        rows = _tallied(cycle, plan, len(cycle.organization.path), level=True)
    else:
        qs = Review.objects.filter(cycle=cycle) if user is None else _visible_reviews(user, cycle)
        rows = qs.values_list("decision_level", "subject_kind", "status").annotate(n=Count("id"))
        rows = rows.order_by()
    found: dict[str, Coverage] = {}
    for level, kind, status, n in rows:
        if level not in found:
            found[level] = Coverage(level, str(DecisionLevel(level).label))
        found[level].add(kind, status, n)
    ordered = []
    for level in DECISION_LEVEL_ORDER:
        if level in found:
            found[level].closed = cycle.level_closed(level)
            ordered.append(found[level])
    return ordered


def cycle_coverage(user, cycle: ReviewCycle, root: Organization | None = None) -> list[Coverage]:
    """Per child organization of ``root`` (the user's top node in the cycle by default): the
    tally's groups summed by branch down to a district's children, else one grouped query
    over the path prefix."""
    if root is None:
        root = coverage_root(user, cycle)
    if root is None:
        return []
    depth = len(root.path) + 4
    children = {
        org.path: org
        for org in Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        # what a row shows and links to (a district has ~70 children, a country thousands)
        .only("path", "depth", "name")
        .order_by("path")
    }
    plan = _tally_plan(user, root)
    if plan is not None:
        rows = _tallied(cycle, plan, depth, level=False)
    else:
        rows = (
            Review.objects.filter(cycle=cycle)
            .visible_under(user, root.path)
            .annotate(branch=Substr("org_path", 1, depth))
            .values_list("branch", "subject_kind", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
    found: dict[str, Coverage] = {}
    for branch, kind, status, n in rows:
        key = branch if branch in children else root.path
        if key not in found:
            org = children.get(key, root)
            label = org.name if key in children else _("%(name)s (trực tiếp)") % {"name": root.name}
            found[key] = Coverage(key, label, organization=org)
        found[key].add(kind, status, n)
    return [found[key] for key in sorted(found)]


def coverage_root(user, cycle: ReviewCycle) -> Organization | None:
    """The highest node of the cycle the user sees: the scope itself, or the user's grant."""
    paths = scope_paths(user, VIEW)
    if paths is None or any(cycle.organization.path.startswith(p) for p in paths):
        return cycle.organization
    inside = [p for p in paths if p.startswith(cycle.organization.path)]
    if not inside:
        return None
    return Organization.objects.filter(path=min(inside, key=len)).first()


def coverage_total(rows: list[Coverage]) -> Coverage:
    total = Coverage("total", _("Tổng"))
    for row in rows:
        for kind, counts in row.by_kind.items():
            bucket = total.by_kind.setdefault(
                kind, {"total": 0, "exempt": 0, "reviewed": 0, "decided": 0}
            )
            for name, value in counts.items():
                bucket[name] += value
        total.total += row.total
        total.exempt += row.exempt
        total.reviewed += row.reviewed
        total.decided += row.decided
    return total


def coverage_narrowed(
    rows: list[Coverage], *, incomplete_only: bool = False, least_complete_first: bool = False
) -> list[Coverage]:
    """The organizations' rows as a list shows them: those not complete yet only, and the
    least reviewed first (then the least decided, then in tree order), or in tree order."""
    if incomplete_only:
        rows = [row for row in rows if not row.complete]
    if least_complete_first:
        rows = sorted(rows, key=lambda row: (row.reviewed_pct, row.decided_pct, row.key))
    return rows


def missing_at_level(cycle: ReviewCycle, level: str) -> QuerySet[Review]:
    """Required subjects decided at ``level`` that have no decision yet."""
    return (
        Review.objects.filter(cycle=cycle, decision_level=level)
        .exclude(status__in=(ReviewStatus.DECIDED, ReviewStatus.EXEMPT))
        .select_related("organization", "member", "committee", "seat")
        .order_by("org_path", "id")
    )
