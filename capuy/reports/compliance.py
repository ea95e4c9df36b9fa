"""Compliance with the attendance regulation: each upper-level committee member's attendances in
a year against the quota of the regulation in force, computed in the database.

A *leader row* is one (member, level) pair: a member who held a seat of that level (tỉnh,
huyện, xã) at some time in the year on a committee inside the chosen organization. Each row
carries the quota of that level under the deepest regulation covering the seat's organization
(``AttendanceRule`` in force on the period's reference date), and the member's attendances in
the year: all of them, whichever seat each was recorded under, since one person attends one
meeting once. A member with seats at two levels is judged at both.

Status: *met* (attendances ≥ quota), *on track* (the year is running and attendances ≥ the
quota pro rata of the days gone by), *behind* otherwise. Rows without a regulation are
*no quota*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Case, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from capuy.committees.models import Seat
from capuy.core.scoping import VIEW
from capuy.meetings.choices import AttendanceStatus, Confirmation
from capuy.meetings.models import Attendance, AttendanceRule
from capuy.members.models import Member

from .periods import LEVEL_KINDS, UPPER_LEVELS, Period

MET, ON_TRACK, BEHIND, NO_QUOTA = "met", "on_track", "behind", "no_quota"
STATUS_LABELS = {
    MET: _("Đạt định mức"),
    ON_TRACK: _("Đúng tiến độ"),
    BEHIND: _("Chưa đạt"),
    NO_QUOTA: _("Chưa có định mức"),
}
SEAT_PATH = "committee__term__organization__path"
SEAT_KIND = "committee__term__organization__kind"


@dataclass(frozen=True)
class QuotaRule:
    """A regulation in force, as the computations need it."""

    path: str  # of the organization it applies to (and its subtree)
    number: str
    quotas: dict  # level -> min attendances
    title: str = ""
    issued_on: date | None = None
    issuing_body: str = ""


def rules_for(org, period: Period) -> list[QuotaRule]:
    """Regulations in force on the period's reference date that may govern seats under
    ``org`` (its ancestors' and its descendants'), deepest first; the newest one of an
    organization when several are. One query. Not scoped: which regulation governs an
    organization does not depend on who asks."""
    on = period.on
    rules = AttendanceRule.objects.filter(effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    if org is not None:
        rules = rules.filter(
            Q(organization__path__in=org.ancestor_paths())
            | Q(organization__path__startswith=org.path)
        )
    rows = rules.order_by("-organization__depth", "-effective_from", "-id").values_list(
        "pk",
        "organization__path",
        "number",
        "title",
        "issued_on",
        "issuing_body",
        "quotas__level",
        "quotas__min_attendances",
    )
    found: dict[str, QuotaRule] = {}
    chosen: dict[str, int] = {}
    for pk, path, number, title, issued_on, body, level, minimum in rows:
        if path not in found:
            found[path] = QuotaRule(path, number, {}, title, issued_on, body)
            chosen[path] = pk
        if chosen[path] == pk and level is not None:
            found[path].quotas[level] = minimum
    return sorted(found.values(), key=lambda r: -len(r.path))


def rule_covering(rules: list[QuotaRule], path: str) -> QuotaRule | None:
    """The deepest of ``rules`` applying to the organization at ``path`` (its own or an
    ancestor's)."""
    return next((rule for rule in rules if path.startswith(rule.path)), None)


def quota_expression(rules: list[QuotaRule], level: str, path_field: str = SEAT_PATH):
    """The quota of ``level`` for a row whose organization path is ``path_field``: the deepest
    rule covering it wins. ``None`` when no rule covers it."""
    whens = [
        When(**{f"{path_field}__startswith": rule.path}, then=Value(rule.quotas[level]))
        for rule in rules
        if level in rule.quotas
    ]
    if not whens:
        # A bare NULL is typed text on PostgreSQL; the cast keeps comparisons numeric.
        return Cast(Value(None), IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def level_expression():
    return Case(
        *[When(**{SEAT_KIND: kind}, then=Value(level)) for level, kind in LEVEL_KINDS.items()],
        default=Value(""),
    )


def counted_attendances(period: Period, *, confirmed_only: bool = False) -> QuerySet:
    return Attendance.objects.counted(confirmed_only=confirmed_only).filter(
        date__gte=period.start, date__lte=period.end
    )


def leader_base(
    user,
    period: Period,
    *,
    org=None,
    level: str | None = None,
    member_id: int | None = None,
    rules: list[QuotaRule] | None = None,
) -> QuerySet:
    """One row per (member, level) with the level's ``quota`` and the committee's organization
    (``seat_org_id``), from seats held at some time in the period that the user may see.

    With ``member_id`` the rows are that member's own, whatever the user's scope ("Của tôi":
    the caller passes the signed-in user's own member).
    """
    rules = rules_for(org, period) if rules is None else rules
    levels = [level] if level else list(UPPER_LEVELS)
    from .grassroots import within_scope

    if member_id is not None:
        base = Seat.objects.filter(member_id=member_id)
    elif org is not None and within_scope(org, user):
        base = Seat.objects.all()  # narrowed to org's subtree below, inside the user's scope
    else:
        base = Seat.objects.visible_to(user, VIEW)
    seats = (
        base.filter(start_on__lte=period.end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=period.start))
        .filter(**{f"{SEAT_KIND}__in": [LEVEL_KINDS[lvl] for lvl in levels]})
    )
    if org is not None:
        seats = seats.filter(**{f"{SEAT_PATH}__startswith": org.path})
    # Cast: when no rule sets a quota every branch is NULL, which PostgreSQL types as text.
    quota = Cast(
        Case(
            *[
                When(**{SEAT_KIND: LEVEL_KINDS[lvl]}, then=quota_expression(rules, lvl))
                for lvl in UPPER_LEVELS
            ],
            default=Value(None),
            output_field=IntegerField(),
        ),
        IntegerField(),
    )
    return (
        seats.annotate(level=level_expression())
        .order_by()
        .values("member_id", "level")
        .annotate(quota=Max(quota), seat_org_id=Min("committee__term__organization_id"))
    )


def _status_sql(status: str, period: Period) -> str:
    """The SQL condition of a compliance status on a row of ``compliance_sql``."""
    on_track = f"t.attendances * {period.days} >= t.quota * {period.elapsed}"
    if status == NO_QUOTA:
        return "t.quota IS NULL"
    if status == MET:
        return "t.quota IS NOT NULL AND t.attendances >= t.quota"
    if status == ON_TRACK:
        if not period.running:
            return "1 = 0"
        return f"t.quota IS NOT NULL AND t.attendances < t.quota AND {on_track}"
    if status == BEHIND:
        behind = "t.quota IS NOT NULL AND t.attendances < t.quota"
        return f"{behind} AND NOT ({on_track})" if period.running else behind
    raise ValueError(status)


def compliance_sql(
    user,
    period: Period,
    *,
    org=None,
    level: str | None = None,
    confirmed_only: bool = False,
    member_id: int | None = None,
    rules: list[QuotaRule] | None = None,
) -> tuple[str, list]:
    """SQL of the leader rows with their ``attendances`` in the period (all of them, whatever
    the seat they were recorded under), for the callers below to wrap.

    Counting is one pass whatever the number of leaders: with an organization the count is a
    per-leader index probe (a province has ~1.000 leaders), for the whole scope a single
    grouped scan of the year's attendances joined to the leaders.
    """
    base_sql, base_params = leader_base(
        user, period, org=org, level=level, member_id=member_id, rules=rules
    ).query.sql_with_params()
    ops = connection.ops
    table = ops.quote_name(Attendance._meta.db_table)
    conditions = "a.status = %s AND a.date >= %s AND a.date <= %s"
    params = [AttendanceStatus.RECORDED, period.start, period.end]
    if confirmed_only:
        conditions += " AND a.confirmation = %s"
        params.append(Confirmation.CONFIRMED)
    if org is not None or member_id is not None:
        sql = (
            "SELECT l.member_id, l.level, l.quota, l.seat_org_id, "
            f"(SELECT COUNT(*) FROM {table} a WHERE a.member_id = l.member_id AND {conditions})"
            f" AS attendances FROM ({base_sql}) l"
        )
        return sql, [*params, *base_params]
    sql = (
        "SELECT l.member_id, l.level, l.quota, l.seat_org_id, COALESCE(c.n, 0) AS attendances "
        f"FROM ({base_sql}) l LEFT JOIN (SELECT a.member_id, COUNT(*) AS n FROM {table} a "
        f"WHERE {conditions} GROUP BY a.member_id) c ON c.member_id = l.member_id"
    )
    return sql, [*base_params, *params]


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _with_progress(rows: list[dict], period: Period) -> list[dict]:
    for row in rows:
        quota = row["quota"]
        row["progress"] = (
            None if quota is None else row["attendances"] * period.days - quota * period.elapsed
        )
    return rows


def leader_rows(user, period: Period, **filters) -> list[dict]:
    """Every leader row: ``member_id``, ``level``, ``quota``, ``seat_org_id``, ``attendances``,
    ``progress`` (≥ 0 when on track pro rata)."""
    sql, params = compliance_sql(user, period, **filters)
    return _with_progress(_fetch(sql, params), period)


def status_of(row: dict, period: Period) -> str:
    if row["quota"] is None:
        return NO_QUOTA
    if row["attendances"] >= row["quota"]:
        return MET
    if period.running and row["progress"] >= 0:
        return ON_TRACK
    return BEHIND


def compliance_by_committee(
    user, period: Period, *, org=None, confirmed_only: bool = False, rules=None
) -> list[dict]:
    """``[{"level", "seat_org_id", "members", "quota", met/on_track/behind/no_quota}]``: one
    query for the summary per level and the members below quota per committee."""
    sql, params = compliance_sql(user, period, org=org, confirmed_only=confirmed_only, rules=rules)
    counts = ", ".join(
        f"SUM(CASE WHEN {_status_sql(status, period)} THEN 1 ELSE 0 END) AS {status}"
        for status in (MET, ON_TRACK, BEHIND, NO_QUOTA)
    )
    return _fetch(
        f"SELECT t.level, t.seat_org_id, COUNT(*) AS members, MAX(t.quota) AS quota, {counts} "
        f"FROM ({sql}) t GROUP BY t.level, t.seat_org_id",
        params,
    )


def summary_from(by_committee: list[dict]) -> dict[str, dict]:
    """``{level: {"members", "quota", "met", "on_track", "behind", "no_quota"}}``."""
    names = ("members", MET, ON_TRACK, BEHIND, NO_QUOTA)
    summary = {
        lvl: {"members": 0, "quota": None, **dict.fromkeys(names, 0)} for lvl in UPPER_LEVELS
    }
    for row in by_committee:
        item = summary.setdefault(row["level"], {"quota": None, **dict.fromkeys(names, 0)})
        for name in names:
            item[name] += int(row[name] or 0)
        if row["quota"] is not None:
            item["quota"] = max(item["quota"] or 0, row["quota"])
    return summary


def compliance_summary(
    user, period: Period, *, org=None, confirmed_only: bool = False, rules=None
) -> dict[str, dict]:
    """``{level: {"members", "quota", "met", "on_track", "behind", "no_quota"}}``, one query."""
    return summary_from(
        compliance_by_committee(user, period, org=org, confirmed_only=confirmed_only, rules=rules)
    )


def compliance_page(
    user,
    period: Period,
    *,
    status: str = "",
    offset: int = 0,
    limit: int | None = None,
    **filters,
) -> tuple[list[dict], int]:
    """Leader rows with the member's name in roster order (tên, họ, tên đệm), filtered by
    status, and the total: the compliance list, its export and "Của tôi"."""
    sql, params = compliance_sql(user, period, **filters)
    member_table = connection.ops.quote_name(Member._meta.db_table)
    where = f"WHERE {_status_sql(status, period)}" if status else ""
    body = f"FROM ({sql}) t JOIN {member_table} m ON m.id = t.member_id {where}"
    total = _fetch(f"SELECT COUNT(*) AS n {body}", params)[0]["n"]
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = _fetch(
        "SELECT t.member_id, t.level, t.quota, t.seat_org_id, t.attendances, "
        f"m.full_name AS member__full_name {body} "
        f"ORDER BY m.sort_key, t.member_id, t.level{page}",
        params,
    )
    return _with_progress(rows, period), total
