"""The statistics of the annual review: "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất
lượng năm YYYY" for any node of the tree (domain.md §5, §11).

``build_report`` counts the reviews of the year's cycles under the node with **one** grouped
query (both years at once: the report's year and the one before, for the year-over-year
columns). Each review row is reduced in the database to a few short keys — the branch it lies
under (a prefix of its stored ``org_path``), its kind, a category (kind of organization,
chính thức / dự bị, post), an *outcome* (a level, or why it is not classified) and the link to
the 27 manifestations — and counted (``Counts``): by year and category for the tables by
category and the coverage lines, by year and branch for the tables by unit. Every table row is
then a sum of a few of those groups, added up in Python.

On PostgreSQL the groups are summed from the review tally (``capuy/reviews/tally.py``: the same
keys, counted per node down to the grassroots level and kept exact by triggers on every write)
by one statement with two ``GROUPING SETS`` (``tally_sql``), so the whole country's 13.000 tally
rows come back as a few hundred groups by category and two thousand by unit; nodes deeper than
the tally, and SQLite, count the rows live with the same key SQL (``source`` chooses, for
comparison). Before that, one statement (``reads_sql``) reads the cycles, their rule sets and
the units of the tables by unit together: two statements a report in all. What does not
change between requests is kept per process: that statement's SQL for each scope, node and
period, the tables' layout for each set of categories present and language, and each rule
set's summary by the values of its row. The result is a JSON-ready dict, its labels in the
active language; ``capuy/reports/xep_loai_output.py`` renders it as DOCX, PDF and XLSX, always
in Vietnamese (built and rendered under ``documents.party_language()``).

Which cycles count for a year: yearly cycles (``period_kind = year``) the user sees; for a node,
the deepest cycle whose scope contains it, else the outermost cycles inside it (a province's
cycle and a district's own cycle of the same year are never added up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Case, CharField, Count, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

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
from capuy.reviews.models import Review, ReviewCycle, ReviewTally, RuleSet
from capuy.reviews.rulesets import effective_rules
from capuy.reviews.tally import tally_plan

from .grassroots import scoped
from .grouping import STEP, valid_between
from .tuning import analytic_reads, prepared_rows

LEVELS = (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)
LEVEL_CODES = tuple(str(level) for level in LEVELS)
LEVEL_LABELS = {str(level): level.label for level in LEVELS}  # lazy: in the reader's language
HTXSNV, HTTNV = str(Level.HTXSNV), str(Level.HTTNV)

# Why a subject is not reviewed (col. 5 of the form, domain.md §11): still pending, or exempt
# for a reason of §5.1; and why a reviewed one is not classified (yet).
PENDING, UNDECIDED = "pending", "undecided"
# The labels are lazy: ``build_report`` renders them in the active language.
EXEMPTION_LABELS = {code: label for code, label in Exemption.choices if code != Exemption.NONE}
NOT_REVIEWED_REASONS = {PENDING: gettext_lazy("Chưa kiểm điểm"), **EXEMPTION_LABELS}
NOT_CLASSIFIED_REASONS = {
    UNDECIDED: gettext_lazy("Đã kiểm điểm, chưa quyết định xếp loại"),
    **EXEMPTION_LABELS,
}
# Outcome keys computed in the database: a level, or one of these.
OUT_EXEMPT, OUT_PENDING = tally.OUT_EXEMPT, tally.OUT_PENDING
OUT_NOT_CLASSIFIED, OUT_UNDECIDED = tally.OUT_NOT_CLASSIFIED, tally.OUT_UNDECIDED
# Where the groups are read from: the maintained tally (PostgreSQL), the rows, or either.
AUTO, TALLY, LIVE = "auto", "tally", "live"

UPPER_KINDS = (OrgKind.DANG_BO_TINH, OrgKind.DANG_BO_HUYEN, OrgKind.DANG_BO_XA)
SUBORDINATE_KINDS = (OrgKind.DANG_BO_BO_PHAN, OrgKind.CHI_BO_TRUC_THUOC)
LEADER_LEVELS = {
    OrgKind.DANG_BO_TINH: gettext_lazy("Cán bộ lãnh đạo cấp tỉnh"),
    OrgKind.DANG_BO_HUYEN: gettext_lazy("Cán bộ lãnh đạo cấp huyện và tương đương"),
    OrgKind.DANG_BO_XA: gettext_lazy("Cán bộ lãnh đạo cấp xã"),
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

    nodes: list[Node]
    branch: object  # a query expression
    own: Organization | None = None  # rows on the node itself


class Node(NamedTuple):
    path: str
    name: str


class Cycle(NamedTuple):
    """What the report reads of a cycle (no model instances)."""

    pk: int
    name: str
    year: int
    path: str  # its organization's
    organization: str
    rule_set_id: int


class Reads(NamedTuple):
    """What the report reads before counting: the cycles that count for the node in each year,
    the rule sets named in the report (id: name, and the summary of its effective rules) and
    the units of the tables by unit."""

    cycles: dict[int, list[Cycle]]
    rule_sets: dict[int, tuple[str, dict]]
    units: Units


def _cycles_query(user, years, org: Organization | None):
    """The yearly cycles of ``years`` the user sees, above the node (or on it) and inside it:
    ``(id, year, rule_set_id, name, organization path, organization name)``."""
    qs = ReviewCycle.objects.visible_to(user, VIEW).filter(
        period_kind=PeriodKind.YEAR, year__in=years
    )
    if org is not None:  # not all the year's cycles
        above = [org.path[:end] for end in range(STEP, len(org.path) + 1, STEP)]
        qs = qs.filter(Q(organization__path__in=above) | Q(organization__path__startswith=org.path))
    return qs.order_by().values_list(
        "id", "year", "rule_set_id", "name", "organization__path", "organization__name"
    )


def _units_query(user, org: Organization | None, paths, start: date, end: date):
    """The units' ``(path, name)``: the node's children the user sees, valid in the period
    (``grouping.children_of``), else the roots or the user's top nodes (``top_nodes``)."""
    if org is not None:
        qs = Organization.objects.visible_to(user, VIEW).filter(
            path__startswith=org.path, depth=org.depth + 1
        )
        qs = valid_between(qs, start, end)
    elif paths is None:
        qs = Organization.objects.filter(depth=1)
    else:
        qs = Organization.objects.filter(path__in=paths)
    return qs.order_by().values_list("path", "name")


def _compiled(qs) -> tuple[str, tuple] | None:
    """The SQL of a queryset, ``None`` when it selects nothing (an empty scope)."""
    try:
        return qs.query.sql_with_params()
    except EmptyResultSet:
        return None


# The columns of a rule set the effective rules are built from (``rulesets.rule_set_as_dict``).
RULE_SET_COLUMNS = (
    "code",
    "regulation",
    "guidance",
    "unconfirmed_notes",
    "derivation",
    "quota_percent",
    "quota_denominator",
    "quota_grouping",
    "quota_rounding",
    "config",
)
CYCLE, RULE_SET, UNIT = 0, 1, 2


def reads_sql(user, years, org: Organization | None, start: date, end: date):
    """One statement for the cycles, their rule sets (and an overlay's base) and the units:
    ``(part, id, year, rule set id or base id, name, path, organization name, *rule set
    columns)``, the parts told apart by ``part``. The cycles and the units are the scoped
    querysets' own SQL (``visible_to``); a rule set is read as the cycle that names it is
    seen. ``None`` when the user sees none of it.

    ``visible_to`` narrows by the user's scope paths alone (``capuy.core.scoping``), so the
    statement is a function of those paths, the node and the period: built and compiled once
    per process for each (the ORM's compiling took longer than the statement runs)."""
    paths = scope_paths(user, VIEW)
    key = (
        connection.vendor,
        None if paths is None else tuple(paths),
        None if org is None else (org.path, org.depth),
        tuple(years),
        start,
        end,
    )
    found = _READS_SQL.get(key, _MISSING)
    if found is _MISSING:
        found = _reads_sql(user, paths, years, org, start, end)
        if len(_READS_SQL) >= _READS_SQL_KEPT:
            _READS_SQL.clear()
        _READS_SQL[key] = found
    return found


_READS_SQL: dict[tuple, tuple[str, tuple] | None] = {}
_READS_SQL_KEPT = 256
_MISSING = object()


def _reads_sql(user, paths, years, org: Organization | None, start: date, end: date):
    quote = connection.ops.quote_name
    ruleset = quote(RuleSet._meta.db_table)
    nulls = ", ".join(["NULL"] * len(RULE_SET_COLUMNS))
    columns = [quote(c) for c in RULE_SET_COLUMNS]
    columns[-1] = f"CAST({columns[-1]} AS TEXT)"  # the config's text: hashable, parsed on a miss
    ctes, parts, params = [], [], []
    cycles = _compiled(_cycles_query(user, years, org))
    if cycles is not None:
        ctes.append(f"c (id, year, rule_set_id, name, path, org_name) AS ({cycles[0]})")
        params += cycles[1]
        parts.append(f"SELECT {CYCLE}, id, year, rule_set_id, name, path, org_name, {nulls} FROM c")
        named = "SELECT rule_set_id FROM c"  # and an overlay's base
        parts.append(
            f"SELECT {RULE_SET}, id, NULL, base_id, name, NULL, NULL, {', '.join(columns)}"
            f" FROM {ruleset} WHERE id IN ({named})"
            f" OR id IN (SELECT base_id FROM {ruleset} WHERE id IN ({named}))"
        )
    units = _compiled(_units_query(user, org, paths, start, end))
    if units is not None:
        ctes.append(f"u (path, name) AS ({units[0]})")
        params += units[1]
        parts.append(f"SELECT {UNIT}, NULL, NULL, NULL, name, path, NULL, {nulls} FROM u")
    if not parts:
        return None
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}", tuple(params)


def report_reads(user, years, org: Organization | None, start: date, end: date) -> Reads:
    """The cycles that count for ``org`` in each of ``years`` (see the module's docstring), the
    rule sets of the first year's (the report's) and the units valid between ``start`` and
    ``end``, read with one statement (``reads_sql``)."""
    by_year: dict[int, list[Cycle]] = {year: [] for year in years}
    rule_set_rows: dict[int, tuple] = {}
    nodes: list[Node] = []
    statement = reads_sql(user, years, org, start, end)
    if statement is not None:
        rows = prepared_rows(*statement)
        for part, pk, year, ref, name, path, org_name, *rule_set in rows:
            if part == CYCLE:
                by_year[year].append(Cycle(pk, name, year, path, org_name, ref))
            elif part == RULE_SET:
                rule_set_rows[pk] = (pk, ref, name, *rule_set)
            else:
                nodes.append(Node(path, name))
    cycles = {}
    for year, found in by_year.items():
        found.sort(key=lambda c: (c.path, c.pk))
        cycles[year] = _counting(found, org)
    named = {c.rule_set_id for c in cycles[years[0]]}
    rule_sets = {pk: rule_set_summary(rule_set_rows[pk], rule_set_rows) for pk in named}
    nodes.sort()
    return Reads(cycles, rule_sets, _units(org, scope_paths(user, VIEW), nodes))


def _units(org: Organization | None, paths, nodes: list[Node]) -> Units:
    if org is not None:
        return Units(nodes, Substr("org_path", 1, len(org.path) + STEP), own=org)
    if paths is None:
        return Units(nodes, Substr("org_path", 1, STEP))
    if not nodes:
        return Units([], Value("", output_field=CharField()))
    whens = [When(org_path__startswith=node.path, then=Value(node.path)) for node in nodes]
    return Units(nodes, Case(*whens, default=Value(""), output_field=CharField()))


def _counting(cycles: list[Cycle], org: Organization | None) -> list[Cycle]:
    """Of one year's cycles (in path order), those that count for ``org``."""
    if org is not None:
        covering = [c for c in cycles if org.path.startswith(c.path)]
        if covering:
            return [max(covering, key=lambda c: (len(c.path), c.pk))]
        cycles = [c for c in cycles if c.path.startswith(org.path)]
    outermost: list[Cycle] = []
    for cycle in cycles:  # in path order: a cycle's subtree follows it, before any other path
        if not outermost or not cycle.path.startswith(outermost[-1].path):
            outermost.append(cycle)
    return outermost


# The name and the summary of the effective rules of each rule set read, by the values of its
# row and its base's: a rule set changed (or its base) is a new key, so nothing goes stale.
_RULE_SETS: dict[tuple, tuple[str, dict]] = {}
_RULE_SETS_KEPT = 64


def rule_set_summary(row: tuple, rows: dict[int, tuple]) -> tuple[str, dict]:
    """``(name as the report prints it, rules summary)`` of the rule set whose row (as
    ``report_reads`` reads it: id, base id, name, *``RULE_SET_COLUMNS``) is ``row``; ``rows``
    holds its base. Memoised per process by the rows' values."""
    base = rows[row[1]] if row[1] is not None else None
    key = (row, base)
    found = _RULE_SETS.get(key)
    if found is None:
        rule_set = _rule_set(row)
        if base is not None:
            rule_set.base = _rule_set(base)
        rules = effective_rules(rule_set)
        found = (
            str(rule_set),
            {
                "title": rules.title,
                "name": rules.name,
                "quota_percent": float(rules.quota_percent),
                "quota_denominator": rules.quota_denominator,
            },
        )
        if len(_RULE_SETS) >= _RULE_SETS_KEPT:
            _RULE_SETS.clear()
        _RULE_SETS[key] = found
    return found


def _rule_set(row: tuple) -> RuleSet:
    """A ``RuleSet`` (unsaved copy) from the values ``report_reads`` read."""
    pk, base_id, name, *values = row
    fields = dict(zip(RULE_SET_COLUMNS, values, strict=True))
    fields["config"] = json.loads(fields["config"]) if fields["config"] else {}
    percent = fields["quota_percent"]
    if percent is not None:  # SQLite returns a float; the field's two places, as Django reads it
        places = RuleSet._meta.get_field("quota_percent").decimal_places
        fields["quota_percent"] = Decimal(str(percent)).quantize(Decimal(1).scaleb(-places))
    return RuleSet(pk=pk, base_id=base_id, name=name, **fields)


def grouped_query(user, org, cycle_ids: list[int], units: Units):
    """The groups counted from the rows: ``(cycle_id, branch, kind, category, sub, outcome,
    reason, linked, n)``."""
    keys = _keys(units.branch)
    return (
        scoped(Review, user, org)
        .filter(cycle_id__in=cycle_ids)
        .annotate(**keys)
        .order_by()
        .values_list("cycle_id", "branch", "subject_kind", *list(keys)[1:])
        .annotate(n=Count("*"))  # not the id: a covering index can answer alone
    )


def _in(values) -> tuple[str, list]:
    values = list(values)
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


def tally_sql(plan, year_of: dict[int, int]) -> tuple[str, list]:
    """The tally's rows of ``plan`` summed by the database into what the tables read, one
    statement, two groupings of the same rows (``GROUPING SETS`` on PostgreSQL, else a
    ``UNION ALL``): ``(year, kind, category, sub, outcome, reason, linked, n, None, 0)`` for the
    tables by category and ``(year, kind, None, None, outcome, reason, None, n, branch, 1)``
    for the tables by unit (branch ``None``: a kind those tables do not count). By year, not by
    cycle: the whole country's 126 cycles sum to a few hundred rows by category, not 13.000."""
    regions, where_params = tally.regions_sql(plan)
    *earlier, last = sorted(set(year_of.values()))
    year, year_params = "", []
    for value in earlier:
        ids, ids_params = _in(c for c, y in year_of.items() if y == value)
        year += f" WHEN cycle_id IN {ids} THEN %s"
        year_params += [*ids_params, value]
    year = f"CASE{year} ELSE %s END" if year else "%s"
    year_params.append(last)
    kind, category, _sub, outcome, reason, _linked = tally.REPORT_GROUP
    keys = ", ".join(tally.REPORT_GROUP)
    cycles, cycle_params = _in(year_of)
    grassroots, grassroots_params = _in(str(k) for k in sorted(GRASSROOTS_KINDS))
    in_units = f"{kind} = %s OR ({kind} = %s AND {category} IN {grassroots})"
    width = max(width for _how, _path, width in plan)
    rows = (
        f"SELECT {year} AS y, {keys}, n,"
        f" CASE WHEN {in_units} THEN substr(prefix, 1, {width}) END AS branch"
        f" FROM {ReviewTally._meta.db_table}"
        f" WHERE cycle_id IN {cycles} AND n > 0 AND {regions}"
    )
    params = [
        *year_params,
        str(SubjectKind.MEMBER),
        str(SubjectKind.ORGANIZATION),
        *grassroots_params,
        *cycle_params,
        *where_params,
    ]
    by_category = f"y, {keys}"
    by_unit = f"y, {kind}, branch, {outcome}, {reason}"
    total = "CAST(SUM(n) AS BIGINT)"  # not numeric
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT y, {keys}, {total}, branch, GROUPING({category}) FROM ({rows}) r"
            f" GROUP BY GROUPING SETS (({by_category}), ({by_unit}))"
        )
        return sql, params
    sql = (
        f"SELECT y, {keys}, {total}, NULL, 0 FROM ({rows}) r GROUP BY {by_category}"
        f" UNION ALL SELECT y, {kind}, NULL, NULL, {outcome}, {reason}, NULL, {total},"
        f" branch, 1 FROM ({rows}) r GROUP BY {by_unit}"
    )
    return sql, params + params


def use_tally(source: str) -> bool:
    if source == AUTO:
        return connection.vendor == "postgresql"
    return source == TALLY


@dataclass
class Counts:
    """The groups every table is summed from, both years at once: ``categories`` holds
    ``(year, kind, category, sub, outcome, reason, linked, n)`` (the tables by category and the
    coverage lines), ``units`` holds ``(year, kind, branch, outcome, reason, n)`` for
    the members and the grassroots organizations (the tables by unit)."""

    categories: list[tuple] = field(default_factory=list)
    units: list[tuple] = field(default_factory=list)


def in_unit_tables(kind: str, category: str) -> bool:
    return kind == SubjectKind.MEMBER or (
        kind == SubjectKind.ORGANIZATION and category in GRASSROOTS_KINDS
    )


def grouped_counts(user, org, year_of: dict[int, int], units: Units, source: str = AUTO) -> Counts:
    """The groups of the cycles ``year_of`` (cycle id: year): summed by the database from the
    tally where it is kept (``source``), else counted from the rows and summed here."""
    if not year_of:
        return Counts()
    if use_tally(source):
        plan = tally_plan(user, org)
        if plan is not None:
            return _tally_counts(plan, year_of)
    counts = Counts()
    categories: dict[tuple, int] = {}
    by_unit: dict[tuple, int] = {}
    # Counting the rows is the large aggregate that needs the analytic settings; the tally's
    # few thousand groups do not, and a province's report is then two statements, not five
    # (BEGIN, SET and COMMIT were a third of its 5 ms).
    with analytic_reads():
        grouped = list(grouped_query(user, org, list(year_of), units))
    for cycle_id, branch, kind, category, sub, outcome, reason, linked, n in grouped:
        year = year_of[cycle_id]
        key = (year, kind, category, sub, outcome, reason, linked)
        categories[key] = categories.get(key, 0) + n
        if in_unit_tables(kind, category):
            key = (year, kind, branch, outcome, reason)
            by_unit[key] = by_unit.get(key, 0) + n
    counts.categories = [(*key, n) for key, n in categories.items()]
    counts.units = [(*key, n) for key, n in by_unit.items()]
    return counts


def _tally_counts(plan, year_of: dict[int, int]) -> Counts:
    counts = Counts()
    if not plan:
        return counts
    rows = prepared_rows(*tally_sql(plan, year_of))
    # (year, kind, category, sub, outcome, reason, linked, n, branch, by_unit)
    counts.categories = [row[:8] for row in rows if not row[9]]
    counts.units = [
        (row[0], row[1], row[8], row[4], row[5], row[7])
        for row in rows
        if row[9] and row[8] is not None
    ]
    return counts


# --- counting --------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """The counts of one row of a table, for one year."""

    total: int = 0
    reviewed: int = 0
    exempt: int = 0
    classified: int = 0
    levels: dict = field(default_factory=lambda: dict.fromkeys(LEVEL_CODES, 0))
    not_reviewed: dict = field(default_factory=lambda: dict.fromkeys(NOT_REVIEWED_REASONS, 0))
    not_classified: dict = field(default_factory=lambda: dict.fromkeys(NOT_CLASSIFIED_REASONS, 0))

    def add(self, outcome: str, reason: str, n: int) -> None:
        self.total += n
        if outcome == OUT_EXEMPT:
            self.exempt += n
            self.not_reviewed[reason or Exemption.KHAC] += n
            return
        if outcome == OUT_PENDING:
            self.not_reviewed[PENDING] += n
            return
        self.reviewed += n
        if outcome == OUT_NOT_CLASSIFIED:
            self.not_classified[reason or Exemption.KHAC] += n
        elif outcome == OUT_UNDECIDED:
            self.not_classified[UNDECIDED] += n
        else:
            self.classified += n
            self.levels[outcome] += n

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "required": self.total - self.exempt,
            "reviewed": self.reviewed,
            "not_reviewed": self.total - self.reviewed,
            "not_reviewed_reasons": dict(self.not_reviewed),
            "classified": self.classified,
            "not_classified": self.total - self.classified,
            "not_classified_reasons": dict(self.not_classified),
            **self.levels_dict(),
        }

    def levels_dict(self) -> dict:
        classified, levels = self.classified, self.levels
        excellent, good = levels[HTXSNV], levels[HTTNV]
        return {
            "levels": {  # _pct inlined: a few hundred rows, four levels each
                level: {"count": n, "pct": _pct(n, classified)} for level, n in levels.items()
            }
            if classified
            else _no_levels(),
            "good_or_above_pct": _pct(excellent + good, classified),
            "excellent_to_good_pct": _pct(excellent, good),
        }

    def previous_dict(self) -> dict:
        """What the year before shows beside a row."""
        return {
            "total": self.total,
            "reviewed": self.reviewed,
            "classified": self.classified,
            **self.levels_dict(),
        }


EMPTY = Tally()  # the rows nothing counts in (never added to)


def _pct(part: int, whole: int) -> float | None:
    """``part`` in % of ``whole``, two decimals (float rounding with digits is slow in
    CPython, ~1 µs: a report rounds ~600 of them; none, all and the empty whole need none)."""
    if not whole:
        return None
    if not part:
        return 0.0
    if part == whole:
        return 100.0
    return round(100 * part / whole, 2)


def _no_levels() -> dict:
    """The levels of a row nobody in is classified."""
    return {level: {"count": 0, "pct": None} for level in LEVEL_CODES}


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
                _("Chưa phân loại loại hình"),
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
            _("Tổ chức cơ sở đảng"),
            SubjectKind.ORGANIZATION,
            [
                RowSpec("total", _("Tổng số tổ chức cơ sở đảng"), grassroots, indent=0),
                RowSpec(
                    OrgKind.DANG_BO_CO_SO,
                    _("Đảng bộ cơ sở"),
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.DANG_BO_CO_SO]),
                ),
                RowSpec(
                    OrgKind.CHI_BO_CO_SO,
                    _("Chi bộ cơ sở"),
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.CHI_BO_CO_SO]),
                ),
                *type_rows,
            ],
        ),
        TableSpec(
            "chi_bo_truc_thuoc",
            _("Đảng bộ bộ phận, chi bộ trực thuộc đảng ủy cơ sở"),
            SubjectKind.ORGANIZATION,
            [
                RowSpec(
                    "total",
                    _("Tổng số"),
                    _kind_is(SubjectKind.ORGANIZATION, SUBORDINATE_KINDS),
                    indent=0,
                ),
                RowSpec(
                    OrgKind.DANG_BO_BO_PHAN,
                    _("Đảng bộ bộ phận"),
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.DANG_BO_BO_PHAN]),
                ),
                RowSpec(
                    OrgKind.CHI_BO_TRUC_THUOC,
                    _("Chi bộ trực thuộc"),
                    _kind_is(SubjectKind.ORGANIZATION, [OrgKind.CHI_BO_TRUC_THUOC]),
                ),
            ],
        ),
        TableSpec(
            "dang_bo_cap_tren",
            _("Đảng bộ cấp trên cơ sở"),
            SubjectKind.ORGANIZATION,
            [
                RowSpec(
                    "total",
                    _("Tổng số"),
                    _kind_is(SubjectKind.ORGANIZATION, UPPER_KINDS),
                    indent=0,
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
            _("Đảng viên"),
            SubjectKind.MEMBER,
            [
                RowSpec("total", _("Tổng số đảng viên"), _kind_is(SubjectKind.MEMBER), indent=0),
                RowSpec(
                    "chinh_thuc",
                    _("Đảng viên chính thức"),
                    _kind_is(SubjectKind.MEMBER, ["chinh_thuc"]),
                ),
                RowSpec("du_bi", _("Đảng viên dự bị"), _kind_is(SubjectKind.MEMBER, ["du_bi"])),
            ],
        ),
        TableSpec(
            "tap_the_lanh_dao",
            pgettext("report table", "Tập thể lãnh đạo, quản lý"),
            SubjectKind.COLLECTIVE,
            [
                RowSpec("total", _("Tổng số tập thể"), _kind_is(SubjectKind.COLLECTIVE), indent=0),
                *[
                    RowSpec(
                        kind,
                        _("Tập thể lãnh đạo %(organization)s")
                        % {"organization": str(OrgKind(kind).label).lower()},
                        _kind_is(SubjectKind.COLLECTIVE, [kind]),
                    )
                    for kind in collective_kinds
                ],
            ],
        ),
        TableSpec(
            "ca_nhan_lanh_dao",
            pgettext("report table", "Cá nhân cán bộ lãnh đạo, quản lý"),
            SubjectKind.LEADER,
            [
                RowSpec("total", _("Tổng số cán bộ lãnh đạo, quản lý"), leader, indent=0),
                *[
                    RowSpec(
                        f"level_{kind}",
                        str(LEADER_LEVELS[kind]),
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


# The tables by unit (col. 2 "Đơn vị"): their rows are summed by branch in the database
# (``Counts.units``); their total row is the total row of the table by category they break down.
UNIT_TABLES = {
    SubjectKind.MEMBER: (
        "dang_vien_theo_don_vi",
        gettext_lazy("Đảng viên theo đơn vị"),
        "dang_vien",
    ),
    SubjectKind.ORGANIZATION: (
        "to_chuc_co_so_dang_theo_don_vi",
        gettext_lazy("Tổ chức cơ sở đảng theo đơn vị"),
        "to_chuc_co_so_dang",
    ),
}


def _unit_tables(units: Units) -> list[TableSpec]:
    """Members and grassroots organizations per unit of the node, rows keyed by the unit's
    path."""
    tables = []
    for kind, (key, title, _of) in UNIT_TABLES.items():
        rows = [RowSpec("total", _("Tổng cộng"), None, indent=0)]
        if units.own is not None:
            own = _("%(organization)s (trực tiếp)") % {"organization": units.own.name}
            rows.append(RowSpec(units.own.path, own, None))
        rows += [RowSpec(node.path, node.name, None) for node in units.nodes]
        tables.append(TableSpec(key, str(title), kind, rows, by_unit=True, optional=True))
    return tables


# --- the report --------------------------------------------------------------------------------


def build_report(
    user, *, year: int, org=None, today: date | None = None, source: str = AUTO
) -> dict:
    """Every figure of the report for ``org`` (``None``: the user's whole scope) and ``year``,
    with the year before for comparison. ``source``: ``tally`` reads the maintained counts,
    ``live`` counts the rows, ``auto`` the tally on PostgreSQL (kept by its triggers) and the
    rows elsewhere."""
    return _build_report(user, year=year, org=org, today=today, source=source)


def _build_report(user, *, year: int, org, today: date | None, source: str) -> dict:
    previous = year - 1
    cycles, rule_sets, units = report_reads(
        user, (year, previous), org, date(previous, 1, 1), date(year, 12, 31)
    )
    year_of = {c.pk: y for y, cs in cycles.items() for c in cs}
    counts = grouped_counts(user, org, year_of, units, source)

    known = {node.path for node in units.nodes} | ({units.own.path} if units.own else set())
    unknown = {row[2] for row in counts.units if row[2] and row[2] not in known}
    if unknown:  # units dissolved before the period: named and counted all the same
        dissolved = Organization.objects.filter(path__in=unknown).order_by("path")
        units.nodes += [Node._make(row) for row in dissolved.values_list("path", "name")]

    tables_by_category = layout(frozenset(row[1:4] for row in counts.categories))
    specs = tables_by_category.specs + _unit_tables(units)
    tallies, coverage = _summed(counts, tables_by_category.targets, (year, previous))

    tables = []
    for spec in specs:
        current = [tallies.get((spec.key, row.key, year), EMPTY) for row in spec.rows]
        before = [tallies.get((spec.key, row.key, previous), EMPTY) for row in spec.rows]
        if spec.optional and not any(t.total for t in current + before):
            continue
        table_rows = []
        own = units.own.path if units.own is not None else None
        for row, now, then in zip(spec.rows, current, before, strict=True):
            if spec.by_unit and row.key == own and not now.total and not then.total:
                continue  # nothing sits on the node itself
            item = {"key": row.key, "label": row.label, "indent": row.indent, **now.as_dict()}
            item["previous"] = then.previous_dict() if then.total else None
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
    return {
        "title": _("Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm %(year)s")
        % {"year": year},
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
                "organization": c.organization,
                "rule_set": rule_sets[c.rule_set_id][0],
            }
            for c in cycles[year]
        ],
        "previous_cycles": [c.pk for c in cycles[previous]],
        "rules": _rules(cycles[year], rule_sets),
        "coverage": {
            **coverage[year].as_dict(),
            "previous": coverage[previous].as_dict() if cycles[previous] else None,
        },
        **_labels(),
        "tables": tables,
    }


# The report's labels of levels and reasons by language: translating them took a twentieth of
# a province report's time.
_LABELS: dict[str, dict] = {}


def _labels() -> dict:
    language = get_language()
    found = _LABELS.get(language)
    if found is None:
        found = _LABELS[language] = {
            "levels": [{"code": code, "label": str(LEVEL_LABELS[code])} for code in LEVEL_CODES],
            "not_reviewed_reasons": {
                code: str(label) for code, label in NOT_REVIEWED_REASONS.items()
            },
            "not_classified_reasons": {
                code: str(label) for code, label in NOT_CLASSIFIED_REASONS.items()
            },
        }
    return {  # copies: a report is the caller's to change
        "levels": [dict(level) for level in found["levels"]],
        "not_reviewed_reasons": dict(found["not_reviewed_reasons"]),
        "not_classified_reasons": dict(found["not_classified_reasons"]),
    }


class Layout(NamedTuple):
    """The tables by category for the (kind, category, sub) present, and the table rows each of
    those counts in (``(table, row)`` keys)."""

    specs: list[TableSpec]
    targets: dict[tuple[str, str, str], list[tuple[str, str]]]


_LAYOUTS: dict[tuple, Layout] = {}
_LAYOUTS_KEPT = 64


def layout(present: frozenset[tuple[str, str, str]]) -> Layout:
    """``table_specs(present)`` and where each triple counts, memoised per process by what is
    present and the language (the labels): the tests run once per triple, not per report."""
    key = (present, get_language())
    found = _LAYOUTS.get(key)
    if found is None:
        specs = table_specs(present)
        targets = {
            triple: [
                (spec.key, row.key) for spec in specs for row in spec.rows if row.test(*triple, "")
            ]
            for triple in present
        }
        found = Layout(specs, targets)
        if len(_LAYOUTS) >= _LAYOUTS_KEPT:
            _LAYOUTS.clear()
        _LAYOUTS[key] = found
    return found


def _summed(counts: Counts, targets: dict, years) -> tuple[dict, dict]:
    """The ``Tally`` of every table row by ``(table, row, year)``, and the coverage by year."""
    tallies: dict[tuple[str, str, int], Tally] = {}
    coverage = {year: _CoverageTally() for year in years}
    rows_of: dict[tuple, list[Tally]] = {}  # (year, kind, category, sub): its rows' tallies
    for year, kind, category, sub, outcome, reason, linked, n in counts.categories:
        coverage[year].add(kind, outcome, linked, n)
        row_tallies = rows_of.get((year, kind, category, sub))
        if row_tallies is None:
            row_tallies = rows_of[(year, kind, category, sub)] = []
            for spec_key, row_key in targets[(kind, category, sub)]:
                row_tally = tallies.get((spec_key, row_key, year))
                if row_tally is None:
                    row_tally = tallies[(spec_key, row_key, year)] = Tally()
                row_tallies.append(row_tally)
        for row_tally in row_tallies:
            row_tally.add(outcome, reason, n)
    for year, kind, branch, outcome, reason, n in counts.units:
        key = (UNIT_TABLES[kind][0], branch, year)
        row_tally = tallies.get(key)
        if row_tally is None:
            row_tally = tallies[key] = Tally()
        row_tally.add(outcome, reason, n)
    for key, _title, of in UNIT_TABLES.values():  # the total row: the same reviews
        for year in years:
            if (of, "total", year) in tallies:
                tallies[(key, "total", year)] = tallies[(of, "total", year)]
    return tallies, coverage


def _rules(cycles: list[Cycle], rule_sets: dict[int, tuple[str, dict]]) -> dict | None:
    """The rule set named in the report and its excellent quota, when the cycles share one."""
    if not cycles:
        return None
    if len(rule_sets) != 1:
        return {"title": _("Nhiều bộ quy tắc"), "quota_percent": None, "quota_denominator": None}
    return dict(rule_sets[cycles[0].rule_set_id][1])


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
