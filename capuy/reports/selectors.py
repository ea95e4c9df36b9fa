"""Reads behind the dashboard's drill-down lists, the members-below-quota export and "Của tôi"."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from capuy.concerns.choices import OPEN_STATUSES
from capuy.concerns.models import Concern
from capuy.meetings.choices import AttendanceStatus
from capuy.meetings.models import Attendance
from capuy.members.selectors import PAGE_SIZE, ListPage
from capuy.organizations.models import Organization, OrganizationFlag

from . import grassroots as figures
from .compliance import BEHIND, compliance_page, status_of
from .periods import Period


def compliance_list_page(
    user,
    period: Period,
    *,
    org=None,
    level: str = "",
    status: str = "",
    confirmed_only: bool = False,
    page: int = 1,
    per_page: int | None = PAGE_SIZE,
) -> ListPage:
    """Leader rows with names in roster order, one page of them (all with ``per_page=None``),
    each with its status, its committee's name and how many attendances it misses."""
    offset = (page - 1) * (per_page or 0)
    rows, total = compliance_page(
        user,
        period,
        status=status,
        offset=offset,
        limit=per_page,
        org=org,
        level=level or None,
        confirmed_only=confirmed_only,
    )
    rows = decorate(rows, period)
    has_next = per_page is not None and offset + len(rows) < total
    return ListPage(rows, page, per_page or max(total, 1), has_next, total)


def decorate(rows: list[dict], period: Period) -> list[dict]:
    """Add each row's status and its committee's name (one query for the page)."""
    names = dict(
        Organization.objects.filter(pk__in={r["seat_org_id"] for r in rows}).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["status"] = status_of(row, period)
        row["seat_org_name"] = names.get(row["seat_org_id"], "")
        row["missing"] = max((row["quota"] or 0) - row["attendances"], 0)
    return rows


def below_quota_by_committee(by_committee: list[dict]) -> list[dict]:
    """Members below quota per committee (district, commune…), from ``compliance_by_committee``."""
    rows = [row for row in by_committee if row[BEHIND]]
    orgs = Organization.objects.in_bulk([row["seat_org_id"] for row in rows])
    result = [
        {"organization": orgs[row["seat_org_id"]], "level": row["level"], "below": row[BEHIND]}
        for row in rows
        if row["seat_org_id"] in orgs
    ]
    return sorted(result, key=lambda r: (r["organization"].path, r["level"]))


def attendance_rows(
    user,
    period: Period,
    *,
    org=None,
    level: str = "",
    month: int | None = None,
    member=None,
    confirmed_only: bool = False,
    planned: bool = False,
) -> QuerySet:
    status = AttendanceStatus.PLANNED if planned else None
    qs = figures.attendances(user, period, org=org, confirmed_only=confirmed_only, status=status)
    if level:
        qs = qs.filter(level=level)
    if month:
        qs = qs.annotate(month=ExtractMonth("date")).filter(month=month)
    if member is not None:
        qs = qs.filter(member=member)
    return qs.select_related("meeting__cell", "member", "seat__committee").order_by("-date", "-id")


def flagged_rows(user, period: Period, *, org=None, confirmed_only: bool = False) -> list:
    """Flagged localities of the period, each with ``visited`` and its flags in the period."""
    localities = figures.flagged_localities(user, period, org=org)
    visited = set(
        figures.visited_localities(
            period, localities, org=org, confirmed_only=confirmed_only
        ).values_list("pk", flat=True)
    )
    rows = list(localities.order_by("path"))
    kinds: dict[int, list] = defaultdict(list)
    flags = (
        OrganizationFlag.objects.filter(organization__in=[o.pk for o in rows])
        .filter(valid_from__lte=period.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
    )
    for flag in flags.order_by("kind"):
        kinds[flag.organization_id].append(flag)
    for row in rows:
        row.visited = row.pk in visited
        row.period_flags = kinds[row.pk]
    return rows


def my_year(user, period: Period) -> dict | None:
    """ "Của tôi": the signed-in committee member's own attendances, quota, plan and concerns.

    These are the member's own records, read by his member id rather than through the tree
    scope: a Tỉnh ủy viên attends cells anywhere in the province whatever his grants.
    """
    member = getattr(user, "member", None)
    if member is None:
        return None
    rows = decorate(compliance_page(None, period, member_id=member.pk)[0], period)
    attended = Attendance.objects.filter(
        member=member, date__gte=period.start, date__lte=period.end
    ).select_related("meeting__cell", "seat__committee__term__organization")
    recorded = [a for a in attended.order_by("-date") if a.status == AttendanceStatus.RECORDED]
    planned = list(
        Attendance.objects.filter(
            member=member, status=AttendanceStatus.PLANNED, date__gte=period.today
        )
        .select_related("meeting__cell")
        .order_by("date")[:50]
    )
    concerns = list(
        Concern.objects.filter(received_by=member, status__in=OPEN_STATUSES)
        .select_related("category", "meeting__cell")
        .order_by("due_on", "-raised_on")
    )
    for concern in concerns:
        concern.overdue = concern.is_overdue(period.today)
    return {
        "member": member,
        "rows": rows,
        "attended": recorded,
        "planned": planned,
        "concerns": concerns,
        "by_month": dict(
            Attendance.objects.filter(
                member=member,
                status=AttendanceStatus.RECORDED,
                date__gte=period.start,
                date__lte=period.end,
            )
            .annotate(month=ExtractMonth("date"))
            .order_by()
            .values_list("month")
            .annotate(n=Count("pk"))
        ),
    }
