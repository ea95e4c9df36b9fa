"""The review tally (bảng đếm kết quả xếp loại): the count of reviews per cycle, branch of the
tree and the short keys the statistics report groups by, kept exact by the database.

Each review row is reduced to the keys of ``KEYS`` (kind, category, sub-category, outcome,
reason, linked) and ``COVERAGE_KEYS`` (deciding level, decided) and counted under each of its
ancestors' paths down to ``DEPTH`` (a province, a district, a grassroots organization),
``own`` telling the rows that sit on that node itself. The report for the country, a province
or a district (and the scope of a user granted at one of those depths) then sums a few
hundred tally rows instead of millions of reviews (``capuy/reports/xep_loai.py``), and so does
the cycle page's coverage per branch and per deciding level (``selectors.cycle_coverage``,
``coverage_by_level``); ``tally_plan`` says which rows make up what a user sees under a node.

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
(nothing on SQLite, where the report counts the rows live), 0011 replaces them with the
coverage's keys added; changing the keys or ``DEPTH`` needs a new migration that adds the
columns, re-runs ``install_sql()`` and rebuilds (see 0011), and the earlier migrations keep
calling these functions with the keys of their time (``KEYS_0003``).
"""

from __future__ import annotations

from django.db import connection, transaction

from capuy.core.scoping import VIEW, scope_paths
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

# The coverage's keys besides those (the cycle page: required / reviewed / decided / exempt per
# branch and per deciding level): who decides, and whether decided — the outcome alone does
# not tell a decided review that is not classified (``n``) from an undecided one.
COVERAGE_KEYS: dict[str, str] = {
    "decision_level": "{t}decision_level",
    "decided": f"({{t}}status = {_q(ReviewStatus.DECIDED)})",
}
TALLIED = {**KEYS, **COVERAGE_KEYS}  # what the tally counts by
BOOLEAN_KEYS = ("linked", "decided")


def _group(keys=None) -> list[str]:
    """The group columns after the cycle and the path: the kind, then ``keys`` (the tally's
    unless a migration names those of its time)."""
    return ["subject_kind", *(TALLIED if keys is None else keys)]


REPORT_GROUP = _group(KEYS)  # the report's
GROUP = _group()  # the tally's
# The keys as migration 0003 created the tally, before migration 0011 added the coverage's
# (changing KEYS later: copy their old definitions here, for 0003).
KEYS_0003 = dict(KEYS)


def key_sql(name: str, alias: str = "") -> str:
    """The SQL of one key over the columns of ``alias`` (or unqualified)."""
    return TALLIED[name].format(t=f"{alias}." if alias else "")


def _leaf_sql(sources: list[tuple[str, str]], where: str = "", keys=None) -> str:
    """Rows of ``sources`` (``(table, sign)``) counted by cycle, path cut to ``DEPTH``, the
    row's own depth (``DEPTH + 1`` for deeper rows) and keys: one pass over the rows."""
    keys = TALLIED if keys is None else keys
    group = _group(keys)
    width = DEPTH * STEP
    parts = []
    for table, sign in sources:
        columns = ", ".join(f"{sql.format(t='r.')} AS {k}" for k, sql in keys.items())
        parts.append(
            f"SELECT r.cycle_id, substr(r.org_path, 1, {width}) AS leaf,"
            f" CASE WHEN length(r.org_path) > {width} THEN {DEPTH + 1}"
            f" ELSE length(r.org_path) / {STEP} END AS row_depth,"
            f" r.subject_kind, {columns}, {sign} AS n FROM {table} r{where}"
        )
    rows = " UNION ALL ".join(parts)
    by = ", ".join(["cycle_id", "leaf", "row_depth", *group])
    return f"SELECT {by}, sum(n) AS n FROM ({rows}) s GROUP BY {by} HAVING sum(n) <> 0"


def _expanded_sql(leaf: str, keys=None) -> str:
    """The leaf groups counted under each ancestor of depth 1..DEPTH."""
    group = _group(keys)
    depths = " UNION ALL ".join(f"SELECT {d} AS d" for d in range(1, DEPTH + 1))
    by = ", ".join(["l.cycle_id", "x.d", f"substr(l.leaf, 1, x.d * {STEP})", *group])
    return (
        f"SELECT l.cycle_id, x.d AS depth, substr(l.leaf, 1, x.d * {STEP}) AS prefix,"
        f" l.row_depth = x.d AS own,"
        f" {', '.join(group)}, sum(l.n) AS n"
        f" FROM ({leaf}) l JOIN ({depths}) x ON l.row_depth >= x.d"
        f" GROUP BY {by}, l.row_depth = x.d"
    )


def _columns(keys=None) -> list[str]:
    """The tally's columns: its unique key (depth first: reads filter on it), then ``n``."""
    return ["cycle_id", "depth", "prefix", "own", *_group(keys), "n"]


def _upsert_sql(leaf: str, keys=None) -> str:
    columns = _columns(keys)
    cols = ", ".join(columns)
    unique = ", ".join(columns[:-1])
    return (
        f"INSERT INTO {TABLE} AS t ({cols}) SELECT {cols} FROM ({_expanded_sql(leaf, keys)}) e"
        f" WHERE n <> 0 ORDER BY {unique}"
        f" ON CONFLICT ({unique}) DO UPDATE SET n = t.n + EXCLUDED.n"
    )


def function_sql(keys=None) -> str:
    """The trigger function: apply a statement's transition tables to the tally (``keys``:
    the keys it counts by, ``TALLIED`` unless a migration names those of its time)."""
    insert = _upsert_sql(_leaf_sql([("new_rows", "1")], keys=keys), keys)
    update = _upsert_sql(_leaf_sql([("new_rows", "1"), ("old_rows", "-1")], keys=keys), keys)
    delete = _upsert_sql(_leaf_sql([("old_rows", "-1")], keys=keys), keys)
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


def install_sql(keys=None) -> list[str]:
    """Statements creating (or replacing) the function and the triggers (PostgreSQL)."""
    statements = [function_sql(keys)]
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


def install(cursor, keys=None) -> None:
    for statement in install_sql(keys):
        cursor.execute(statement)


def recount_sql(cycle_id: int | None = None, keys=None) -> tuple[list[str], list]:
    """The rebuild from the rows (set-based, any database)."""
    where, params = (" WHERE r.cycle_id = %s", [cycle_id]) if cycle_id is not None else ("", [])
    delete = f"DELETE FROM {TABLE}" + (" WHERE cycle_id = %s" if cycle_id is not None else "")
    cols = ", ".join(_columns(keys))
    leaf = _leaf_sql([(REVIEW_TABLE, "1")], where, keys)
    insert = (
        f"INSERT INTO {TABLE} ({cols}) SELECT {cols} FROM"
        f" ({_expanded_sql(leaf, keys)}) e WHERE n <> 0"
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


# --- reading it ------------------------------------------------------------------------------

CHILDREN, NODE, OWN = "children", "node", "own"


def tally_plan(user, org) -> list[tuple[str, str, int]] | None:
    """The tally rows that make up what ``user`` (``None``: anyone) sees under ``org``
    (``None``: every root),
    as ``(how, path, branch length)`` regions: ``children``, the rows of the descendants of
    ``path`` at the branch's depth (the branch is their prefix); ``node``, the rows of
    ``path`` (the branch is ``path`` cut to the length); ``own``, the rows on ``path`` itself.
    ``None`` when the tally is not deep enough (a grassroots organization or a cell, or a
    grant on one: a few thousand rows, counted live).

    The regions cover exactly the node's subtree (or the user's grants under it), each row
    under the unit (the child of ``org``) its path names: the statistics report's groups and
    the cycle page's coverage read them."""
    paths = None if user is None else scope_paths(user, VIEW)  # None: everything
    if org is not None:
        width = len(org.path) + STEP
        if paths is None or any(org.path.startswith(p) for p in paths):
            plan = [(CHILDREN, org.path, width), (OWN, org.path, len(org.path))]
        else:  # grants strictly below the node: each lies under one of its children
            plan = [(NODE, p, width) for p in paths if p.startswith(org.path)]
    elif paths is None:
        plan = [(CHILDREN, "", STEP)]
    else:
        plan = [(NODE, p, len(p)) for p in paths]
    deepest = max((width if how == CHILDREN else len(path) for how, path, width in plan), default=0)
    return plan if deepest <= DEPTH * STEP else None


def regions_sql(plan) -> tuple[str, list]:
    """The ``WHERE`` test of the tally rows of ``plan`` (``FALSE`` for none), with params."""
    regions, params = [], []
    for how, path, width in plan:
        if how == CHILDREN:
            test, args = "depth = %s", [width // STEP]
            if path:
                # a path is digits and capitals (treebeard's alphabet): nothing to escape
                test, args = f"{test} AND prefix LIKE %s", [*args, f"{path}%"]
        else:  # the depth too, so that the index's (cycle_id, depth, prefix) serves every part
            test, args = "depth = %s AND prefix = %s", [len(path) // STEP, path]
            if how == OWN:
                test += " AND own"
        regions.append(f"({test})")
        params += args
    return (f"({' OR '.join(regions)})" if regions else "FALSE"), params


# how ``coverage_rows`` sums a tally row for the coverage: exempt, not reviewed, reviewed and
# decided, reviewed and not (yet) decided
COVER_EXEMPT, COVER_PENDING, COVER_DECIDED, COVER_REVIEWED = "x", "p", "d", "r"


def coverage_rows(cycle_id: int, plan, width: int, *, by_level: bool = False) -> list[tuple]:
    """The cycle's tally rows of ``plan`` summed as the coverage counts them: ``(key, kind,
    state, n)``, the key being the deciding level (``by_level``) or the row's prefix cut to
    ``width`` (its branch), the state one of ``COVER_*``. Summed here rather than in Python: a
    district's ~850 groups come back as ~250 rows."""
    where, params = regions_sql(plan)
    key = "decision_level" if by_level else "substr(prefix, 1, %s)"
    sql = (
        f"SELECT {key} AS key, subject_kind, CASE WHEN outcome = '{OUT_EXEMPT}' THEN"
        f" '{COVER_EXEMPT}' WHEN outcome = '{OUT_PENDING}' THEN '{COVER_PENDING}' WHEN decided"
        f" THEN '{COVER_DECIDED}' ELSE '{COVER_REVIEWED}' END AS state,"
        f" CAST(SUM(n) AS BIGINT) FROM {TABLE}"
        f" WHERE cycle_id = %s AND n > 0 AND {where} GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*([] if by_level else [width]), cycle_id, *params])
        return cursor.fetchall()


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
