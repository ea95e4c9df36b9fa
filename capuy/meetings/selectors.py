"""Reads for meetings, attendances, field visits and the attendance regulation.

Lists start from ``visible_to``; the two reads that deliberately look beyond the user's scope
are documented where they do so: the regulation in force (a rule set by the province governs
every cell under it) and the attendee picker (the holders of seats on the committees *above* a
cell are who may attend it; they are shown by name and seat kind only).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.utils import timezone

from capuy.committees.models import Seat
from capuy.core.scoping import VIEW, scope_q
from capuy.core.vntext import nfc, search_key
from capuy.members.models import MemberTransfer
from capuy.organizations.choices import CELL_KINDS
from capuy.organizations.models import Organization

from .access import secretary_paths
from .choices import AttendanceStatus, Confirmation, MeetingStatus
from .models import (
    Attendance,
    AttendanceQuota,
    AttendanceRule,
    CellMeeting,
    FieldVisit,
    MeetingSchedule,
)
from .seats import member_cell_on, seat_label, seat_rank

PICKER_LIMIT = 20


def today() -> date:
    return timezone.localdate()


# --- the regulation ----------------------------------------------------------------------------


def rule_in_force(organization: Organization, day: date) -> AttendanceRule | None:
    """The rule of the nearest ancestor organization (itself included) effective on ``day``.

    Not scoped: which regulation governs a cell does not depend on who asks.
    """
    return (
        AttendanceRule.objects.filter(
            organization__path__in=organization.ancestor_paths(),
            effective_from__lte=day,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .select_related("organization")
        .prefetch_related("quotas")
        .order_by(Length("organization__path").desc(), "-effective_from", "-id")
        .first()
    )


def quota_for(rule: AttendanceRule | None, level: str) -> AttendanceQuota | None:
    if rule is None:
        return None
    return next((q for q in rule.quotas.all() if q.level == level), None)


def rule_list(user, *, organization: Organization | None = None):
    rules = AttendanceRule.objects.visible_to(user, VIEW).select_related("organization")
    if organization is not None:
        rules = rules.filter(organization__path__startswith=organization.path)
    quotas = AttendanceQuota.objects.order_by("level")
    return rules.prefetch_related(Prefetch("quotas", queryset=quotas)).order_by(
        "organization__path", "-effective_from", "id"
    )


def rule_get(user, pk: int, action: str = VIEW) -> AttendanceRule:
    qs = AttendanceRule.objects.visible_to(user, action).select_related("organization")
    return get_object_or_404(qs.prefetch_related("quotas"), pk=pk)


# --- schedules and meetings --------------------------------------------------------------------


def schedule_list(user, *, organization: Organization | None = None):
    qs = MeetingSchedule.objects.visible_to(user, VIEW).select_related("cell")
    if organization is not None:
        qs = qs.filter(cell__path__startswith=organization.path)
    return qs.order_by("cell__path", "kind", "id")


def schedule_get(user, pk: int, action: str = VIEW) -> MeetingSchedule:
    return get_object_or_404(
        MeetingSchedule.objects.visible_to(user, action).select_related("cell"), pk=pk
    )


def meeting_list(
    user,
    *,
    organization: Organization | None = None,
    status: str = "",
    year: int | None = None,
    month: int | None = None,
):
    qs = CellMeeting.objects.visible_to(user, VIEW).select_related("cell")
    if organization is not None:
        qs = qs.filter(cell__path__startswith=organization.path)
    if status:
        qs = qs.filter(status=status) if status in MeetingStatus.values else qs.none()
    if year:
        qs = qs.filter(date__year=year)
    if month:
        qs = qs.filter(date__month=month)
    return qs.annotate(
        attendance_count=Count(
            "attendances", filter=Q(attendances__status=AttendanceStatus.RECORDED)
        )
    ).order_by("-date", "cell__path", "id")


def meeting_get(user, pk: int, action: str = VIEW) -> CellMeeting:
    qs = CellMeeting.objects.visible_to(user, action).select_related("cell", "schedule")
    return get_object_or_404(qs, pk=pk)


def meeting_attendances(meeting: CellMeeting) -> list[Attendance]:
    rows = list(
        meeting.attendances.select_related(
            "member", "seat__committee__term__organization", "entered_by", "confirmed_by"
        ).order_by("level", "member__sort_key", "id")
    )
    for row in rows:
        row.seat_label = seat_label(row.seat)
    return rows


def meeting_concerns(meeting: CellMeeting):
    from capuy.concerns.models import Concern

    return Concern.objects.filter(meeting=meeting).select_related("category").order_by("id")


def cell_meetings_around(cell: Organization, day: date) -> dict:
    """The cell's last meeting on or before ``day`` and its next one after (not cancelled)."""
    meetings = CellMeeting.objects.filter(cell=cell).exclude(status=MeetingStatus.CANCELLED)
    return {
        "last": meetings.filter(date__lte=day).order_by("-date", "-id").first(),
        "next": meetings.filter(date__gt=day).order_by("date", "id").first(),
    }


def home_cell_meetings(user, *, on: date | None = None, limit: int = 5) -> list[dict]:
    """For a cell secretary's home page: each of her cells with its last and next meeting and
    the attendances waiting for her confirmation. Empty for everyone else."""
    paths = secretary_paths(user)
    if not paths:
        return []
    day = on or today()
    cells = list(
        Organization.objects.filter(scope_q("path", paths), kind__in=CELL_KINDS)
        .valid_on(day)
        .order_by("path")[:limit]
    )
    pending = dict(
        Attendance.objects.filter(
            scope_q("cell_path", [c.path for c in cells]) if cells else Q(pk__in=[]),
            status=AttendanceStatus.RECORDED,
            confirmation=Confirmation.PENDING,
        )
        .values_list("meeting__cell_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"cell": cell, **cell_meetings_around(cell, day), "pending": pending.get(cell.pk, 0)}
        for cell in cells
    ]


# --- attendances ---------------------------------------------------------------------------


def attendee_candidates(meeting: CellMeeting, q: str, *, limit: int = PICKER_LIMIT) -> list[dict]:
    """Holders, on the meeting date, of seats on committees above the meeting's cell whose name
    matches ``q`` (every word a name-word prefix, diacritics optional).

    Looks beyond the user's member scope on purpose: a cell secretary must find the provincial
    committee member who came. Each result carries only the name and a seat label without the
    organization's proper name, whether the member sits in this very cell (``own_cell``) and
    whether he is already recorded.
    """
    tokens = search_key(q).split()
    if not tokens:
        return []
    cell, day = meeting.cell, meeting.date
    above = [p for p in cell.ancestor_paths() if p != cell.path]
    seats = Seat.objects.held_on(day).filter(committee__term__organization__path__in=above)
    for token in tokens:
        seats = seats.filter(
            Q(member__search_text__startswith=token) | Q(member__search_text__contains=" " + token)
        )
    seats = seats.select_related("member", "committee__term__organization").prefetch_related(
        Prefetch("member__transfers", queryset=MemberTransfer.objects.order_by())
    )
    best: dict[int, Seat] = {}
    for seat in seats[:500]:
        current = best.get(seat.member_id)
        if current is None or seat_rank(seat) < seat_rank(current):
            best[seat.member_id] = seat
    recorded = set(
        meeting.attendances.filter(status=AttendanceStatus.RECORDED).values_list(
            "member_id", flat=True
        )
    )
    exact = nfc(" ".join(q.split())).lower()
    rows = sorted(
        best.values(),
        key=lambda s: (exact not in s.member.full_name.lower(), s.member.sort_key, s.member_id),
    )[:limit]
    return [
        {
            "member": seat.member,
            "seat": seat,
            "label": seat_label(seat),
            "level": seat.level,
            "own_cell": member_cell_on(seat.member, day, seat.member.transfers.all()) == cell.pk,
            "recorded": seat.member_id in recorded,
        }
        for seat in rows
    ]


def attendance_list(
    user,
    *,
    organization: Organization | None = None,
    year: int | None = None,
    level: str = "",
    confirmation: str = "",
):
    qs = Attendance.objects.visible_to(user, VIEW).filter(status=AttendanceStatus.RECORDED)
    if organization is not None:
        qs = qs.filter(cell_path__startswith=organization.path)
    if year:
        qs = qs.filter(date__year=year)
    if level:
        qs = qs.filter(level=level)
    if confirmation:
        qs = qs.filter(confirmation=confirmation)
    return qs.select_related(
        "member", "meeting__cell", "seat__committee__term__organization"
    ).order_by("-date", "id")


def attendance_get(user, pk: int, action: str = VIEW) -> Attendance:
    qs = Attendance.objects.visible_to(user, action).select_related(
        "member", "meeting__cell", "seat__committee__term__organization"
    )
    return get_object_or_404(qs, pk=pk)


# --- field visits ---------------------------------------------------------------------------


def field_visit_list(user, *, organization: Organization | None = None, year: int | None = None):
    qs = FieldVisit.objects.visible_to(user, VIEW).select_related(
        "member", "organization", "seat__committee__term__organization"
    )
    if organization is not None:
        qs = qs.filter(org_path__startswith=organization.path)
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("-date", "id")


def seat_holders_above(organization: Organization, day: date) -> list[dict]:
    """Members holding, on ``day``, a seat on a committee at or above ``organization``, each
    with the highest such seat: who may be recorded as visiting it."""
    seats = (
        Seat.objects.held_on(day)
        .filter(committee__term__organization__path__in=organization.ancestor_paths())
        .select_related("member", "committee__term__organization")
    )
    best: dict[int, Seat] = {}
    for seat in seats:
        current = best.get(seat.member_id)
        if current is None or seat_rank(seat) < seat_rank(current):
            best[seat.member_id] = seat
    rows = sorted(best.values(), key=lambda s: (seat_rank(s)[0], s.member.sort_key))
    return [{"member": s.member, "seat": s, "label": seat_label(s)} for s in rows]


def upper_seat_holders(cell: Organization, day: date, member_ids) -> dict[int, dict]:
    """Of ``member_ids``, those holding on ``day`` a seat on a committee above ``cell``, each
    with its highest seat and label (what the record screen may name as attendees)."""
    above = [p for p in cell.ancestor_paths() if p != cell.path]
    seats = (
        Seat.objects.held_on(day)
        .filter(member_id__in=list(member_ids), committee__term__organization__path__in=above)
        .select_related("member", "committee__term__organization")
    )
    best: dict[int, Seat] = {}
    for seat in seats:
        current = best.get(seat.member_id)
        if current is None or seat_rank(seat) < seat_rank(current):
            best[seat.member_id] = seat
    return {
        pk: {"member": s.member, "seat": s, "label": seat_label(s), "level": s.level}
        for pk, s in best.items()
    }
