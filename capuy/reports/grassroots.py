"""Figures of grassroots work for one organization (or the user's whole scope) and one year:
attendances by level, month and unit, cells visited, flagged localities covered, concerns,
field visits and planned (rotation) attendances. Each function is one or two GROUP BY queries
on stored columns (``Attendance.level/date/cell_path``, ``Concern.cell_path/raised_on``),
scoped with ``visible_to``; the dashboard and the yearly report read the same functions.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, Substr

from capuy.concerns.choices import CLOSED_STATUSES, OPEN_STATUSES, ConcernStatus
from capuy.concerns.models import Concern
from capuy.concerns.selectors import overdue_q
from capuy.core.scoping import VIEW, scope_paths
from capuy.meetings.choices import AttendanceStatus, Confirmation
from capuy.meetings.models import Attendance, FieldVisit
from capuy.organizations.choices import CELL_KINDS, FlagKind
from capuy.organizations.models import Organization, OrganizationFlag

from .grouping import Group, groups_for, valid_between
from .periods import UPPER_LEVELS, Period

FLAG_KINDS = (FlagKind.KHO_KHAN, FlagKind.PHUC_TAP)


def _under(qs: QuerySet, field: str, org) -> QuerySet:
    return qs if org is None else qs.filter(**{f"{field}__startswith": org.path})


def within_scope(org, user) -> bool:
    """Whether ``org``'s whole subtree lies inside the user's view (grants cover subtrees)."""
    paths = scope_paths(user, VIEW)
    return paths is None or any(org.path.startswith(path) for path in paths)


def scoped(model, user, org, field: str | None = None) -> QuerySet:
    """``model``'s rows visible to the user under ``org``: ``visible_to``, whose prefix filter
    is left out when ``org`` lies inside the user's scope, since the ``org`` prefix is then the
    narrower one (two prefix filters on one column make the planner underestimate the rows
    tenfold and pick nested loops over a year of attendances)."""
    field = field or model.SCOPE_PATH
    if org is not None and within_scope(org, user):
        return _under(model._default_manager.all(), field, org)
    return _under(model._default_manager.visible_to(user, VIEW), field, org)


def attendances(
    user, period: Period, *, org=None, confirmed_only: bool = False, status=None
) -> QuerySet:
    """Attendance rows of the period under ``org`` that the figures count."""
    qs = scoped(Attendance, user, org)
    if status == AttendanceStatus.PLANNED:
        qs = qs.filter(status=AttendanceStatus.PLANNED)
    else:
        qs = qs.counted(confirmed_only=confirmed_only)
    return qs.filter(date__gte=period.start, date__lte=period.end)


def attendance_breakdown(user, period: Period, *, org=None) -> list[dict]:
    """One scan of the period's attendance rows (recorded and planned) grouped by level, status,
    confirmation and month: every attendance figure of a page or report is derived from it."""
    qs = scoped(Attendance, user, org).filter(
        status__in=(AttendanceStatus.RECORDED, AttendanceStatus.PLANNED),
        date__gte=period.start,
        date__lte=period.end,
    )
    return list(
        qs.annotate(month=ExtractMonth("date"))
        .order_by()
        .values("level", "status", "confirmation", "month")
        .annotate(n=Count("pk"))
    )


def _counted(row: dict, confirmed_only: bool) -> bool:
    return row["status"] == AttendanceStatus.RECORDED and (
        not confirmed_only or row["confirmation"] == Confirmation.CONFIRMED
    )


def attendances_by_level(
    user, period: Period, *, org=None, confirmed_only: bool = False, breakdown=None
) -> dict[str, dict]:
    """``{level: {"attendances", "confirmed", "planned"}}`` (levels with rows only)."""
    rows = attendance_breakdown(user, period, org=org) if breakdown is None else breakdown
    result: dict[str, dict] = {}
    for row in rows:
        item = result.setdefault(row["level"], {"attendances": 0, "confirmed": 0, "planned": 0})
        if row["status"] == AttendanceStatus.PLANNED:
            item["planned"] += row["n"]
            continue
        if _counted(row, confirmed_only):
            item["attendances"] += row["n"]
        if row["confirmation"] == Confirmation.CONFIRMED:
            item["confirmed"] += row["n"]
    return result


def attendances_by_month(
    user, period: Period, *, org=None, confirmed_only: bool = False, breakdown=None
) -> list[dict]:
    """Twelve ``{"month", "total", <level>: n}`` rows (zeros included)."""
    rows = attendance_breakdown(user, period, org=org) if breakdown is None else breakdown
    months = [{"month": m, "total": 0, **dict.fromkeys(UPPER_LEVELS, 0)} for m in range(1, 13)]
    for row in rows:
        if not _counted(row, confirmed_only):
            continue
        month = months[row["month"] - 1]
        month[row["level"]] = month.get(row["level"], 0) + row["n"]
        month["total"] += row["n"]
    return months


def attendances_by_unit(
    user, period: Period, org, *, confirmed_only: bool = False, with_cells: bool = True
) -> list[Group]:
    """Attendances per child of ``org`` (district or commune), split by level, and (with
    ``with_cells``) the cells visited: one GROUP BY on the path prefix."""
    per_level = {level: Count("pk", filter=Q(level=level)) for level in UPPER_LEVELS}
    if with_cells:
        per_level["cells"] = Count("cell_path", distinct=True)
    qs = attendances(user, period, org=org, confirmed_only=confirmed_only)
    return groups_for(
        user, qs, "cell_path", org, start=period.start, end=period.end, under=True, **per_level
    )


def cells_in_period(user, period: Period, *, org=None) -> QuerySet:
    qs = scoped(Organization, user, org).filter(kind__in=CELL_KINDS)
    return valid_between(qs, period.start, period.end)


def cells_never_visited(
    user, period: Period, *, org=None, confirmed_only: bool = False
) -> QuerySet:
    """Cells that existed in the period and had no counted attendance in it."""
    visits = Attendance.objects.counted(confirmed_only=confirmed_only).filter(
        cell_path=OuterRef("path"), date__gte=period.start, date__lte=period.end
    )
    return cells_in_period(user, period, org=org).filter(~Exists(visits))


def cell_coverage(user, period: Period, *, org=None, confirmed_only: bool = False) -> dict:
    """``{"cells", "visited", "never_visited"}``: cells of the period, and how many had a counted
    attendance (a meeting is held at a cell that exists, so its path is one of them)."""
    total = cells_in_period(user, period, org=org).count()
    # DISTINCT in a subquery: a hash aggregate, where COUNT(DISTINCT) would sort.
    visited = (
        attendances(user, period, org=org, confirmed_only=confirmed_only)
        .order_by()
        .values("cell_path")
        .distinct()
        .count()
    )
    return {"cells": total, "visited": visited, "never_visited": max(total - visited, 0)}


def _flags_in(period: Period):
    return OrganizationFlag.objects.filter(kind__in=FLAG_KINDS, valid_from__lte=period.end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
    )


def flagged_localities(user, period: Period, *, org=None) -> QuerySet:
    """Organizations flagged "khó khăn" or "phức tạp" at some time in the period."""
    flags = _flags_in(period)
    return scoped(Organization, user, org).filter(pk__in=flags.values("organization_id"))


def _visited_prefixes(
    period: Period, depths: list[int], *, org=None, confirmed_only=False
) -> list[tuple[int, QuerySet]]:
    """For each depth, the paths of the period's counted attendances cut to that depth: a
    locality at that depth was visited when its path is one of them. Matched with ``IN`` in a
    WHERE clause the database runs a hash semi-join (not one LIKE per locality)."""
    counted = _under(
        Attendance.objects.counted(confirmed_only=confirmed_only).filter(
            date__gte=period.start, date__lte=period.end
        ),
        "cell_path",
        org,
    )
    return [
        (
            depth,
            counted.annotate(prefix=Substr("cell_path", 1, depth * Organization.steplen)).values(
                "prefix"
            ),
        )
        for depth in sorted(depths)
    ]


def visited_localities(
    period: Period, localities: QuerySet, *, org=None, confirmed_only=False, depths=None
) -> QuerySet:
    """The localities (of ``localities``, all under ``org``) with a counted attendance."""
    if depths is None:
        depths = set(localities.order_by().values_list("depth", flat=True))
    filters = [
        Q(depth=depth, path__in=prefixes)
        for depth, prefixes in _visited_prefixes(
            period, list(depths), org=org, confirmed_only=confirmed_only
        )
    ]
    if not filters:
        return localities.none()
    if len(filters) == 1:
        return localities.filter(filters[0])
    union = localities.filter(filters[0]).order_by().values("pk")
    for extra in filters[1:]:
        union = union.union(localities.filter(extra).order_by().values("pk"))
    return localities.filter(pk__in=union)


def flagged_coverage(user, period: Period, *, org=None, confirmed_only: bool = False) -> dict:
    """``{"localities", "visited", "share"}``: flagged localities with at least one attendance.

    Read from the flags' side (a few thousand rows joined to their organizations by key), not
    by filtering the whole organization table."""
    flags = (
        scoped(OrganizationFlag, user, org).filter(pk__in=_flags_in(period).values("pk")).order_by()
    )
    by_depth = dict(
        flags.values_list("organization__depth").annotate(n=Count("organization_id", distinct=True))
    )
    total = sum(by_depth.values())
    visited = 0
    for depth, prefixes in _visited_prefixes(
        period, list(by_depth), org=org, confirmed_only=confirmed_only
    ):
        visited += (
            flags.filter(organization__depth=depth, organization__path__in=prefixes)
            .values("organization_id")
            .distinct()
            .count()
        )
    return {"localities": total, "visited": visited, "share": visited / total if total else None}


def visit_coverage(user, period: Period, *, org=None, confirmed_only: bool = False) -> dict:
    """Cells of the period and flagged localities, each with how many were visited, reading the
    year's attendances once (two queries): the distinct visited cells are grouped in the
    database, counted, and cut to the depth of each flagged locality.

    ``{"cells": {"cells", "visited", "never_visited"}, "flagged": {"localities", "visited",
    "share"}}``
    """
    total_cells = cells_in_period(user, period, org=org).count()
    visited_sql, visited_params = (
        attendances(user, period, org=org, confirmed_only=confirmed_only)
        .order_by()
        .values("cell_path")
        .distinct()
        .query.sql_with_params()
    )
    flag_sql, flag_params = (
        scoped(OrganizationFlag, user, org)
        .filter(pk__in=_flags_in(period).values("pk"))
        .order_by()
        .annotate(
            flag_org=F("organization_id"),
            flag_path=F("organization__path"),
            flag_depth=F("organization__depth"),
        )
        .values("flag_org", "flag_path", "flag_depth")
        .query.sql_with_params()
    )
    # Both sides materialized: the few thousand flagged localities are hashed and probed by
    # the visited paths cut to their depths (joined to the organization table instead, the
    # planner misjudges the distinct prefixes and probes its index tens of thousands of times).
    sql = f"""
        WITH visited AS MATERIALIZED ({visited_sql}),
        flagged AS MATERIALIZED ({flag_sql}),
        prefixes AS (
            SELECT DISTINCT depths.flag_depth AS depth,
                   SUBSTR(visited.cell_path, 1, depths.flag_depth * %s) AS path
            FROM visited CROSS JOIN (SELECT DISTINCT flag_depth FROM flagged) depths)
        SELECT (SELECT COUNT(*) FROM visited),
               (SELECT COUNT(DISTINCT flag_org) FROM flagged),
               (SELECT COUNT(DISTINCT flagged.flag_org) FROM flagged JOIN prefixes
                  ON prefixes.depth = flagged.flag_depth AND prefixes.path = flagged.flag_path)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*visited_params, *flag_params, Organization.steplen])
        visited_cells, localities, flagged_visited = cursor.fetchone()
    return {
        "cells": {
            "cells": total_cells,
            "visited": visited_cells,
            "never_visited": max(total_cells - visited_cells, 0),
        },
        "flagged": {
            "localities": localities,
            "visited": flagged_visited,
            "share": flagged_visited / localities if localities else None,
        },
    }


def concerns_in(user, period: Period, *, org=None) -> QuerySet:
    return scoped(Concern, user, org).raised_in(period.start, period.end)


def concern_figures(user, period: Period, *, org=None) -> dict:
    """Raised, resolved on the spot, open, overdue (as of today), closed, and by status: one
    GROUP BY status."""
    rows = (
        concerns_in(user, period, org=org)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_q(period.today)))
    )
    by_status = {status: (n, overdue) for status, n, overdue in rows}
    count = {status: n for status, (n, _o) in by_status.items()}
    return {
        "raised": sum(count.values()),
        "on_spot": count.get(ConcernStatus.GIAI_QUYET_TAI_CHO, 0),
        "open": sum(count.get(s, 0) for s in OPEN_STATUSES),
        "overdue": sum(overdue for _n, overdue in by_status.values()),
        "closed": sum(count.get(s, 0) for s in CLOSED_STATUSES),
        "by_status": [
            {"status": value, "label": str(label), "count": count.get(value, 0)}
            for value, label in ConcernStatus.choices
        ],
    }


def concern_overdue_q(period: Period) -> Q:
    return overdue_q(period.today)


def field_visit_figures(user, period: Period, *, org=None) -> dict[str, dict]:
    qs = scoped(FieldVisit, user, org).filter(date__gte=period.start, date__lte=period.end)
    rows = qs.order_by().values("level").annotate(visits=Count("pk"), days=Sum("days"))
    return {row.pop("level"): {"visits": row["visits"], "days": row["days"] or 0} for row in rows}
