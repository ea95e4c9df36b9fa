"""Who must be reviewed in a cycle, computed set-based (one ``INSERT … SELECT`` per kind).

The organizations of the scope valid at the end of the period are read once (a few hundred
thousand rows nationally) and their per-organization facts — where the subject sits, who
decides, at which level, in which quota group, whether a new organization is exempt — are
computed in Python and written to a temporary table. Then four statements insert the
subjects: organizations, party members (5.6 million nationally: one statement joining members
to that table, never a query per row), leader collectives and individual leaders' posts. The
same SQL runs on PostgreSQL and SQLite; only the temporary table is filled differently
(``COPY`` on PostgreSQL, batched ``executemany`` on SQLite).

A national cycle takes a minute or two, so the cycle-open page runs it as a background job
(capuy/reviews/tasks.py): ``reporting`` lets the job hear each step as it ends, and
``check_opening`` runs every check of ``services.cycle_open`` up front, so the form still shows
its errors before the job starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils.translation import ngettext

from capuy.organizations.choices import OrgKind, level_of_kind
from capuy.organizations.models import Organization

from .choices import Exemption, ExemptionEffect, ReviewStatus, SubjectKind
from .models import Review, ReviewCycle
from .rules import Rules, quota_group_key

GRASSROOTS = {OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO}
# Who decides a party member's level: the grassroots organization, or the đảng bộ bộ phận for
# its cells (domain.md §5.2).
MEMBER_DECIDERS = {OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO, OrgKind.DANG_BO_BO_PHAN}
ROLE_ORDER = ["bi_thu", "pho_bi_thu_thuong_truc", "pho_bi_thu", "uy_vien_btv", "uy_vien_bch"]

TEMP = "reviews_open_orgmap"
COLUMNS = [
    ("org_id", "bigint"),
    ("org_path", "text"),
    ("org_kind", "text"),
    ("unit_type", "text"),
    ("is_subject", "boolean"),
    ("org_competent", "text"),
    ("org_level", "text"),
    ("org_group", "text"),
    ("org_status", "text"),
    ("org_exemption", "text"),
    ("org_note", "text"),
    ("org_classify", "boolean"),
    ("member_competent", "text"),
    ("member_level", "text"),
    ("member_group", "text"),
    ("coll_group", "text"),
    ("leader_ok", "boolean"),
    ("leader_group", "text"),
]


@dataclass
class OpenedCounts:
    organization: int = 0
    member: int = 0
    collective: int = 0
    leader: int = 0

    @property
    def total(self) -> int:
        return self.organization + self.member + self.collective + self.leader


# Who hears the steps of ``populate`` (the background job's progress), and whether it should
# stop before writing (``check_opening``). Context variables, so that ``services.cycle_open``
# keeps one signature for the page, the API, the job and the demo.
_listener: ContextVar[Callable[[str, OpenedCounts], None] | None] = ContextVar(
    "reviews_opening_listener", default=None
)
_checking_only: ContextVar[bool] = ContextVar("reviews_opening_checking_only", default=False)

STEPS = ("organizations_read", "organization", "member", "collective", "leader")


@contextmanager
def reporting(listener: Callable[[str, OpenedCounts], None]) -> Iterator[None]:
    """Call ``listener(step, counts_so_far)`` after each step of ``populate`` (see STEPS)."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def _report(step: str, counts: OpenedCounts) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(step, counts)


class _Checked(Exception):
    """Raised inside ``check_opening`` to roll the trial opening back."""


def check_opening(**arguments) -> None:
    """Run every check of ``services.cycle_open(**arguments)`` — scope, rule set and year,
    period, one cycle per scope and period — and write nothing: its ``ValidationError`` or
    ``PermissionDenied`` propagates, success returns ``None``. The trial cycle row is saved
    and rolled back with its savepoint; no subject is inserted."""
    from .services import cycle_open

    token = _checking_only.set(True)
    try:
        with transaction.atomic():
            cycle_open(**arguments)
            raise _Checked
    except _Checked:
        pass
    finally:
        _checking_only.reset(token)


def months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _decision_level(kind: str) -> str:
    return str(level_of_kind(kind))


def _org_facts(cycle: ReviewCycle, rules: Rules) -> list[tuple]:
    """One row per organization of the scope valid at the period's end (see COLUMNS)."""
    root = cycle.organization
    end = cycle.period_end
    subjects = rules.subjects
    org_kinds = set(subjects.get("organization_kinds", []))
    leader_kinds = set(subjects.get("leader_org_kinds", []))
    grouping = rules.quota_grouping
    new_org = rules.exemptions.get(Exemption.MOI_THANH_LAP)
    new_org_cutoff = months_before(end, new_org.months or 6) if new_org else None

    kinds: dict[str, str] = dict(
        Organization.objects.filter(path__in=root.ancestor_paths()).values_list("path", "kind")
    )
    rows = (
        Organization.objects.filter(path__startswith=root.path)
        .valid_on(end)
        .order_by("path")
        .values_list("pk", "path", "kind", "unit_type", "established_on")
        .iterator(chunk_size=10_000)
    )
    facts = []
    for pk, path, kind, unit_type, established_on in rows:
        kinds[path] = kind
        parent = path[:-4] if path != root.path else path
        if parent not in kinds:  # an orphan of a dissolved parent: decided at the scope root
            parent = root.path
        level_of_parent = _decision_level(kinds[parent])
        ancestors = [path[:end_] for end_ in range(len(path), 0, -4)]
        grassroots = next((p for p in ancestors if kinds.get(p) in GRASSROOTS), "")
        member_decider = next((p for p in ancestors if kinds.get(p) in MEMBER_DECIDERS), parent)

        status, exemption, note, classify = ReviewStatus.PENDING, "", "", True
        if new_org_cutoff and established_on and established_on > new_org_cutoff:
            exemption = Exemption.MOI_THANH_LAP
            months = new_org.months or 6
            note = ngettext(
                "Thành lập ngày %(day)s, chưa đủ %(n)s tháng",
                "Thành lập ngày %(day)s, chưa đủ %(n)s tháng",
                months,
            ) % {"day": f"{established_on:%d/%m/%Y}", "n": months}
            classify = False
            if new_org.effect == ExemptionEffect.NOT_REVIEWED:
                status = ReviewStatus.EXEMPT
        facts.append(
            (
                pk,
                path,
                kind,
                unit_type,
                kind in org_kinds and path != root.path,
                parent,
                level_of_parent,
                quota_group_key(
                    grouping,
                    SubjectKind.ORGANIZATION,
                    competent_path=parent,
                    org_kind=kind,
                    unit_type=unit_type,
                ),
                status,
                exemption,
                note,
                classify,
                member_decider,
                _decision_level(kinds[member_decider]),
                quota_group_key(
                    grouping,
                    SubjectKind.MEMBER,
                    competent_path=member_decider,
                    grassroots_path=grassroots,
                ),
                quota_group_key(
                    grouping, SubjectKind.COLLECTIVE, competent_path=parent, org_kind=kind
                ),
                kind in leader_kinds,
                quota_group_key(grouping, SubjectKind.LEADER, competent_path=parent),
            )
        )
    return facts


def _fill_temp(cursor, facts: list[tuple]) -> None:
    vendor = connection.vendor
    columns = ", ".join(f"{name} {type_}" for name, type_ in COLUMNS)
    schema = "pg_temp" if vendor == "postgresql" else "temp"
    cursor.execute(f"DROP TABLE IF EXISTS {schema}.{TEMP}")
    if vendor == "postgresql":
        cursor.execute(f"CREATE TEMP TABLE {TEMP} ({columns}) ON COMMIT DROP")
        raw = cursor.cursor
        if hasattr(raw, "copy"):  # psycopg 3: COPY (a 250.000-row array literal took ~15 s)
            names = ", ".join(name for name, _ in COLUMNS)
            with raw.copy(f"COPY {TEMP} ({names}) FROM STDIN") as copy:
                for row in facts:
                    copy.write_row(row)
        else:
            arrays = [list(c) for c in zip(*facts, strict=True)] if facts else [[]] * len(COLUMNS)
            casts = ", ".join(f"%s::{type_}[]" for _, type_ in COLUMNS)
            cursor.execute(f"INSERT INTO {TEMP} SELECT * FROM unnest({casts})", arrays)
    else:
        cursor.execute(f"CREATE TEMP TABLE {TEMP} ({columns})")
        marks = ", ".join(["%s"] * len(COLUMNS))
        for start in range(0, len(facts), 5_000):
            cursor.executemany(f"INSERT INTO {TEMP} VALUES ({marks})", facts[start : start + 5_000])
    cursor.execute(f"CREATE INDEX {TEMP}_org ON {TEMP} (org_id)")
    if vendor == "postgresql":
        cursor.execute(f"ANALYZE {TEMP}")


def _insert(cursor, columns: list[str], select: str, params: list) -> int:
    table = Review._meta.db_table
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {select}", params)
    return cursor.rowcount


def _t(model_label: str) -> str:
    from django.apps import apps

    return apps.get_model(model_label)._meta.db_table


# Inserts ask for this much of a page free (PostgreSQL), so that a new cycle's rows fill fresh
# pages and leave 60 % of each for the year's updates: see _pages_of_its_own.
OPENING_FILLFACTOR = 40


@contextmanager
def _pages_of_its_own(cursor) -> Iterator[None]:
    """On PostgreSQL: the new cycle's reviews written together, on pages of their own.

    The table is half-filled (fillfactor 50, migration 0006) and an insert takes any page the
    free-space map offers with its row plus that half free. Earlier cycles' pages keep up to
    a row's worth above the half (more where rows were deleted, or inserted larger), so a new
    cycle's rows would land one per page across every earlier cycle: each later import or
    page step then dirties one page per review (a full-page image in the WAL each), 19 times
    as many pages as the same rows together. Asking 60 % free while inserting turns those
    pages down; the setting is put back before the transaction ends, so no other session
    ever sees it (the lock it takes, SHARE UPDATE EXCLUSIVE, lets reads and writes go on and
    holds vacuums and other openings back until the commit)."""
    if connection.vendor != "postgresql":
        yield
        return
    table = connection.ops.quote_name(Review._meta.db_table)
    cursor.execute(
        "SELECT option_value::int FROM pg_class, pg_options_to_table(reloptions) "
        "WHERE oid = %s::regclass AND option_name = 'fillfactor'",
        [Review._meta.db_table],
    )
    row = cursor.fetchone()
    cursor.execute(f"ALTER TABLE {table} SET (fillfactor = {OPENING_FILLFACTOR})")
    yield  # on an error, the opening's rollback undoes the setting with the rest
    if row is None:
        cursor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    else:
        cursor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(row[0])})")


def populate(cycle: ReviewCycle, rules: Rules) -> OpenedCounts:
    """Insert every subject of ``cycle``. Call inside the opening transaction."""
    counts = OpenedCounts()
    if _checking_only.get():
        return counts
    facts = _org_facts(cycle, rules)
    _report("organizations_read", counts)
    end = cycle.period_end
    members, transfers = _t("members.Member"), _t("members.MemberTransfer")
    committees, terms, seats = (
        _t("committees.Committee"),
        _t("committees.Term"),
        _t("committees.Seat"),
    )
    subjects = rules.subjects
    similar = rules.quota_grouping == "similar_role"

    with connection.cursor() as cursor, _pages_of_its_own(cursor):
        _fill_temp(cursor, facts)

        counts.organization = _insert(
            cursor,
            [
                "cycle_id",
                "subject_kind",
                "organization_id",
                "org_path",
                "competent_path",
                "decision_level",
                "quota_group",
                "unit_type",
                "org_kind",
                "status",
                "exemption",
                "exemption_note",
                "classify",
            ],
            f"SELECT %s, %s, org_id, org_path, org_competent, org_level, org_group, unit_type, "
            f"org_kind, org_status, org_exemption, org_note, org_classify FROM {TEMP} "
            f"WHERE is_subject",
            [cycle.pk, SubjectKind.ORGANIZATION],
        )
        _report("organization", counts)

        # Party members: the cell they belonged to at the period's end (their current cell,
        # unless a later transfer moved them: then the cell that transfer left).
        new_member = rules.exemptions.get(Exemption.MOI_KET_NAP)
        cutoff = months_before(end, new_member.months or 6) if new_member else date(1, 1, 1)
        new_status = (
            ReviewStatus.EXEMPT
            if new_member and new_member.effect == ExemptionEffect.NOT_REVIEWED
            else ReviewStatus.PENDING
        )
        months = (new_member.months or 6) if new_member else 6
        new_note = ngettext(
            "Kết nạp chưa đủ %(n)s tháng tính đến %(day)s",
            "Kết nạp chưa đủ %(n)s tháng tính đến %(day)s",
            months,
        ) % {"n": months, "day": f"{end:%d/%m/%Y}"}
        counts.member = _insert(
            cursor,
            [
                "cycle_id",
                "subject_kind",
                "organization_id",
                "member_id",
                "org_path",
                "competent_path",
                "decision_level",
                "quota_group",
                "member_status",
                "unit_type",
                "org_kind",
                "status",
                "exemption",
                "exemption_note",
                "classify",
            ],
            f"""
            SELECT %s, %s, om.org_id, m.id, om.org_path, om.member_competent, om.member_level,
                   om.member_group,
                   CASE WHEN m.official_on IS NOT NULL AND m.official_on <= %s
                        THEN 'chinh_thuc' ELSE 'du_bi' END,
                   om.unit_type, om.org_kind,
                   CASE WHEN m.admitted_on > %s THEN %s ELSE %s END,
                   CASE WHEN m.admitted_on > %s THEN %s ELSE '' END,
                   CASE WHEN m.admitted_on > %s THEN %s ELSE '' END,
                   CASE WHEN m.admitted_on > %s THEN %s ELSE %s END
            FROM {members} m
            LEFT JOIN (
                SELECT member_id, from_cell_id FROM (
                    SELECT member_id, from_cell_id,
                           ROW_NUMBER() OVER (PARTITION BY member_id
                                              ORDER BY transferred_on, id) AS rn
                    FROM {transfers} WHERE transferred_on > %s
                ) later WHERE rn = 1
            ) t ON t.member_id = m.id
            JOIN {TEMP} om ON om.org_id = COALESCE(t.from_cell_id, m.cell_id)
            WHERE m.admitted_on <= %s
            """,
            [
                cycle.pk,
                SubjectKind.MEMBER,
                end,
                cutoff,
                new_status,
                ReviewStatus.PENDING,
                cutoff,
                Exemption.MOI_KET_NAP if new_member else "",
                cutoff,
                new_note,
                cutoff,
                False,
                True,
                end,
                end,
            ],
        )
        _report("member", counts)

        # Leader collectives: the BTV of each organization's term valid at the period's end,
        # or its BCH where there is no BTV.
        only_btv = subjects.get("collective", "btv_else_bch") == "btv_else_bch"
        counts.collective = _insert(
            cursor,
            [
                "cycle_id",
                "subject_kind",
                "organization_id",
                "committee_id",
                "org_path",
                "competent_path",
                "decision_level",
                "quota_group",
                "unit_type",
                "org_kind",
            ],
            f"""
            SELECT %s, %s, om.org_id, c.id, om.org_path, om.org_competent, om.org_level,
                   om.coll_group, om.unit_type, om.org_kind
            FROM {committees} c
            JOIN {terms} t ON t.id = c.term_id
            JOIN {TEMP} om ON om.org_id = t.organization_id
            WHERE t.start_on <= %s AND (t.end_on IS NULL OR t.end_on >= %s)
              AND (c.kind = 'btv' OR NOT %s OR NOT EXISTS (
                    SELECT 1 FROM {committees} c2 WHERE c2.term_id = c.term_id AND c2.kind = 'btv'))
            """,
            [cycle.pk, SubjectKind.COLLECTIVE, end, end, only_btv],
        )
        _report("collective", counts)

        # Individual leaders: one review per person and organization (a BTV member also holds
        # a BCH seat of the same committee: that is one post), the most senior seat named.
        roles = [r for r in ROLE_ORDER if r in subjects.get("leader_roles", ROLE_ORDER)]
        if roles:
            role_marks = ", ".join(["%s"] * len(roles))
            rank = " ".join(f"WHEN %s THEN {i}" for i in range(len(roles)))
            counts.leader = _insert(
                cursor,
                [
                    "cycle_id",
                    "subject_kind",
                    "organization_id",
                    "member_id",
                    "seat_id",
                    "org_path",
                    "competent_path",
                    "decision_level",
                    "quota_group",
                    "seat_role",
                    "unit_type",
                    "org_kind",
                ],
                f"""
                SELECT %s, %s, om.org_id, s.member_id, s.id, om.org_path, om.org_competent,
                       om.org_level,
                       CASE WHEN %s THEN om.leader_group || ':' || s.role ELSE om.leader_group END,
                       s.role, om.unit_type, om.org_kind
                FROM (
                    SELECT s.id, s.member_id, s.role, t.organization_id AS org_id,
                           ROW_NUMBER() OVER (PARTITION BY s.member_id, t.organization_id
                                              ORDER BY CASE s.role {rank} END, s.id) AS rn
                    FROM {seats} s
                    JOIN {committees} c ON c.id = s.committee_id
                    JOIN {terms} t ON t.id = c.term_id
                    WHERE s.start_on <= %s AND (s.end_on IS NULL OR s.end_on >= %s)
                      AND s.role IN ({role_marks})
                ) s
                JOIN {TEMP} om ON om.org_id = s.org_id AND om.leader_ok
                WHERE s.rn = 1
                """,
                [cycle.pk, SubjectKind.LEADER, similar, *roles, end, end, *roles],
            )
        _report("leader", counts)
        schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
        cursor.execute(f"DROP TABLE IF EXISTS {schema}.{TEMP}")
    return counts
