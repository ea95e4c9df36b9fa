"""Reads of conferences and tasks for one user. Every query starts from ``visible_to``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Case, Count, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from capuy.committees.choices import SeatRole
from capuy.core.scoping import VIEW
from capuy.core.vntext import search_key

from .choices import PRESENT_STATUSES, AttendanceStatus, TaskState
from .models import (
    Agency,
    AgendaDocument,
    AgendaItem,
    AssignedTask,
    Conclusion,
    Conference,
    ConferenceAttendance,
    TaskAssignment,
    TaskEvent,
    TaskProgress,
)

# --- conferences -----------------------------------------------------------------------------


def with_attendance_counts(qs):
    """Annotate ``seat_total`` and ``present_total`` (for the quorum) in the same query."""
    return qs.annotate(
        seat_total=Count("attendances", distinct=True),
        present_total=Count(
            "attendances",
            filter=Q(attendances__status__in=list(PRESENT_STATUSES)),
            distinct=True,
        ),
    )


def conference_list(user, *, committee=None, q: str = "", year: int | None = None):
    qs = Conference.objects.visible_to(user, VIEW).select_related("committee__term__organization")
    if committee is not None:
        qs = qs.filter(committee=committee)
    if year:
        qs = qs.filter(date__year=year)
    for token in search_key(q).split():
        qs = qs.filter(
            Q(committee__term__organization__search_text__contains=token)
            | Q(number__startswith=token)
        )
    return with_attendance_counts(qs).order_by("-date", "-number", "id")


def conference_get(user, pk: int, action: str = VIEW) -> Conference:
    qs = Conference.objects.visible_to(user, action).select_related("committee__term__organization")
    return get_object_or_404(qs, pk=pk)


@dataclass
class Quorum:
    total: int
    present: int
    late: int
    left_early: int
    excused: int
    unexcused: int
    needed: int
    numerator: int
    denominator: int

    @property
    def absent(self) -> int:
        return self.excused + self.unexcused

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.present >= self.needed

    @property
    def percent(self) -> float:
        return 100 * self.present / self.total if self.total else 0.0


def quorum_of(conference: Conference, rows: list[ConferenceAttendance]) -> Quorum:
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for row in rows:
        counts[row.status] += 1
    total = len(rows)
    return Quorum(
        total=total,
        present=sum(counts[s] for s in PRESENT_STATUSES),
        late=counts[AttendanceStatus.DI_MUON],
        left_early=counts[AttendanceStatus.VE_SOM],
        excused=counts[AttendanceStatus.VANG_CO_LY_DO],
        unexcused=counts[AttendanceStatus.VANG_KHONG_LY_DO],
        needed=conference.quorum_needed(total),
        numerator=conference.quorum_numerator,
        denominator=conference.quorum_denominator,
    )


def attendance_rows(conference: Conference) -> list[ConferenceAttendance]:
    """The sheet in seat order: secretary, deputies, standing members, members; then by name."""
    rank = Case(
        *[When(seat__role=role, then=Value(i)) for i, role in enumerate(SeatRole.values)],
        default=Value(len(SeatRole.values)),
        output_field=IntegerField(),
    )
    return list(
        conference.attendances.select_related("member", "seat")
        .annotate(role_rank=rank)
        .order_by("role_rank", "member__sort_key", "id")
    )


@dataclass
class AgendaNode:
    item: AgendaItem
    number: str
    children: list[AgendaNode] = field(default_factory=list)


def agenda_tree(conference: Conference) -> list[AgendaNode]:
    """Items numbered 1, 1.1, 1.2, 2… with their documents and conclusions prefetched."""
    items = list(
        conference.agenda_items.select_related("presenter").prefetch_related(
            Prefetch("documents", queryset=AgendaDocument.objects.order_by("id")),
            Prefetch("conclusions", queryset=Conclusion.objects.order_by("order", "id")),
        )
    )
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)

    def build(parent_id, prefix: str) -> list[AgendaNode]:
        nodes = []
        for index, item in enumerate(by_parent.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            nodes.append(AgendaNode(item, number, build(item.pk, f"{number}.")))
        return nodes

    return build(None, "")


def flatten(nodes: list[AgendaNode], depth: int = 0):
    for node in nodes:
        yield node, depth
        yield from flatten(node.children, depth + 1)


def task_rows(qs, today: date | None = None):
    today = today or timezone.localdate()
    return (
        qs.select_related("conference__committee__term__organization", "conclusion")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("agency").order_by(
                    "-lead", "agency__name"
                ),
            )
        )
        .annotate(
            overdue=Case(
                When(
                    Q(due_on__lt=today)
                    & Q(state__in=[TaskState.GIAO, TaskState.DANG_THUC_HIEN, TaskState.QUA_HAN]),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def conference_tasks(conference: Conference):
    return list(task_rows(conference.tasks.all()).order_by("conclusion__order", "due_on", "id"))


@dataclass
class ReportBack:
    """Tasks of the committee's earlier conferences, as they stood on this conference's date."""

    previous: Conference | None
    open: list[AssignedTask]
    completed: list[AssignedTask]


def report_back(conference: Conference) -> ReportBack:
    """Open tasks carried over (not completed by this date) and those completed since the
    previous conference of the same committee."""
    earlier = Conference.objects.filter(
        committee_id=conference.committee_id, number__lt=conference.number
    )
    previous = earlier.order_by("-number").first()
    if previous is None:
        return ReportBack(None, [], [])
    tasks = task_rows(AssignedTask.objects.filter(conference__in=earlier), conference.date)
    day = conference.date
    still_open = tasks.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=day))
    done_since = tasks.filter(completed_on__gt=previous.date, completed_on__lte=day)
    order = ("conference__number", "due_on", "id")
    return ReportBack(
        previous, list(still_open.order_by(*order)), list(done_since.order_by(*order))
    )


# --- tasks and agencies ----------------------------------------------------------------------


def task_list(
    user,
    *,
    agency: Agency | None = None,
    state: str = "",
    overdue: bool = False,
    conference: Conference | None = None,
    today: date | None = None,
):
    qs = AssignedTask.objects.visible_to(user, VIEW)
    if agency is not None:
        qs = qs.filter(assignments__agency=agency)
    if conference is not None:
        qs = qs.filter(conference=conference)
    if state:
        qs = qs.filter(state=state)
    qs = task_rows(qs, today)
    if overdue:
        qs = qs.filter(overdue=True)
    return qs.order_by("due_on", "id")


def task_get(user, pk: int, action: str = VIEW) -> AssignedTask:
    qs = AssignedTask.objects.visible_to(user, action).select_related(
        "conference__committee__term__organization", "conclusion", "carried_to"
    )
    return get_object_or_404(qs, pk=pk)


def task_timeline(task: AssignedTask) -> dict:
    return {
        "assignments": list(task.assignments.select_related("agency").order_by("-lead")),
        "reports": list(
            TaskProgress.objects.filter(task=task)
            .select_related("agency", "reported_by")
            .order_by("-reported_on", "-id")
        ),
        "events": list(
            TaskEvent.objects.filter(task=task).select_related("actor").order_by("-at", "-id")
        ),
    }


def agency_list(user, *, today: date | None = None):
    """Agencies visible to ``user`` with their open and overdue task counts."""
    today = today or timezone.localdate()
    open_states = [TaskState.GIAO, TaskState.DANG_THUC_HIEN, TaskState.QUA_HAN]
    return (
        Agency.objects.visible_to(user, VIEW)
        .select_related("owner", "organization")
        .annotate(
            open_count=Count(
                "assignments",
                filter=~Q(assignments__task__state=TaskState.HOAN_THANH),
            ),
            overdue_count=Count(
                "assignments",
                filter=Q(
                    assignments__task__state__in=open_states, assignments__task__due_on__lt=today
                ),
            ),
        )
        .order_by("owner__path", "name")
    )


def agency_get(user, pk: int, action: str = VIEW) -> Agency:
    return get_object_or_404(Agency.objects.visible_to(user, action).select_related("owner"), pk=pk)


def agencies_for(conference: Conference):
    """The agencies a conference can give tasks to: those of its organization, still active."""
    return Agency.objects.filter(
        owner_id=conference.committee.term.organization_id, is_active=True
    ).order_by("name")
