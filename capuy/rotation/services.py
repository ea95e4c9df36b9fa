"""Writes of the rotation planner: plans and their inputs, solving, pins, adoption, calendar
links. Every function takes ``acting_user`` (the solve task excepted: it acts for the plan),
runs in one transaction, re-checks scope and raises ``ValidationError`` in Vietnamese naming
the field.
"""

from __future__ import annotations

import calendar
import logging
import time
from collections import defaultdict
from datetime import date, timedelta

import holidays as holiday_calendars
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from capuy.committees.choices import CommitteeKind
from capuy.committees.models import Committee, Seat
from capuy.core.scoping import CHANGE, VIEW, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.core.vntext import format_date, format_number
from capuy.meetings.choices import (
    AttendanceRole,
    AttendanceStatus,
    Confirmation,
    EnteredBy,
    MeetingKind,
    MeetingStatus,
)
from capuy.meetings.models import Attendance, CellMeeting, MeetingSchedule
from capuy.meetings.seats import member_cell_on, pick_seat
from capuy.meetings.selectors import quota_for, rule_in_force
from capuy.meetings.services import schedule_dates
from capuy.organizations.choices import CELL_KINDS, FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag

from . import solver
from .choices import EDITABLE, RUNNING, PlanEventKind, PlanStatus, SolverStatus
from .explain import explain
from .models import (
    RotationAssignment,
    RotationCell,
    RotationFeedToken,
    RotationLeader,
    RotationPlan,
    RotationPlanEvent,
    RotationUnavailability,
    hash_feed_token,
)

logger = logging.getLogger(__name__)

PLANNING_KINDS = (OrgKind.DANG_BO_TINH, OrgKind.DANG_BO_HUYEN, OrgKind.DANG_BO_XA)
FLAG_WEIGHT = {frozenset({FlagKind.KHO_KHAN}): 3, frozenset({FlagKind.PHUC_TAP}): 3}
BOTH_FLAGS_WEIGHT = 5
RULE_FIELDS = (
    "name",
    "max_per_month",
    "min_months_between",
    "cover_priority",
    "min_per_leader",
    "max_leaders_per_meeting",
    "balance_weight",
    "time_limit",
    "default_meeting_day",
)
# A plan left "solving" this long after its time limit lost its worker: it may be run again.
STALE_AFTER = timedelta(minutes=10)


# --- helpers -----------------------------------------------------------------------------------


def _event(plan: RotationPlan, kind: str, user=None, note: str = "") -> None:
    RotationPlanEvent.objects.create(plan=plan, kind=kind, user=user, note=note[:5000])


def _lock(plan: RotationPlan) -> RotationPlan:
    return RotationPlan.objects.select_for_update().select_related("organization").get(pk=plan.pk)


def _editable(acting_user, plan: RotationPlan) -> RotationPlan:
    ensure_in_scope(acting_user, plan, CHANGE)
    locked = _lock(plan)
    require(
        locked.status in EDITABLE,
        "plan",
        _("Kế hoạch «%(name)s» đang được giải hoặc đã áp dụng nên không sửa được.")
        % {"name": locked.name},
    )
    return locked


def _touch(plan: RotationPlan) -> None:
    RotationPlan.objects.filter(pk=plan.pk).update(changed_at=timezone.now())


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def vn_holidays(start: date, end: date) -> dict[date, str]:
    """Vietnamese public holidays (lunar Tết included) between two dates, named in Vietnamese."""
    days = holiday_calendars.country_holidays(
        "VN", years=range(start.year, end.year + 1), language="vi"
    )
    return {day: str(name) for day, name in sorted(days.items()) if start <= day <= end}


def _check_period(organization: Organization, start: date, end: date) -> None:
    require(end >= start, "period_end", _("Ngày kết thúc kỳ phải sau ngày bắt đầu."))
    require(
        months_between(start, end) <= 12,
        "period_end",
        _("Một kế hoạch luân phiên dài tối đa 12 tháng."),
    )


def _check_rules(plan: RotationPlan) -> None:
    require(
        plan.max_per_month >= 1, "max_per_month", _("Mỗi tháng phải cho phép ít nhất một buổi.")
    )
    require(1 <= plan.time_limit <= 600, "time_limit", _("Thời gian giải từ 1 đến 600 giây."))
    require(
        plan.min_months_between <= 24,
        "min_months_between",
        _("Khoảng cách giữa hai lần dự cùng chi bộ tối đa 24 tháng."),
    )


# --- regulation and defaults ---------------------------------------------------------------------


def plan_defaults(organization: Organization, start: date, end: date) -> dict:
    """Rule values from the regulation in force: the period's share of the yearly quota."""
    rule = rule_in_force(organization, start)
    quota = quota_for(rule, organization.level)
    defaults = {"min_per_leader": 1}
    if quota is not None and quota.min_attendances:
        months = months_between(start, end)
        defaults["min_per_leader"] = max(1, -(-quota.min_attendances * months // 12))
    return defaults


def default_committee(organization: Organization, day: date) -> Committee | None:
    """The organization's Ban Chấp hành for the term running on ``day``."""
    return (
        Committee.objects.filter(
            term__organization=organization, kind=CommitteeKind.BCH, term__start_on__lte=day
        )
        .filter(Q(term__end_on__isnull=True) | Q(term__end_on__gte=day))
        .order_by("-term__start_on")
        .first()
    )


def _seats_in_period(committee: Committee, start: date, end: date) -> list[Seat]:
    """One seat per member of ``committee`` held at some time in the period (the longest)."""
    seats = (
        Seat.objects.filter(committee=committee, start_on__lte=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=start))
        .select_related("member", "committee__term__organization")
        .order_by("member_id", "start_on")
    )
    best: dict[int, Seat] = {}
    for seat in seats:
        overlap = (min(seat.end_on or end, end) - max(seat.start_on, start)).days
        kept = best.get(seat.member_id)
        if (
            kept is None
            or overlap > (min(kept.end_on or end, end) - max(kept.start_on, start)).days
        ):
            best[seat.member_id] = seat
    return list(best.values())


def _shortfall(member, seat: Seat, plan: RotationPlan) -> int:
    """Attendances owed at the period start: the yearly quota's share of the months already
    gone minus the attendances recorded this year before the period."""
    rule = rule_in_force(plan.organization, plan.period_start)
    quota = quota_for(rule, seat.level)
    if quota is None or not quota.min_attendances:
        return 0
    start = plan.period_start
    expected = quota.min_attendances * (start.month - 1) // 12
    done = (
        Attendance.objects.counted()
        .filter(member=member, date__year=start.year, date__lt=start)
        .count()
    )
    return max(0, expected - done)


def _flag_reasons(organization: Organization, start: date, end: date) -> dict[str, set[str]]:
    """Flagged organization paths (in the subtree or above it) active during the period."""
    flags = (
        OrganizationFlag.objects.filter(
            Q(organization__path__startswith=organization.path)
            | Q(organization__path__in=organization.ancestor_paths()),
            valid_from__lte=end,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .values_list("organization__path", "kind")
    )
    found: dict[str, set[str]] = defaultdict(set)
    for path, kind in flags:
        found[path].add(kind)
    return found


def _cells_in_period(organization: Organization, start: date, end: date):
    return (
        Organization.objects.filter(path__startswith=organization.path, kind__in=list(CELL_KINDS))
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=end))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start))
        .order_by("path")
    )


def cell_priority(cell: Organization, flagged: dict[str, set[str]]) -> tuple[bool, int, str]:
    """(priority, weight, reason) from the flags on the cell or any organization above it."""
    kinds: set[str] = set()
    where: list[str] = []
    for path, flag_kinds in flagged.items():
        if cell.path.startswith(path):
            kinds |= flag_kinds
            where.append(path)
    if not kinds:
        return False, 1, ""
    weight = BOTH_FLAGS_WEIGHT if len(kinds) > 1 else FLAG_WEIGHT[frozenset(kinds)]
    labels = [FlagKind(k).label for k in sorted(kinds)]
    return True, weight, ", ".join(str(label) for label in labels)


# --- meetings to plan against ----------------------------------------------------------------------


def _prepare_meetings(plan: RotationPlan, cells: list[Organization]) -> int:
    """Make sure the cells' meetings in the period exist: from their schedules (the meetings
    app's dates, same idempotency: one meeting of a kind a month), otherwise, when the plan has
    a default day, a regular meeting on that day each month. Returns how many were created."""
    start, end = plan.period_start, plan.period_end
    cell_ids = [c.pk for c in cells]
    existing = defaultdict(set)
    for cell_id, kind, day in CellMeeting.objects.filter(
        cell_id__in=cell_ids, date__gte=start, date__lte=end
    ).values_list("cell_id", "kind", "date"):
        existing[cell_id, kind].add((day.year, day.month))
    schedules = defaultdict(list)
    for schedule in MeetingSchedule.objects.filter(cell_id__in=cell_ids).select_related("cell"):
        schedules[schedule.cell_id].append(schedule)
    new: list[CellMeeting] = []
    for cell in cells:
        dates: list[tuple[date, str, str, MeetingSchedule | None]] = []
        for schedule in schedules.get(cell.pk, []):
            for day in schedule_dates(schedule, end):
                if day >= start:
                    dates.append((day, schedule.kind, schedule.place, schedule))
        if (
            not dates
            and plan.default_meeting_day
            and not any(existing.get((cell.pk, kind)) for kind in MeetingKind.values)
        ):
            month = date(start.year, start.month, 1)
            while month <= end:
                day = month.replace(day=plan.default_meeting_day)
                if start <= day <= end:
                    dates.append((day, MeetingKind.THUONG_KY, "", None))
                month = add_months(month, 1)
        for day, kind, place, schedule in dates:
            if (day.year, day.month) in existing[cell.pk, kind] or not cell.is_valid_on(day):
                continue
            existing[cell.pk, kind].add((day.year, day.month))
            new.append(
                CellMeeting(
                    cell=cell,
                    date=day,
                    kind=kind,
                    place=place,
                    schedule=schedule,
                    status=MeetingStatus.SCHEDULED,
                )
            )
    if new:
        bulk_create_with_history(new, CellMeeting, batch_size=500)
    return len(new)


# --- plans and their inputs ------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    acting_user,
    organization: Organization,
    name: str,
    period_start: date,
    period_end: date,
    committee: Committee | None = None,
    include_other_cells: bool = False,
    **rules,
) -> RotationPlan:
    """Lập kế hoạch: the committee's seat holders in the period become the leaders, the flagged
    cells of the organization (and, on request, all its other cells) the cells to cover."""
    ensure_in_scope(acting_user, organization, CHANGE)
    require(
        organization.kind in PLANNING_KINDS,
        "organization",
        _("Kế hoạch luân phiên do đảng bộ tỉnh, huyện hoặc xã lập."),
    )
    _check_period(organization, period_start, period_end)
    if committee is None:
        committee = default_committee(organization, period_start)
    else:
        ensure_in_scope(acting_user, committee, VIEW)
        require(
            committee.term.organization.path in organization.ancestor_paths(),
            "committee",
            _("Cấp ủy phải là cấp ủy của %(org)s hoặc cấp trên.") % {"org": organization.name},
        )
    defaults = plan_defaults(organization, period_start, period_end)
    values = {"min_per_leader": defaults["min_per_leader"], **rules}
    values = {k: v for k, v in values.items() if v is not None}
    unknown = set(values) - set(RULE_FIELDS)
    require(not unknown, "plan", _("Quy định không hợp lệ: %(x)s") % {"x": ", ".join(unknown)})
    plan = RotationPlan(
        organization=organization,
        name=name.strip(),
        period_start=period_start,
        period_end=period_end,
        committee=committee,
        created_by=acting_user,
        **values,
    )
    plan.full_clean()
    _check_rules(plan)
    plan.save()

    if committee is not None:
        leaders = [
            RotationLeader(
                plan=plan,
                member=seat.member,
                seat=seat,
                shortfall=_shortfall(seat.member, seat, plan),
            )
            for seat in _seats_in_period(committee, period_start, period_end)
        ]
        bulk_create_with_history(leaders, RotationLeader)
    flagged = _flag_reasons(organization, period_start, period_end)
    rows, cells = [], []
    for cell in _cells_in_period(organization, period_start, period_end):
        priority, weight, reason = cell_priority(cell, flagged)
        if priority or include_other_cells:
            rows.append(
                RotationCell(plan=plan, cell=cell, weight=weight, priority=priority, reason=reason)
            )
            cells.append(cell)
    bulk_create_with_history(rows, RotationCell, batch_size=500)
    created = _prepare_meetings(plan, cells)
    note = _(
        "%(l)s đồng chí, %(c)s chi bộ (%(p)s ưu tiên); tạo %(m)s buổi sinh hoạt theo lịch."
    ) % {
        "l": format_number(plan.leaders.count()),
        "c": format_number(len(rows)),
        "p": format_number(sum(1 for r in rows if r.priority)),
        "m": format_number(created),
    }
    _event(plan, PlanEventKind.CREATED, acting_user, note)
    ensure_in_scope(acting_user, plan, CHANGE)
    return plan


@transaction.atomic
def plan_update(*, acting_user, plan: RotationPlan, **changes) -> RotationPlan:
    """Change the name or the rules (not the period: it decides leaders, cells and meetings)."""
    locked = _editable(acting_user, plan)
    if apply_changes(locked, changes, RULE_FIELDS):
        locked.full_clean()
        _check_rules(locked)
        locked.changed_at = timezone.now()
        locked.save()
    return locked


@transaction.atomic
def plan_delete(*, acting_user, plan: RotationPlan) -> None:
    locked = _editable(acting_user, plan)
    locked.delete()


def _plan_cell_paths_ok(plan: RotationPlan, cell: Organization) -> None:
    require(
        cell.kind in CELL_KINDS and cell.path.startswith(plan.organization.path),
        "cell",
        _("Chỉ thêm được chi bộ thuộc %(org)s.") % {"org": plan.organization.name},
    )


@transaction.atomic
def leader_add(
    *, acting_user, plan: RotationPlan, member, seat: Seat | None = None, shortfall=None
):
    """Thêm đồng chí: a member holding a committee seat at some time in the period."""
    locked = _editable(acting_user, plan)
    ensure_in_scope(acting_user, member, VIEW)
    if seat is None:
        seat = (
            Seat.objects.filter(member=member, start_on__lte=locked.period_end)
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=locked.period_start))
            .filter(committee__term__organization__path__in=locked.organization.ancestor_paths())
            .select_related("committee__term__organization")
            .order_by("start_on")
            .last()
        )
    if seat is not None:
        require(
            seat.committee.term.organization.path in locked.organization.ancestor_paths()
            and seat.start_on <= locked.period_end
            and (seat.end_on is None or seat.end_on >= locked.period_start),
            "seat",
            _("Chức vụ phải thuộc cấp ủy %(org)s (hoặc cấp trên) và còn giữ trong kỳ.")
            % {"org": locked.organization.name},
        )
    require(
        seat is not None and seat.member_id == member.pk,
        "member",
        _("Đồng chí %(name)s không giữ chức vụ trong cấp ủy %(org)s (hoặc cấp trên) trong kỳ.")
        % {"name": member.full_name, "org": locked.organization.name},
    )
    require(
        RotationLeader.objects.filter(plan=locked, member=member).exists() is False,
        "member",
        _("Đồng chí %(name)s đã có trong kế hoạch.") % {"name": member.full_name},
    )
    leader = RotationLeader(
        plan=locked,
        member=member,
        seat=seat,
        shortfall=_shortfall(member, seat, locked) if shortfall is None else shortfall,
    )
    leader.full_clean()
    leader.save()
    _touch(locked)
    return leader


@transaction.atomic
def leader_update(*, acting_user, leader: RotationLeader, **changes) -> RotationLeader:
    _editable(acting_user, leader.plan)
    locked = RotationLeader.objects.select_for_update().get(pk=leader.pk)
    if apply_changes(locked, changes, ("shortfall", "note")):
        locked.full_clean()
        locked.save()
        _touch(locked.plan)
    return locked


@transaction.atomic
def leader_remove(*, acting_user, leader: RotationLeader) -> None:
    _editable(acting_user, leader.plan)
    plan = leader.plan
    leader.delete()
    _touch(plan)


@transaction.atomic
def cell_add(
    *,
    acting_user,
    plan: RotationPlan,
    cell: Organization,
    weight: int | None = None,
    priority: bool | None = None,
) -> RotationCell:
    """Thêm chi bộ; its priority and weight follow its flags unless given."""
    locked = _editable(acting_user, plan)
    ensure_in_scope(acting_user, cell, VIEW)
    _plan_cell_paths_ok(locked, cell)
    require(
        not RotationCell.objects.filter(plan=locked, cell=cell).exists(),
        "cell",
        _("Chi bộ %(name)s đã có trong kế hoạch.") % {"name": cell.name},
    )
    flagged = _flag_reasons(locked.organization, locked.period_start, locked.period_end)
    is_priority, default_weight, reason = cell_priority(cell, flagged)
    row = RotationCell(
        plan=locked,
        cell=cell,
        weight=default_weight if weight is None else weight,
        priority=is_priority if priority is None else priority,
        reason=reason,
    )
    row.full_clean()
    row.save()
    _prepare_meetings(locked, [cell])
    _touch(locked)
    return row


@transaction.atomic
def cell_update(*, acting_user, cell: RotationCell, **changes) -> RotationCell:
    _editable(acting_user, cell.plan)
    locked = RotationCell.objects.select_for_update().get(pk=cell.pk)
    if apply_changes(locked, changes, ("weight", "priority")):
        locked.full_clean()
        locked.save()
        _touch(locked.plan)
    return locked


@transaction.atomic
def cell_remove(*, acting_user, cell: RotationCell) -> None:
    _editable(acting_user, cell.plan)
    plan = cell.plan
    cell.delete()
    _touch(plan)


@transaction.atomic
def unavailability_add(
    *, acting_user, leader: RotationLeader, start_on: date, end_on: date, reason: str = ""
) -> RotationUnavailability:
    """Lịch vắng of a leader (dd/mm/yyyy – dd/mm/yyyy), within the period."""
    locked = _editable(acting_user, leader.plan)
    require(end_on >= start_on, "end_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
    require(
        start_on <= locked.period_end and end_on >= locked.period_start,
        "start_on",
        _("Lịch vắng phải nằm trong kỳ kế hoạch (%(a)s – %(b)s).")
        % {"a": format_date(locked.period_start), "b": format_date(locked.period_end)},
    )
    row = RotationUnavailability(
        plan=locked, leader=leader, start_on=start_on, end_on=end_on, reason=reason.strip()
    )
    row.full_clean()
    row.save()
    _touch(locked)
    return row


@transaction.atomic
def unavailability_remove(*, acting_user, unavailability: RotationUnavailability) -> None:
    _editable(acting_user, unavailability.plan)
    plan = unavailability.plan
    unavailability.delete()
    _touch(plan)


# --- the problem from rows -----------------------------------------------------------------------


class PlanProblem:
    """A plan's rows turned into a ``solver.Problem`` plus the maps back to rows."""

    def __init__(self, plan: RotationPlan):
        self.plan = plan
        start, end = plan.period_start, plan.period_end
        rule = rule_in_force(plan.organization, start)
        outside_own_cell = rule is None or rule.must_attend_outside_own_cell
        leaders = list(
            RotationLeader.objects.filter(plan=plan)
            .select_related("member", "seat")
            .prefetch_related("member__transfers")
        )
        self.leader_rows = {row.pk: row for row in leaders}
        away = defaultdict(list)
        for row in RotationUnavailability.objects.filter(plan=plan):
            away[row.leader_id].append((row.start_on, row.end_on, row.reason))
        cells = list(RotationCell.objects.filter(plan=plan).select_related("cell"))
        self.cell_rows = {row.cell_id: row for row in cells}
        meetings = list(
            CellMeeting.objects.filter(
                cell_id__in=list(self.cell_rows),
                date__gte=start,
                date__lte=end,
                status=MeetingStatus.SCHEDULED,
            ).order_by("date", "cell_id", "id")
        )
        self.meetings = {m.pk: m for m in meetings}
        history = self._history(leaders, plan)
        problem_leaders = []
        for row in leaders:
            home = member_cell_on(row.member, start) if outside_own_cell else None
            problem_leaders.append(
                solver.Leader(
                    key=row.pk,
                    name=row.member.full_name,
                    shortfall=row.shortfall,
                    home_cell=home,
                    seat_from=row.seat.start_on,
                    seat_to=row.seat.end_on,
                    unavailable=away.get(row.pk, []),
                    last_visit=history.get(row.member_id, {}),
                )
            )
        assignments = list(
            RotationAssignment.objects.filter(plan=plan).values_list(
                "leader_id", "meeting_id", "pinned"
            )
        )
        self.holidays = vn_holidays(start, end)
        self.problem = solver.Problem(
            leaders=problem_leaders,
            cells=[
                solver.Cell(
                    key=row.cell_id, name=row.cell.name, weight=row.weight, priority=row.priority
                )
                for row in cells
            ],
            slots=[solver.Slot(key=m.pk, cell=m.cell_id, day=m.date) for m in meetings],
            rules=solver.Rules(
                max_per_month=plan.max_per_month,
                min_months_between=plan.min_months_between,
                cover_priority=plan.cover_priority,
                min_per_leader=plan.min_per_leader,
                max_leaders_per_meeting=plan.max_leaders_per_meeting,
                balance_weight=plan.balance_weight,
            ),
            holidays=self.holidays,
            pins={(lk, mk) for lk, mk, pinned in assignments if pinned},
            previous={(lk, mk) for lk, mk, _ in assignments},
        )
        self.reasons = {row.cell_id: row.reason for row in cells if row.reason}

    @staticmethod
    def _history(leaders: list[RotationLeader], plan: RotationPlan) -> dict[int, dict[int, int]]:
        """Month of each leader's last attendance (recorded or planned) at each cell within the
        M months before the period: the "not twice within M months" rule reaches back."""
        if not leaders or not plan.min_months_between:
            return {}
        since = add_months(plan.period_start.replace(day=1), -plan.min_months_between)
        rows = Attendance.objects.filter(
            member_id__in=[row.member_id for row in leaders],
            meeting__cell_id__in=RotationCell.objects.filter(plan=plan).values("cell_id"),
            date__gte=since,
            date__lt=plan.period_start,
        ).values_list("member_id", "meeting__cell_id", "date")
        history: dict[int, dict[int, int]] = defaultdict(dict)
        for member_id, cell_id, day in rows:
            mi = solver.month_index(day)
            history[member_id][cell_id] = max(history[member_id].get(cell_id, mi), mi)
        return history


# --- solving ---------------------------------------------------------------------------------


@transaction.atomic
def plan_run(*, acting_user, plan: RotationPlan, time_limit: int | None = None) -> RotationPlan:
    """Giải: queue the solve (a django-tasks task); the page polls the plan's progress."""
    from .tasks import solve_plan

    ensure_in_scope(acting_user, plan, CHANGE)
    locked = _lock(plan)
    stale = (
        locked.status in RUNNING
        and locked.solve_started_at is not None
        and timezone.now() - locked.solve_started_at
        > STALE_AFTER + timedelta(seconds=locked.time_limit)
    )
    require(
        locked.status in EDITABLE or stale,
        "plan",
        _("Kế hoạch đang được giải hoặc đã áp dụng."),
    )
    require(locked.leaders.exists(), "leaders", _("Kế hoạch chưa có đồng chí nào để luân phiên."))
    require(locked.cells.exists(), "cells", _("Kế hoạch chưa có chi bộ nào."))
    if time_limit is not None:
        require(1 <= time_limit <= 600, "time_limit", _("Thời gian giải từ 1 đến 600 giây."))
        locked.time_limit = time_limit
    locked.status = PlanStatus.QUEUED
    locked.revision += 1
    locked.progress = 0
    locked.progress_message = _("Đang chờ máy giải…")
    locked.save()
    _event(locked, PlanEventKind.SOLVE_REQUESTED, acting_user)
    # With the database task backend the task row commits with the plan row.
    solve_plan.enqueue(plan_id=locked.pk, revision=locked.revision)
    locked.refresh_from_db()
    return locked


def _progress_reporter(plan: RotationPlan):
    last = [0.0]

    def report(elapsed: float, objective, bound) -> None:
        now = time.monotonic()
        if now - last[0] < 1.0:
            return
        last[0] = now
        percent = max(1, min(99, int(100 * elapsed / max(1, plan.time_limit))))
        if objective is None:
            message = _("Đang tìm phương án… %(s)s giây") % {"s": format_number(elapsed, 0)}
        else:
            message = _("Đã có phương án, đang cải thiện… %(s)s giây") % {
                "s": format_number(elapsed, 0)
            }
        RotationPlan.objects.filter(pk=plan.pk).update(progress=percent, progress_message=message)

    return report


def plan_solve(*, plan_id: int, revision: int) -> RotationPlan | None:
    """The solve task's body: build the problem from rows, run the solver under the plan's
    time limit (progress written to the plan row as it goes), save the assignments with their
    explanations, or the reason no plan exists. A stale revision does nothing."""
    plan = RotationPlan.objects.select_related("organization").filter(pk=plan_id).first()
    if plan is None or plan.revision != revision or plan.status not in RUNNING:
        return None
    RotationPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.SOLVING,
        solve_started_at=timezone.now(),
        progress=1,
        progress_message=_("Đang chuẩn bị dữ liệu…"),
    )
    try:
        with transaction.atomic():
            cells = [row.cell for row in plan.cells.select_related("cell")]
            _prepare_meetings(plan, cells)
        built = PlanProblem(plan)
        result = solver.solve(
            built.problem,
            time_limit=plan.time_limit,
            workers=2,
            on_progress=_progress_reporter(plan),
        )
        return _save_result(plan, revision, built, result)
    except Exception:
        logger.exception("Rotation plan %s failed", plan_id)
        RotationPlan.objects.filter(pk=plan.pk, revision=revision).update(
            status=PlanStatus.FAILED,
            progress=100,
            progress_message=_("Lỗi khi giải. Hãy thử lại hoặc báo cho quản trị hệ thống."),
        )
        _event(plan, PlanEventKind.FAILED)
        raise


def _summary(built: PlanProblem, result: solver.Result) -> dict:
    problem = built.problem
    holiday_slots = [s for s in problem.slots if s.day in problem.holidays]
    summary = {
        "leaders": len(problem.leaders),
        "cells": len(problem.cells),
        "priority_cells": len(problem.priority_cells),
        "slots": len(problem.slots),
        "holiday_slots": len(holiday_slots),
        "holidays": [[d.isoformat(), name] for d, name in problem.holidays.items()],
        "eligible_pairs": len(problem.pairs()),
        "fair_share": problem.fair_share,
        "available_visits": solver.available_visits(problem),
        "vars": result.num_vars,
        "first_solution": result.first_solution_time,
        "relaxation_time": round(result.relaxation_time, 3),
        "stages": result.stages,
        "greedy": result.greedy_breakdown.as_dict(),
        "culprits": result.culprits,
    }
    if result.breakdown is not None:
        summary["plan"] = result.breakdown.as_dict()
        summary["changes"] = result.breakdown.changes
    return summary


@transaction.atomic
def _save_result(
    plan: RotationPlan, revision: int, built: PlanProblem, result: solver.Result
) -> RotationPlan | None:
    locked = _lock(plan)
    if locked.revision != revision:
        return None  # someone ran it again meanwhile: that run writes
    problem = built.problem
    locked.solver_status = result.status
    locked.wall_time = round(result.wall_time, 3)
    locked.greedy_objective = result.greedy_objective
    locked.best_bound = result.bound
    locked.summary = _summary(built, result)
    locked.solved_at = timezone.now()
    locked.progress = 100
    if result.status in (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE):
        bad = solver.violations(problem, result.assignments)
        if bad:  # never save a plan that breaks a rule
            raise RuntimeError(f"solver returned a plan that breaks rules: {bad[:5]}")
        sentences = explain(problem, result.assignments, reasons=built.reasons)
        locked.assignments.all().delete()
        rows = []
        for leader_key, meeting_key in sorted(result.assignments):
            meeting = built.meetings[meeting_key]
            rows.append(
                RotationAssignment(
                    plan=locked,
                    leader_id=leader_key,
                    cell=built.cell_rows[meeting.cell_id],
                    meeting=meeting,
                    date=meeting.date,
                    pinned=(leader_key, meeting_key) in problem.pins,
                    kept=(leader_key, meeting_key) in problem.previous,
                    explanation=sentences[leader_key, meeting_key],
                )
            )
        bulk_create_with_history(rows, RotationAssignment, batch_size=500)
        locked.status = PlanStatus.SOLVED
        locked.objective = result.objective
        locked.gap = result.gap
        locked.proven_optimal = result.proven_optimal
        locked.infeasibility = ""
        locked.progress_message = (
            _("Tối ưu") if result.proven_optimal else _("Khả thi, chưa chứng minh tối ưu")
        )
        note = _("%(n)s phân công; %(s)s; %(t)s giây.") % {
            "n": format_number(len(rows)),
            "s": SolverStatus(result.status).label,
            "t": format_number(result.wall_time, 1),
        }
        _event(locked, PlanEventKind.SOLVED, note=note)
    else:
        locked.status = (
            PlanStatus.INFEASIBLE if result.status == SolverStatus.INFEASIBLE else PlanStatus.FAILED
        )
        locked.objective = None
        locked.gap = None
        locked.proven_optimal = False
        locked.infeasibility = "\n".join(result.diagnosis)
        locked.progress_message = SolverStatus(result.status).label
        _event(locked, PlanEventKind.INFEASIBLE, note=locked.infeasibility)
    locked.save()
    return locked


# --- pins --------------------------------------------------------------------------------------


def _pin_check(plan: RotationPlan, leader: RotationLeader, meeting: CellMeeting) -> None:
    """A pin must itself respect the calendar: the office sees why at once, not after a solve."""
    require(leader.plan_id == plan.pk, "leader", _("Đồng chí không thuộc kế hoạch này."))
    require(
        plan.cells.filter(cell_id=meeting.cell_id).exists(),
        "meeting",
        _("Buổi sinh hoạt không thuộc chi bộ nào của kế hoạch."),
    )
    require(
        plan.period_start <= meeting.date <= plan.period_end,
        "meeting",
        _("Buổi sinh hoạt nằm ngoài kỳ kế hoạch."),
    )
    require(
        meeting.status == MeetingStatus.SCHEDULED,
        "meeting",
        _("Buổi sinh hoạt không còn ở trạng thái đã lên lịch."),
    )
    holidays = vn_holidays(meeting.date, meeting.date)
    require(
        meeting.date not in holidays,
        "meeting",
        _("Ngày %(d)s là ngày lễ (%(h)s).")
        % {"d": format_date(meeting.date), "h": holidays.get(meeting.date, "")},
    )
    require(
        leader.seat.is_held_on(meeting.date),
        "meeting",
        _("Ngày %(d)s đồng chí %(name)s không giữ chức vụ cấp ủy.")
        % {"name": leader.member.full_name, "d": format_date(meeting.date)},
    )
    rule = rule_in_force(plan.organization, plan.period_start)
    if rule is None or rule.must_attend_outside_own_cell:
        require(
            member_cell_on(leader.member, meeting.date) != meeting.cell_id,
            "meeting",
            _("Đồng chí %(name)s sinh hoạt tại chính %(cell)s.")
            % {"name": leader.member.full_name, "cell": meeting.cell.name},
        )
    away = leader.unavailabilities.filter(start_on__lte=meeting.date, end_on__gte=meeting.date)
    require(
        not away.exists(),
        "meeting",
        _("Đồng chí %(name)s có lịch vắng ngày %(d)s.")
        % {"name": leader.member.full_name, "d": format_date(meeting.date)},
    )


@transaction.atomic
def assignment_pin(*, acting_user, assignment: RotationAssignment) -> RotationAssignment:
    """Ghim: keep this assignment through every re-plan."""
    plan = _editable(acting_user, assignment.plan)
    locked = RotationAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not locked.pinned:
        locked.pinned = True
        locked.save(update_fields=["pinned"])
        _event(plan, PlanEventKind.PINNED, acting_user, str(locked))
        _touch(plan)
    return locked


@transaction.atomic
def assignment_unpin(*, acting_user, assignment: RotationAssignment) -> RotationAssignment:
    plan = _editable(acting_user, assignment.plan)
    locked = RotationAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.pinned:
        locked.pinned = False
        locked.save(update_fields=["pinned"])
        _event(plan, PlanEventKind.UNPINNED, acting_user, str(locked))
        _touch(plan)
    return locked


@transaction.atomic
def assignment_add_pinned(
    *, acting_user, plan: RotationPlan, leader: RotationLeader, meeting: CellMeeting
) -> RotationAssignment:
    """Ghim một phân công mới: the office insists on this leader at this meeting; the next
    re-plan keeps it and moves as little else as it can."""
    locked = _editable(acting_user, plan)
    ensure_in_scope(acting_user, meeting, VIEW)
    _pin_check(locked, leader, meeting)
    existing = RotationAssignment.objects.filter(
        plan=locked, leader=leader, meeting=meeting
    ).first()
    if existing is not None:
        return assignment_pin(acting_user=acting_user, assignment=existing)
    row = RotationAssignment(
        plan=locked,
        leader=leader,
        cell=locked.cells.get(cell_id=meeting.cell_id),
        meeting=meeting,
        date=meeting.date,
        pinned=True,
        explanation=_(
            "Đ/c %(name)s dự sinh hoạt %(cell)s ngày %(d)s vì: văn phòng đã ghim "
            "phân công này (chưa lập lại phương án)."
        )
        % {
            "name": leader.member.full_name,
            "cell": meeting.cell.name,
            "d": format_date(meeting.date),
        },
    )
    row.full_clean()
    row.save()
    _event(locked, PlanEventKind.PINNED, acting_user, str(row))
    _touch(locked)
    return row


# --- adoption --------------------------------------------------------------------------------


@transaction.atomic
def plan_adopt(*, acting_user, plan: RotationPlan) -> RotationPlan:
    """Áp dụng: every assignment becomes a planned attendance (status "planned", entered by the
    office) under the seat the leader holds on the meeting date. When the cell secretary or the
    leader later records the attendance, the planned row becomes the recorded one.

    The meetings app's ``attendance_record`` records attendances that happened (no future
    dates), so the planned rows are written here with the same checks: the meeting is not
    cancelled, the seat is held on the date on a committee above the cell (``pick_seat``), the
    leader does not attend his own cell when the regulation forbids it, one row per meeting.
    """
    ensure_in_scope(acting_user, plan, CHANGE)
    locked = _lock(plan)
    require(
        locked.status == PlanStatus.SOLVED,
        "plan",
        _("Chỉ áp dụng được kế hoạch đã có phương án."),
    )
    require(
        not locked.needs_replan,
        "plan",
        _("Đầu vào hoặc phân công ghim đã thay đổi sau lần giải cuối: hãy lập lại phương án."),
    )
    assignments = list(
        locked.assignments.select_related("leader__member", "meeting__cell").prefetch_related(
            "leader__member__transfers"
        )
    )
    require(assignments, "plan", _("Phương án không có phân công nào."))
    rule = rule_in_force(locked.organization, locked.period_start)
    members = {row.leader.member_id for row in assignments}
    seats: dict[int, list[Seat]] = defaultdict(list)
    for seat in Seat.objects.filter(member_id__in=members).select_related(
        "committee__term__organization"
    ):
        seats[seat.member_id].append(seat)
    existing = {
        (a.meeting_id, a.member_id): a
        for a in Attendance.objects.filter(
            meeting_id__in={row.meeting_id for row in assignments}, member_id__in=members
        )
    }
    new: list[Attendance] = []
    note = _("Theo kế hoạch luân phiên «%(p)s».") % {"p": locked.name}
    for row in assignments:
        meeting, member = row.meeting, row.leader.member
        where = _("%(name)s, %(cell)s ngày %(d)s") % {
            "name": member.full_name,
            "cell": meeting.cell.name,
            "d": format_date(meeting.date),
        }
        require(
            meeting.status != MeetingStatus.CANCELLED,
            "plan",
            _("Buổi sinh hoạt đã bị hoãn/hủy: %(w)s. Hãy lập lại phương án.") % {"w": where},
        )
        try:
            seat = pick_seat(
                member=member, organization=meeting.cell, day=meeting.date, seats=seats[member.pk]
            )
        except ValidationError as error:
            raise ValidationError(
                {"plan": _("%(w)s: %(e)s") % {"w": where, "e": " ".join(error.messages)}}
            ) from error
        if rule is None or rule.must_attend_outside_own_cell:
            home = member_cell_on(member, meeting.date, transfers=member.transfers.all())
            require(
                home != meeting.cell_id,
                "plan",
                _("%(w)s: đồng chí sinh hoạt tại chính chi bộ này.") % {"w": where},
            )
        attendance = existing.get((meeting.pk, member.pk))
        if attendance is None:
            attendance = Attendance(
                meeting=meeting,
                member=member,
                seat=seat,
                level=seat.level,
                date=meeting.date,
                cell_path=meeting.cell.path,
                role=AttendanceRole.DU,
                status=AttendanceStatus.PLANNED,
                entered_via=EnteredBy.OFFICE,
                entered_by=acting_user,
                confirmation=Confirmation.PENDING,
                notes=note,
            )
            # the foreign keys were just read, and one row per meeting was checked above
            attendance.full_clean(
                exclude=["meeting", "member", "seat", "entered_by"], validate_constraints=False
            )
            existing[meeting.pk, member.pk] = attendance
            new.append(attendance)
        row.attendance = attendance
    bulk_create_with_history(new, Attendance, batch_size=500, default_user=acting_user)
    bulk_update_with_history(
        assignments, RotationAssignment, ["attendance"], batch_size=500, default_user=acting_user
    )
    created, linked = len(new), len(assignments) - len(new)
    locked.status = PlanStatus.ADOPTED
    locked.adopted_by = acting_user
    locked.adopted_at = timezone.now()
    locked.save()
    _event(
        locked,
        PlanEventKind.ADOPTED,
        acting_user,
        _("Tạo %(c)s lượt dự theo kế hoạch; %(l)s lượt đã có từ trước.")
        % {"c": format_number(created), "l": format_number(linked)},
    )
    return locked


# --- calendar feed links -----------------------------------------------------------------------


@transaction.atomic
def feed_token_issue(*, acting_user, leader: RotationLeader) -> tuple[RotationFeedToken, str]:
    """Cấp đường dẫn lịch for the leader; revokes the member's earlier links from this
    organization. The raw token is returned once and never stored."""
    ensure_in_scope(acting_user, leader.plan, CHANGE)
    organization = leader.plan.organization
    RotationFeedToken.objects.filter(
        organization=organization, member=leader.member, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    raw = RotationFeedToken.new_raw()
    token = RotationFeedToken.objects.create(
        organization=organization,
        member=leader.member,
        token_hash=hash_feed_token(raw),
        hint=raw[:12],
        created_by=acting_user,
    )
    return token, raw


@transaction.atomic
def feed_token_revoke(*, acting_user, token: RotationFeedToken) -> RotationFeedToken:
    ensure_in_scope(acting_user, token, CHANGE)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
