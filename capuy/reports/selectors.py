"""Reads behind the dashboard's drill-down lists, the members-below-quota export and "Của tôi"."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from capuy.concerns.choices import OPEN_STATUSES
from capuy.concerns.models import Concern
from capuy.meetings.choices import AttendanceStatus
from capuy.meetings.models import Attendance
from capuy.organizations.models import Organization, OrganizationFlag

from . import grassroots as figures
from .compliance import BEHIND, leader_rows, status_of, status_q
from .periods import Period


def compliance_rows(
    user,
    period: Period,
    *,
    org=None,
    level: str = "",
    status: str = "",
    confirmed_only: bool = False,
    member_id: int | None = None,
) -> QuerySet:
    """Leader rows with the member's name, in roster order (tên, họ, tên đệm)."""
    rows = leader_rows(
        user,
        period,
        org=org,
        level=level or None,
        confirmed_only=confirmed_only,
        member_id=member_id,
    )
    if status:
        rows = rows.filter(status_q(status, period))
    return rows.values(
        "member_id",
        "level",
        "quota",
        "attendances",
        "progress",
        "seat_org_id",
        "member__full_name",
        "member__sort_key",
    ).order_by("member__sort_key", "member_id", "level")


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


def below_quota_by_committee(
    user, period: Period, *, org=None, confirmed_only: bool = False
) -> list[dict]:
    """Members below quota grouped by their committee's organization (district, commune…)."""
    rows = compliance_rows(
        user, period, org=org, status=BEHIND, confirmed_only=confirmed_only
    ).values("seat_org_id", "level", "member_id")
    counts: dict[tuple, int] = defaultdict(int)
    for row in rows:
        counts[row["seat_org_id"], row["level"]] += 1
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in={key[0] for key in counts})}
    result = [
        {"organization": orgs[pk], "level": level, "below": n}
        for (pk, level), n in counts.items()
        if pk in orgs
    ]
    return sorted(result, key=lambda r: r["organization"].path)


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
        figures.visited_localities(period, localities, confirmed_only=confirmed_only).values_list(
            "pk", flat=True
        )
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
    rows = decorate(list(compliance_rows(None, period, member_id=member.pk)), period)
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
