"""The review tally (bảng đếm kết quả xếp loại): the count of reviews per cycle, branch of the
tree and the short keys the statistics report groups by, kept exact by the database.

Each review row is reduced to the keys of ``KEYS`` (kind, category, sub-category, outcome,
reason, linked) and counted under each of its ancestors' paths down to ``DEPTH`` (a province,
a district, a grassroots organization), ``own`` telling the rows that sit on that node itself.
The report for the country, a province or a district (and the scope of a user granted at one
of those depths) then sums a few hundred tally rows instead of millions of reviews
(``capuy/reports/xep_loai.py``).

On PostgreSQL statement-level ``AFTER INSERT/UPDATE/DELETE`` triggers on ``reviews_review``
keep it: each statement aggregates its transition tables (``NEW TABLE`` counted +1, ``OLD
TABLE`` −1) into groups and applies them with one ``INSERT … ON CONFLICT DO UPDATE``, then
removes the groups that fell to zero. So the bulk ``INSERT … SELECT``/``COPY`` that opens a
cycle, the Excel import's bulk ``UPDATE`` and the per-review services all keep it right, with
work per statement in the number of rows it touched plus the number of groups, never a
recount. A writer holds the row locks of the groups it changed until it commits (a statement
changing every member of a province waits for, and makes wait, the others writing there).

Everything is generated from this module: the key expressions (also used by the report's live
``GROUP BY``, so the two cannot differ), the trigger function and the set-based rebuild
``recount_review_tally``. Migration 0003 installs the function and triggers on PostgreSQL
(nothing on SQLite, where the report counts the rows live); changing ``KEYS`` or ``DEPTH``
needs a new migration that re-runs ``install_sql()`` and ``recount_review_tally()``.
"""

from __future__ import annotations

from django.db import connection, transaction

from capuy.organizations.choices import GRASSROOTS_KINDS
from capuy.organizations.models import Organization

from .choices import REVIEWED_STATUSES, ReviewStatus, SubjectKind

TABLE = "reviews_reviewtally"
REVIEW_TABLE = "reviews_review"
FUNCTION = "reviews_tally_apply"
STEP = Organization.steplen
# Tallied under the ancestors of depth 1..DEPTH (province, district, grassroots organization):
# reports of nodes down to depth DEPTH - 1 (and scopes granted down to DEPTH) read the tally;
# deeper ones (a grassroots organization, a cell: a few thousand rows) are counted live.
DEPTH = 3


def _q(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_q(v) for v in sorted(values)) + ")"


_REVIEWED = _in(REVIEWED_STATUSES)

# The group keys, each a short text computed from the row's own columns (``{t}``: the table's
# alias and a dot, or nothing). The one definition of the keys: the report's live GROUP BY and
# the tally's trigger and rebuild are all generated from it.
KEYS: dict[str, str] = {
    # kind of organization, chính thức / dự bị, or the post
    "category": (
        f"CASE WHEN {{t}}subject_kind = {_q(SubjectKind.MEMBER)} THEN {{t}}member_status"
        f" WHEN {{t}}subject_kind = {_q(SubjectKind.LEADER)} THEN {{t}}seat_role"
        " ELSE {t}org_kind END"
    ),
    # type of unit for grassroots organizations; the organization's kind for leaders
    "sub": (
        f"CASE WHEN {{t}}subject_kind = {_q(SubjectKind.ORGANIZATION)}"
        f" AND {{t}}org_kind IN {_in(GRASSROOTS_KINDS)} THEN {{t}}unit_type"
        f" WHEN {{t}}subject_kind = {_q(SubjectKind.LEADER)} THEN {{t}}org_kind"
        " ELSE '' END"
    ),
    # a level, or x exempt, p pending, n reviewed but not classified, u undecided
    "outcome": (
        f"CASE WHEN {{t}}status = {_q(ReviewStatus.EXEMPT)} THEN 'x'"
        f" WHEN {{t}}status = {_q(ReviewStatus.PENDING)} THEN 'p'"
        " WHEN NOT {t}classify THEN 'n'"
        " WHEN {t}decided_level <> '' THEN {t}decided_level"
        " ELSE 'u' END"
    ),
    "reason": (
        f"CASE WHEN {{t}}status = {_q(ReviewStatus.EXEMPT)}"
        f" OR ({{t}}status IN {_REVIEWED} AND NOT {{t}}classify) THEN {{t}}exemption"
        " ELSE '' END"
    ),
    "linked": (
        f"({{t}}status IN {_REVIEWED}"
        f" AND {{t}}subject_kind IN {_in([SubjectKind.MEMBER, SubjectKind.LEADER])}"
        " AND {t}manifestations_linked)"
    ),
}
# Outcome codes of KEYS["outcome"] besides the levels.
OUT_EXEMPT, OUT_PENDING, OUT_NOT_CLASSIFIED, OUT_UNDECIDED = "x", "p", "n", "u"

GROUP = ["subject_kind", *KEYS]  # the keys after the cycle and the path
UNIQUE = ["cycle_id", "depth", "prefix", "own", *GROUP]  # depth first: reads filter on it
COLUMNS = ["cycle_id", "depth", "prefix", "own", *GROUP, "n"]


def key_sql(name: str, alias: str = "") -> str:
    """The SQL of one key over the columns of ``alias`` (or unqualified)."""
    return KEYS[name].format(t=f"{alias}." if alias else "")


def _leaf_sql(sources: list[tuple[str, str]], where: str = "") -> str:
    """Rows of ``sources`` (``(table, sign)``) counted by cycle, path cut to ``DEPTH``, the
    row's own depth (``DEPTH + 1`` for deeper rows) and keys: one pass over the rows."""
    width = DEPTH * STEP
    parts = []
    for table, sign in sources:
        keys = ", ".join(f"{key_sql(k, 'r')} AS {k}" for k in KEYS)
        parts.append(
            f"SELECT r.cycle_id, substr(r.org_path, 1, {width}) AS leaf,"
            f" CASE WHEN length(r.org_path) > {width} THEN {DEPTH + 1}"
            f" ELSE length(r.org_path) / {STEP} END AS row_depth,"
            f" r.subject_kind, {keys}, {sign} AS n FROM {table} r{where}"
        )
    rows = " UNION ALL ".join(parts)
    group = ", ".join(["cycle_id", "leaf", "row_depth", *GROUP])
    return f"SELECT {group}, sum(n) AS n FROM ({rows}) s GROUP BY {group} HAVING sum(n) <> 0"


def _expanded_sql(leaf: str) -> str:
    """The leaf groups counted under each ancestor of depth 1..DEPTH."""
    depths = " UNION ALL ".join(f"SELECT {d} AS d" for d in range(1, DEPTH + 1))
    group = ", ".join(["l.cycle_id", "x.d", f"substr(l.leaf, 1, x.d * {STEP})", *GROUP])
    return (
        f"SELECT l.cycle_id, x.d AS depth, substr(l.leaf, 1, x.d * {STEP}) AS prefix,"
        f" l.row_depth = x.d AS own,"
        f" {', '.join(GROUP)}, sum(l.n) AS n"
        f" FROM ({leaf}) l JOIN ({depths}) x ON l.row_depth >= x.d"
        f" GROUP BY {group}, l.row_depth = x.d"
    )


def _upsert_sql(leaf: str) -> str:
    cols = ", ".join(COLUMNS)
    keys = ", ".join(UNIQUE)
    return (
        f"INSERT INTO {TABLE} AS t ({cols}) SELECT {cols} FROM ({_expanded_sql(leaf)}) e"
        f" WHERE n <> 0 ORDER BY {keys}"
        f" ON CONFLICT ({keys}) DO UPDATE SET n = t.n + EXCLUDED.n"
    )


def function_sql() -> str:
    """The trigger function: apply a statement's transition tables to the tally."""
    insert = _upsert_sql(_leaf_sql([("new_rows", "1")]))
    update = _upsert_sql(_leaf_sql([("new_rows", "1"), ("old_rows", "-1")]))
    delete = _upsert_sql(_leaf_sql([("old_rows", "-1")]))
    prune = f"DELETE FROM {TABLE} WHERE id = ANY(zero) AND n = 0;"
    return f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    zero bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        {insert};
    ELSIF TG_OP = 'UPDATE' THEN
        WITH applied AS ({update} RETURNING t.id, t.n)
        SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM applied;
        {prune}
    ELSIF TG_OP = 'DELETE' THEN
        WITH applied AS ({delete} RETURNING t.id, t.n)
        SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM applied;
        {prune}
    ELSE
        DELETE FROM {TABLE};
    END IF;
    RETURN NULL;
END
$f$;"""


TRIGGERS = {
    "reviews_tally_insert": "AFTER INSERT ON {r} REFERENCING NEW TABLE AS new_rows",
    "reviews_tally_update": (
        "AFTER UPDATE ON {r} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    ),
    "reviews_tally_delete": "AFTER DELETE ON {r} REFERENCING OLD TABLE AS old_rows",
    "reviews_tally_truncate": "AFTER TRUNCATE ON {r}",
}


def install_sql() -> list[str]:
    """Statements creating (or replacing) the function and the triggers (PostgreSQL)."""
    statements = [function_sql()]
    for name, when in TRIGGERS.items():
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {REVIEW_TABLE}")
        statements.append(
            f"CREATE TRIGGER {name} {when.format(r=REVIEW_TABLE)}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
    return statements


def uninstall_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name} ON {REVIEW_TABLE}" for name in TRIGGERS] + [
        f"DROP FUNCTION IF EXISTS {FUNCTION}()"
    ]


def install(cursor) -> None:
    for statement in install_sql():
        cursor.execute(statement)


def recount_sql(cycle_id: int | None = None) -> tuple[list[str], list]:
    """The rebuild from the rows (set-based, any database)."""
    where, params = (" WHERE r.cycle_id = %s", [cycle_id]) if cycle_id is not None else ("", [])
    delete = f"DELETE FROM {TABLE}" + (" WHERE cycle_id = %s" if cycle_id is not None else "")
    cols = ", ".join(COLUMNS)
    insert = (
        f"INSERT INTO {TABLE} ({cols}) SELECT {cols} FROM"
        f" ({_expanded_sql(_leaf_sql([(REVIEW_TABLE, '1')], where))}) e WHERE n <> 0"
    )
    return [delete, insert], params


def recount_review_tally(cycle=None) -> int:
    """Rebuild the tally of ``cycle`` (a cycle or its id; ``None``: every cycle) from the
    review rows, for repair or after changing the keys. Returns the number of tally rows."""
    cycle_id = getattr(cycle, "pk", cycle)
    (delete, insert), params = recount_sql(cycle_id)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the rebuild owns the cycle's tally meanwhile: writers wait, nothing is lost
            cursor.execute(f"LOCK TABLE {REVIEW_TABLE} IN SHARE MODE")
        cursor.execute(delete, params)
        cursor.execute(insert, params)
        return cursor.rowcount


def triggers_installed() -> bool:
    """Whether the database keeps the tally (PostgreSQL with migration 0003 applied)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = ANY(%s)",
            [REVIEW_TABLE, list(TRIGGERS)],
        )
        return cursor.fetchone()[0] == len(TRIGGERS)
