"""Reads of concerns for one user. Every query starts from ``Concern.objects.visible_to``."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.scoping import VIEW
from capuy.reports.grouping import Group, groups_for, top_nodes

from .choices import CLOSED_STATUSES, OPEN_STATUSES, ConcernStatus
from .models import Concern

# Pseudo statuses offered by the list filter next to the real ones.
OPEN = "open"
CLOSED = "closed"


def today() -> date:
    return timezone.localdate()


def concerns_visible_to(user) -> QuerySet:
    return Concern.objects.visible_to(user, VIEW).select_related(
        "category", "meeting__cell", "received_by"
    )


def status_q(status: str) -> Q:
    if status == OPEN:
        return Q(status__in=OPEN_STATUSES)
    if status == CLOSED:
        return Q(status__in=CLOSED_STATUSES)
    return Q(status=status)


def overdue_q(on: date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=on)


def concern_list(
    user,
    *,
    status: str = "",
    category=None,
    agency: str = "",
    org=None,
    overdue: bool = False,
    year: int | None = None,
    received_by=None,
    meeting=None,
    on_spot: bool = False,
    q: str = "",
    on: date | None = None,
) -> QuerySet:
    """The concern list's rows, newest first; each filter narrows the scoped queryset."""
    qs = concerns_visible_to(user)
    if status:
        qs = qs.filter(status_q(status))
    if category is not None:
        qs = qs.filter(category=category)
    if agency:
        qs = qs.filter(agency=agency) if agency != "-" else qs.filter(agency="")
    if org is not None:
        qs = qs.filter(cell_path__startswith=org.path)
    if overdue:
        qs = qs.filter(overdue_q(on or today()))
    if year:
        qs = qs.raised_in(date(year, 1, 1), date(year, 12, 31))
    if received_by is not None:
        qs = qs.filter(received_by=received_by)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if on_spot:
        qs = qs.filter(status=ConcernStatus.GIAI_QUYET_TAI_CHO)
    if q:
        qs = qs.filter(summary__icontains=q)
    return qs.order_by("-raised_on", "-id")


def count_aggregates(on: date) -> dict:
    """Counts every concern summary shows: raised, on the spot, open, overdue, closed."""
    return {
        "on_spot": Count("pk", filter=Q(status=ConcernStatus.GIAI_QUYET_TAI_CHO)),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=overdue_q(on)),
        "closed": Count("pk", filter=Q(status__in=CLOSED_STATUSES)),
    }


def concerns_by_agency(qs: QuerySet, on: date | None = None) -> list[dict]:
    """Forwarded or referred concerns grouped by the agency handling them, most open first."""
    rows = (
        qs.exclude(agency="")
        .order_by()
        .values("agency")
        .annotate(total=Count("pk"), **count_aggregates(on or today()))
    )
    return sorted(rows, key=lambda r: (-r["open"], -r["total"], r["agency"]))


def concerns_by_locality(user, qs: QuerySet, org=None, on: date | None = None) -> list[Group]:
    """Counts per child of ``org`` (or per top node of the user's view), zeros left out."""
    aggregates = count_aggregates(on or today())
    if org is None:
        nodes = top_nodes(user)
        if len(nodes) != 1:
            groups = []
            for node in nodes:
                counts = qs.filter(cell_path__startswith=node.path).aggregate(
                    total=Count("pk"), **aggregates
                )
                if counts["total"]:
                    groups.append(Group(node, counts))
            return groups
        org = nodes[0]
    groups = groups_for(user, qs, "cell_path", org, **aggregates)
    return [group for group in groups if group.total]


def concern_status_counts(qs: QuerySet) -> list[dict]:
    """``[{"status", "label", "count"}]`` for every status, in lifecycle order."""
    counted = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {"status": value, "label": label, "count": counted.get(value, 0)}
        for value, label in ConcernStatus.choices
    ]


def concern_get(user, pk, action: str = VIEW) -> Concern:
    concern = (
        Concern.objects.visible_to(user, action)
        .select_related("category", "meeting__cell", "received_by", "created_by")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404(_("Không tìm thấy kiến nghị hoặc kiến nghị ngoài phạm vi của bạn."))
    return concern


def concern_events(concern: Concern) -> list:
    return list(concern.events.select_related("by").order_by("at", "id"))


def concerns_earlier_for_meeting(meeting, user, *, months: int = 12, limit: int = 50) -> list:
    """Concerns raised at earlier meetings of the same cell, for the meeting page.

    Every one still open (however old), and the ones closed that were raised within ``months``
    months before the meeting, so the cell hears how each was handled: the loop closes at the
    cell. Open and overdue first.
    """
    since = meeting.date - timedelta(days=31 * months)
    qs = (
        Concern.objects.visible_to(user, VIEW)
        .filter(meeting__cell_id=meeting.cell_id, raised_on__lt=meeting.date)
        .filter(Q(status__in=OPEN_STATUSES) | Q(raised_on__gte=since))
        .select_related("category", "received_by")
    )
    rows = list(qs.order_by("-raised_on", "-id")[:limit])
    on = today()
    for concern in rows:
        concern.overdue = concern.is_overdue(on)
    rows.sort(key=lambda c: (not c.overdue, not c.is_open))  # stable: newest first within
    return rows
