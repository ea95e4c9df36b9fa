"""The statistics of the annual review: "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất
lượng năm YYYY" for any node of the tree (domain.md §5, §11).

``build_report`` counts the reviews of the year's cycles under the node with **one** grouped
query (both years at once: the report's year and the one before, for the year-over-year
columns). Each review row is reduced in the database to a few short keys — the branch it lies
under (a prefix of its stored ``org_path``), its kind, a category (kind of organization,
chính thức / dự bị, post), an *outcome* (a level, or why it is not classified) and the link to
the 27 manifestations — and counted; every table, the coverage lines and the comparison are
then summed from those few hundred groups in Python.

On PostgreSQL the groups are read from the review tally (``capuy/reviews/tally.py``: the same
keys, counted per node down to the grassroots level and kept exact by triggers on every write),
summing a few hundred tally rows instead of millions of reviews; nodes deeper than the tally,
and SQLite, count the rows live with the same key SQL (``source`` chooses, for comparison). The result is a JSON-ready dict;
``capuy/reports/xep_loai_output.py`` renders it as DOCX, PDF and XLSX.

Which cycles count for a year: yearly cycles (``period_kind = year``) the user sees; for a node,
the deepest cycle whose scope contains it, else the outermost cycles inside it (a province's
cycle and a district's own cycle of the same year are never added up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import BooleanField, Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils import timezone

from capuy.committees.choices import SeatRole
from capuy.core.scoping import VIEW, scope_paths
from capuy.organizations.choices import GRASSROOTS_KINDS, OrgKind, UnitType
from capuy.organizations.models import Organization
from capuy.reviews import tally
from capuy.reviews.choices import (
    Exemption,
    Level,
    PeriodKind,
    SubjectKind,
)
from capuy.reviews.models import Review, ReviewCycle, ReviewTally
from capuy.reviews.rulesets import effective_rules

from .grassroots import scoped, within_scope
from .grouping import STEP, children_of, top_nodes
from .tuning import analytic_reads

LEVELS = (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)
LEVEL_CODES = tuple(str(level) for level in LEVELS)
LEVEL_LABELS = {str(level): str(level.label) for level in LEVELS}

# Why a subject is not reviewed (col. 5 of the form, domain.md §11): still pending, or exempt
# for a reason of §5.1; and why a reviewed one is not classified (yet).
PENDING, UNDECIDED = "pending", "undecided"
EXEMPTION_LABELS = {code: str(label) for code, label in Exemption.choices if code != Exemption.NONE}
NOT_REVIEWED_REASONS = {PENDING: "Chưa kiểm điểm", **EXEMPTION_LABELS}
NOT_CLASSIFIED_REASONS = {UNDECIDED: "Đã kiểm điểm, chưa quyết định xếp loại", **EXEMPTION_LABELS}
# Outcome keys computed in the database: a level, or one of these.
OUT_EXEMPT, OUT_PENDING = tally.OUT_EXEMPT, tally.OUT_PENDING
OUT_NOT_CLASSIFIED, OUT_UNDECIDED = tally.OUT_NOT_CLASSIFIED, tally.OUT_UNDECIDED
# Where the groups are read from: the maintained tally (PostgreSQL), the rows, or either.
AUTO, TALLY, LIVE = "auto", "tally", "live"

UPPER_KINDS = (OrgKind.DANG_BO_TINH, OrgKind.DANG_BO_HUYEN, OrgKind.DANG_BO_XA)
SUBORDINATE_KINDS = (OrgKind.DANG_BO_BO_PHAN, OrgKind.CHI_BO_TRUC_THUOC)
LEADER_LEVELS = {
    OrgKind.DANG_BO_TINH: "Cán bộ lãnh đạo cấp tỉnh",
    OrgKind.DANG_BO_HUYEN: "Cán bộ lãnh đạo cấp huyện và tương đương",
    OrgKind.DANG_BO_XA: "Cán bộ lãnh đạo cấp xã",
}
ROLE_ORDER = [
    SeatRole.BI_THU,
    SeatRole.PHO_BI_THU_THUONG_TRUC,
    SeatRole.PHO_BI_THU,
    SeatRole.UY_VIEN_BTV,
    SeatRole.UY_VIEN_BCH,
    SeatRole.UY_VIEN_DU_KHUYET,
]


# --- the grouped query ---------------------------------------------------------------------


def _keys(branch) -> dict:
    """The group keys, each a short text computed from the row's own columns: the SQL of
    ``capuy.reviews.tally.KEYS``, which the tally's triggers count by too."""
    table = Review._meta.db_table
    keys = {"branch": branch}
    for name in tally.KEYS:
        output = BooleanField() if name == "linked" else CharField()
        keys[name] = RawSQL(tally.key_sql(name, f'"{table}"'), [], output_field=output)
    return keys


@dataclass
class Units:
    """The rows of the "by unit" tables: the node's children (or the user's top nodes), and how
    a review's path names the one it lies under."""

    nodes: list[Organization]
    branch: object  # a query expression
    own: Organization | None = None  # rows on the node itself


def units_of(user, org: Organization | None, start: date, end: date) -> Units:
    if org is not None:
        children = children_of(user, org, start=start, end=end)
        return Units(children, Substr("org_path", 1, len(org.path) + STEP), own=org)
    paths = scope_paths(user, VIEW)
    if paths is None:
        roots = list(Organization.objects.filter(depth=1).order_by("path"))
        return Units(roots, Substr("org_path", 1, STEP))
    nodes = top_nodes(user)
    if not nodes:
        return Units([], Value("", output_field=CharField()))
    whens = [When(org_path__startswith=node.path, then=Value(node.path)) for node in nodes]
    return Units(nodes, Case(*whens, default=Value(""), output_field=CharField()))


def year_cycles(user, year: int, org: Organization | None) -> list[ReviewCycle]:
    """The yearly cycles whose reviews count for ``org`` (see the module's docstring)."""
    qs = ReviewCycle.objects.visible_to(user, VIEW).filter(period_kind=PeriodKind.YEAR, year=year)
    if org is not None:  # the cycles above the node (or on it) and inside it, not all the year's
        above = [org.path[:end] for end in range(STEP, len(org.path) + 1, STEP)]
        qs = qs.filter(Q(organization__path__in=above) | Q(organization__path__startswith=org.path))
    cycles = list(
        qs.select_related("organization", "rule_set", "rule_set__base")
        # the report names the cycles; the rules of the first are read when needed (_rules)
        .defer("deadlines", "closed_levels", "rule_set__config", "rule_set__base__config")
        .order_by("organization__path", "id")
    )
    if org is not None:
        covering = [c for c in cycles if org.path.startswith(c.organization.path)]
        if covering:
            return [max(covering, key=lambda c: (len(c.organization.path), c.pk))]
        cycles = [c for c in cycles if c.organization.path.startswith(org.path)]
    outermost: list[ReviewCycle] = []
    for cycle in cycles:  # in path order: an outer cycle comes before those inside it
        path = cycle.organization.path
        if not any(path.startswith(o.organization.path) for o in outermost):
            outermost.append(cycle)
    return outermost


def grouped_query(user, org, cycle_ids: list[int], units: Units):
    """The one query: ``(cycle_id, branch, kind, category, sub, outcome, reason, linked, n)``."""
    keys = _keys(units.branch)
    return (
        scoped(Review, user, org)
        .filter(cycle_id__in=cycle_ids)
        .annotate(**keys)
        .order_by()
        .values_list("cycle_id", "branch", "subject_kind", *list(keys)[1:])
        .annotate(n=Count("*"))  # not the id: a covering index can answer alone
    )


CHILDREN, NODE, OWN = "children", "node", "own"


def tally_plan(user, org) -> list[tuple[str, str, int]] | None:
    """The tally rows that make up the groups, as ``(how, path, branch length)`` regions:
    ``children``, the rows of the descendants of ``path`` at the branch's depth (the branch is
    their prefix); ``node``, the rows of ``path`` (the branch is ``path`` cut to the length);
    ``own``, the rows on ``path`` itself. ``None`` when the tally is not deep enough (a
    grassroots organization or a cell, or a grant on one: a few thousand rows, counted live).

    The regions cover exactly what ``scoped`` and ``units_of`` count: the node's subtree (or
    the user's grants under it), each row under the unit its path names."""
    paths = scope_paths(user, VIEW)
    if org is not None:
        width = len(org.path) + STEP
        if within_scope(org, user):
            plan = [(CHILDREN, org.path, width), (OWN, org.path, len(org.path))]
        else:  # grants strictly below the node: each lies under one of its children
            plan = [(NODE, p, width) for p in paths if p.startswith(org.path)]
    elif paths is None:
        plan = [(CHILDREN, "", STEP)]
    else:
        plan = [(NODE, p, len(p)) for p in paths]
    deepest = max((width if how == CHILDREN else len(path) for how, path, width in plan), default=0)
    return plan if deepest <= tally.DEPTH * STEP else None


def tally_query(plan, cycle_ids: list[int]):
    """The tally's rows of ``plan``, summed as ``grouped_query`` counts the reviews."""
    if not plan:
        return ReviewTally.objects.none().values_list("cycle_id")
    where, branch = None, []
    for how, path, width in plan:
        if how == CHILDREN:
            test = Q(depth=width // STEP)
            if path:
                test &= Q(prefix__startswith=path)
            branch.append(When(test, then=F("prefix")))
        else:
            test = Q(prefix=path, own=True) if how == OWN else Q(prefix=path)
            branch.append(When(test, then=Value(path[:width])))
        where = test if where is None else where | test
    return (
        ReviewTally.objects.filter(where, cycle_id__in=cycle_ids, n__gt=0)
        .annotate(branch=Case(*branch, default=Value(""), output_field=CharField()))
        .order_by()
        .values_list("cycle_id", "branch", *tally.GROUP)
        .annotate(total=Sum("n"))
    )


def use_tally(source: str) -> bool:
    if source == AUTO:
        return connection.vendor == "postgresql"
    return source == TALLY


def grouped_rows(user, org, cycle_ids: list[int], units: Units, source: str = AUTO) -> list:
    """The groups ``(cycle_id, branch, kind, category, sub, outcome, reason, linked, n)``: from
    the tally where it is kept (``source``), else counted from the rows."""
    if not cycle_ids:
        return []
    if use_tally(source):
        plan = tally_plan(user, org)
        if plan is not None:
            return list(tally_query(plan, cycle_ids))
    return list(grouped_query(user, org, cycle_ids, units))


# --- counting --------------------------------------------------------------------------------


@dataclass
class Tally:
    """The counts of one row of a table, for one year."""

    total: int = 0
    reviewed: int = 0
    exempt: int = 0
    classified: int = 0
    linked: int = 0
    levels: dict = field(default_factory=lambda: dict.fromkeys(LEVEL_CODES, 0))
    not_reviewed: dict = field(default_factory=lambda: dict.fromkeys(NOT_REVIEWED_REASONS, 0))
    not_classified: dict = field(default_factory=lambda: dict.fromkeys(NOT_CLASSIFIED_REASONS, 0))

    def add(self, outcome: str, reason: str, linked: bool, n: int) -> None:
        self.total += n
        if outcome == OUT_EXEMPT:
            self.exempt += n
            self.not_reviewed[reason or Exemption.KHAC] += n
            return
        if outcome == OUT_PENDING:
            self.not_reviewed[PENDING] += n
            return
        self.reviewed += n
        if linked:
            self.linked += n
        if outcome == OUT_NOT_CLASSIFIED:
            self.not_classified[reason or Exemption.KHAC] += n
        elif outcome == OUT_UNDECIDED:
            self.not_classified[UNDECIDED] += n
        else:
            self.classified += n
            self.levels[outcome] += n

    def as_dict(self) -> dict:
        required = self.total - self.exempt
        good = self.levels[Level.HTTNV]
        return {
            "total": self.total,
            "required": required,
            "reviewed": self.reviewed,
            "not_reviewed": self.total - self.reviewed,
            "not_reviewed_reasons": dict(self.not_reviewed),
            "classified": self.classified,
            "not_classified": self.total - self.classified,
            "not_classified_reasons": dict(self.not_classified),
            "levels": {
                level: {"count": n, "pct": _pct(n, self.classified)}
                for level, n in self.levels.items()
            },
            "good_or_above_pct": _pct(self.levels[Level.HTXSNV] + good, self.classified),
            "excellent_to_good_pct": _pct(self.levels[Level.HTXSNV], good),
        }


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


@dataclass
class RowSpec:
    key: str
    label: str
    test: object  # (kind, category, sub, branch) -> bool
    indent: int = 1


@dataclass
class TableSpec:
    key: str
    title: str
    subject_kind: str
    rows: list[RowSpec]
    by_unit: bool = False
    optional: bool = False  # left out when it counts nothing in either year


def _kind_is(kind: str, categories=None):
    categories = set(categories) if categories is not None else None

    def test(k, category, sub, branch):
        return k == kind and (categories is None or category in categories)

    return test


def _and(first, extra):
    return lambda k, c, s, b: first(k, c, s, b) and extra(k, c, s, b)


def table_specs(present: set[tuple[str, str, str]]) -> list[TableSpec]:
    """The tables of the report; ``present`` lists the (kind, category, sub) seen in the
    rows, so that the break-down rows name what exists (zeros kept for the fixed ones)."""
    grassroots = _kind_is(SubjectKind.ORGANIZATION, GRASSROOTS_KINDS)
    types = list(UnitType.values)
    seen_types = {
        s for k, c, s in present if k == SubjectKind.ORGANIZATION and c in GRASSROOTS_KINDS
    }
    type_rows = [
        RowSpec(
            f"type_{value}",
            str(UnitType(value).label),
            _and(grassroots, lambda k, c, s, b, v=value: s == v),
            indent=2,
        )
        for value in types
        if value in seen_types
    ]
    if "" in seen_types:
        type_rows.append(
            RowSpec(
                "type_none",
                "Chưa phân loại loại hình",
                _and(grassroots, lambda k, c, s, b: s == ""),
                indent=2,
            )
        )
    upper_seen = [
        kind for kind in UPPER_KINDS if (SubjectKind.ORGANIZATION, kind) in {p[:2] for p in present}
    ]
    collective_kinds = [
        kind
        for kind in OrgKind.values
        if (SubjectKind.COLLECTIVE, kind) in {p[:2] for p in present}
    ]
    roles = [role for role in ROLE_ORDER if (SubjectKind.LEADER, role) in {p[:2] for p in present}]
    leader_levels = [
        kind
        for kind in LEADER_LEVELS
        if any(k == SubjectKind.LEADER and s == kind for k, _c, s in present)
    ]
    leader = _kind_is(SubjectKind.LEADER)
    return [
        TableSpec(
            "to_chuc_co_so_dang",
            "Tổ chức cơ sở đảng",
            SubjectKind.ORGANIZATION,
            [
                RowSpec("total", "Tổng số tổ chức cơ sở đảng", grassroots, indent=0),
                RowSpec(
                    OrgKind.DANG_BO_CO_SO,
                    "Đảng bộ cơ sở",
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.DANG_BO_CO_SO]),
                ),
                RowSpec(
                    OrgKind.CHI_BO_CO_SO,
                    "Chi bộ cơ sở",
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.CHI_BO_CO_SO]),
                ),
                *type_rows,
            ],
        ),
        TableSpec(
            "chi_bo_truc_thuoc",
            "Đảng bộ bộ phận, chi bộ trực thuộc đảng ủy cơ sở",
            SubjectKind.ORGANIZATION,
            [
                RowSpec(
                    "total",
                    "Tổng số",
                    _kind_is(SubjectKind.ORGANIZATION, SUBORDINATE_KINDS),
                    indent=0,
                ),
                RowSpec(
                    OrgKind.DANG_BO_BO_PHAN,
                    "Đảng bộ bộ phận",
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.DANG_BO_BO_PHAN]),
                ),
                RowSpec(
                    OrgKind.CHI_BO_TRUC_THUOC,
                    "Chi bộ trực thuộc",
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.CHI_BO_TRUC_THUOC]),
                ),
            ],
        ),
        TableSpec(
            "dang_bo_cap_tren",
            "Đảng bộ cấp trên cơ sở",
            SubjectKind.ORGANIZATION,
            [
                RowSpec(
                    "total", "Tổng số", _kind_is(SubjectKind.ORGANIZATION, UPPER_KINDS), indent=0
                ),
                *[
                    RowSpec(
                        kind, str(OrgKind(kind).label), _kind_is(SubjectKind.ORGANIZATION, [kind])
                    )
                    for kind in upper_seen
                ],
            ],
            optional=True,
        ),
        TableSpec(
            "dang_vien",
            "Đảng viên",
            SubjectKind.MEMBER,
            [
                RowSpec("total", "Tổng số đảng viên", _kind_is(SubjectKind.MEMBER), indent=0),
                RowSpec(
                    "chinh_thuc",
                    "Đảng viên chính thức",
                    _kind_is(SubjectKind.MEMBER, ["chinh_thuc"]),
                ),
                RowSpec("du_bi", "Đảng viên dự bị", _kind_is(SubjectKind.MEMBER, ["du_bi"])),
            ],
        ),
        TableSpec(
            "tap_the_lanh_dao",
            "Tập thể lãnh đạo, quản lý",
            SubjectKind.COLLECTIVE,
            [
                RowSpec("total", "Tổng số tập thể", _kind_is(SubjectKind.COLLECTIVE), indent=0),
                *[
                    RowSpec(
                        kind,
                        f"Tập thể lãnh đạo {str(OrgKind(kind).label).lower()}",
                        _kind_is(SubjectKind.COLLECTIVE, [kind]),
                    )
                    for kind in collective_kinds
                ],
            ],
        ),
        TableSpec(
            "ca_nhan_lanh_dao",
            "Cá nhân cán bộ lãnh đạo, quản lý",
            SubjectKind.LEADER,
            [
                RowSpec("total", "Tổng số cán bộ lãnh đạo, quản lý", leader, indent=0),
                *[
                    RowSpec(
                        f"level_{kind}",
                        LEADER_LEVELS[kind],
                        _and(leader, lambda k, c, s, b, v=kind: s == v),
                    )
                    for kind in leader_levels
                ],
                *[
                    RowSpec(
                        f"role_{role}",
                        str(SeatRole(role).label),
                        _kind_is(SubjectKind.LEADER, [role]),
                        indent=2,
                    )
                    for role in roles
                ],
            ],
        ),
    ]


def _unit_tables(units: Units) -> list[TableSpec]:
    """Members and grassroots organizations per unit of the node (col. 2 "Đơn vị")."""
    tables = []
    for key, title, base in (
        ("dang_vien_theo_don_vi", "Đảng viên theo đơn vị", _kind_is(SubjectKind.MEMBER)),
        (
            "to_chuc_co_so_dang_theo_don_vi",
            "Tổ chức cơ sở đảng theo đơn vị",
            _kind_is(SubjectKind.ORGANIZATION, GRASSROOTS_KINDS),
        ),
    ):
        # rows keyed by the unit's path; only the first row's test is used (see the tally)
        rows = [RowSpec("total", "Tổng cộng", base, indent=0)]
        if units.own is not None:
            rows.append(RowSpec(units.own.path, f"{units.own.name} (trực tiếp)", base))
        rows += [RowSpec(node.path, node.name, base) for node in units.nodes]
        kind = SubjectKind.MEMBER if key.startswith("dang_vien") else SubjectKind.ORGANIZATION
        tables.append(TableSpec(key, title, kind, rows, by_unit=True, optional=True))
    return tables


# --- the report --------------------------------------------------------------------------------


def build_report(
    user, *, year: int, org=None, today: date | None = None, source: str = AUTO
) -> dict:
    """Every figure of the report for ``org`` (``None``: the user's whole scope) and ``year``,
    with the year before for comparison. ``source``: ``tally`` reads the maintained counts,
    ``live`` counts the rows, ``auto`` the tally on PostgreSQL (kept by its triggers) and the
    rows elsewhere."""
    with analytic_reads():
        return _build_report(user, year=year, org=org, today=today, source=source)


def _build_report(user, *, year: int, org, today: date | None, source: str) -> dict:
    previous = year - 1
    cycles = {year: year_cycles(user, year, org), previous: year_cycles(user, previous, org)}
    year_of = {c.pk: c.year for cs in cycles.values() for c in cs}
    units = units_of(user, org, date(previous, 1, 1), date(year, 12, 31))
    rows = grouped_rows(user, org, list(year_of), units, source)

    known = {node.path for node in units.nodes} | ({units.own.path} if units.own else set())
    unknown = {row[1] for row in rows if row[1] and row[1] not in known}
    if unknown:  # units dissolved before the period: named and counted all the same
        units.nodes += list(Organization.objects.filter(path__in=unknown).order_by("path"))

    # Sum the groups twice, without the branch (category tables) and by branch (unit tables),
    # so that each table row tests a few hundred sums, not every group.
    by_category: dict[tuple, int] = {}
    by_branch: dict[tuple, int] = {}
    coverage = {year: _CoverageTally(), previous: _CoverageTally()}
    for cycle_id, branch, kind, category, sub, outcome, reason, linked, n in rows:
        row_year = year_of[cycle_id]
        coverage[row_year].add(kind, outcome, linked, n)
        key = (row_year, kind, category, sub, outcome, reason, linked)
        by_category[key] = by_category.get(key, 0) + n
        key = (row_year, branch, kind, category, outcome, reason, linked)
        by_branch[key] = by_branch.get(key, 0) + n

    present = {(kind, category, sub) for _y, kind, category, sub, *_rest in by_category}
    specs = table_specs(present) + _unit_tables(units)
    tallies: dict[tuple[str, str, int], Tally] = {}
    # Which table rows a group counts in depends on its (kind, category, sub) only: tested once
    # per distinct triple, not once per group.
    unit_specs = [spec for spec in specs if spec.by_unit]
    row_specs = [spec for spec in specs if not spec.by_unit]
    targets: dict[tuple, list[tuple[str, str]]] = {}
    for (row_year, branch, kind, category, outcome, reason, linked), n in by_branch.items():
        found = targets.get(("unit", kind, category))
        if found is None:
            found = targets[("unit", kind, category)] = [
                spec.key for spec in unit_specs if spec.rows[0].test(kind, category, "", "")
            ]
        for spec_key in found:
            for row_key in ("total", branch):
                tallies.setdefault((spec_key, row_key, row_year), Tally()).add(
                    outcome, reason, linked, n
                )
    for (row_year, kind, category, sub, outcome, reason, linked), n in by_category.items():
        found = targets.get((kind, category, sub))
        if found is None:
            found = targets[(kind, category, sub)] = [
                (spec.key, row.key)
                for spec in row_specs
                for row in spec.rows
                if row.test(kind, category, sub, "")
            ]
        for spec_key, row_key in found:
            tallies.setdefault((spec_key, row_key, row_year), Tally()).add(
                outcome, reason, linked, n
            )

    tables = []
    for spec in specs:
        current = [tallies.get((spec.key, row.key, year), Tally()) for row in spec.rows]
        before = [tallies.get((spec.key, row.key, previous), Tally()) for row in spec.rows]
        if spec.optional and not any(t.total for t in current + before):
            continue
        table_rows = []
        own = units.own.path if units.own is not None else None
        for row, now, then in zip(spec.rows, current, before, strict=True):
            if spec.by_unit and row.key == own and not now.total and not then.total:
                continue  # nothing sits on the node itself
            item = {"key": row.key, "label": row.label, "indent": row.indent, **now.as_dict()}
            item["previous"] = _previous(then) if then.total else None
            table_rows.append(item)
        tables.append(
            {
                "key": spec.key,
                "title": spec.title,
                "subject_kind": spec.subject_kind,
                "by_unit": spec.by_unit,
                "rows": table_rows,
            }
        )
    rules = _rules(cycles[year])
    return {
        "title": f"Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm {year}",
        "year": year,
        "previous_year": previous,
        "organization": (
            {"id": org.pk, "code": org.code, "name": org.name, "kind": org.kind}
            if org is not None
            else None
        ),
        "as_of": (today or timezone.localdate()).isoformat(),
        "cycles": [
            {
                "id": c.pk,
                "name": c.name,
                "year": c.year,
                "organization": c.organization.name,
                "rule_set": str(c.rule_set),
            }
            for c in cycles[year]
        ],
        "previous_cycles": [c.pk for c in cycles[previous]],
        "rules": rules,
        "coverage": {
            **coverage[year].as_dict(),
            "previous": coverage[previous].as_dict() if cycles[previous] else None,
        },
        "levels": [{"code": code, "label": LEVEL_LABELS[code]} for code in LEVEL_CODES],
        "not_reviewed_reasons": NOT_REVIEWED_REASONS,
        "not_classified_reasons": NOT_CLASSIFIED_REASONS,
        "tables": tables,
    }


def _previous(tally: Tally) -> dict:
    full = tally.as_dict()
    return {
        key: full[key]
        for key in (
            "total",
            "reviewed",
            "classified",
            "levels",
            "good_or_above_pct",
            "excellent_to_good_pct",
        )
    }


def _rules(cycles: list[ReviewCycle]) -> dict | None:
    """The rule set named in the report and its excellent quota, when the cycles share one."""
    if not cycles:
        return None
    titles = {c.rule_set_id for c in cycles}
    if len(titles) != 1:
        return {"title": "Nhiều bộ quy tắc", "quota_percent": None, "quota_denominator": None}
    rules = effective_rules(cycles[0].rule_set)
    return {
        "title": rules.title,
        "name": rules.name,
        "quota_percent": float(rules.quota_percent),
        "quota_denominator": rules.quota_denominator,
    }


@dataclass
class _CoverageTally:
    """Coverage lines (seed fact 4): who had to be reviewed, who was, and the individuals who
    linked their review to the 27 manifestations."""

    total: int = 0
    exempt: int = 0
    reviewed: int = 0
    individuals_required: int = 0
    individuals_reviewed: int = 0
    linked: int = 0
    collectives_required: int = 0
    collectives_reviewed: int = 0

    def add(self, kind: str, outcome: str, linked: bool, n: int) -> None:
        self.total += n
        individual = kind in (SubjectKind.MEMBER, SubjectKind.LEADER)
        if outcome == OUT_EXEMPT:
            self.exempt += n
            return
        if individual:
            self.individuals_required += n
        else:
            self.collectives_required += n
        if outcome == OUT_PENDING:
            return
        self.reviewed += n
        if individual:
            self.individuals_reviewed += n
            if linked:
                self.linked += n
        else:
            self.collectives_reviewed += n

    def as_dict(self) -> dict:
        required = self.total - self.exempt
        return {
            "total": self.total,
            "exempt": self.exempt,
            "required": required,
            "reviewed": self.reviewed,
            "not_reviewed": required - self.reviewed,
            "reviewed_pct": _pct(self.reviewed, required),
            "all_reviewed": required == self.reviewed,
            "collectives": {
                "required": self.collectives_required,
                "reviewed": self.collectives_reviewed,
            },
            "individuals": {
                "required": self.individuals_required,
                "reviewed": self.individuals_reviewed,
                "linked_manifestations": self.linked,
            },
            "linked_manifestations_pct": _pct(self.linked, self.individuals_reviewed),
        }
