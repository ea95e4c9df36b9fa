"""The planner through its services and rows: plan, solve, pins, adoption, infeasibility."""

from collections import defaultdict
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from capuy.meetings.choices import AttendanceStatus, EnteredBy
from capuy.meetings.models import Attendance, CellMeeting
from capuy.meetings.testing import rule_at
from capuy.organizations.choices import SeatLevel
from capuy.rotation import services
from capuy.rotation.choices import PlanStatus
from capuy.rotation.models import RotationAssignment, RotationUnavailability


def run(rw, plan, user="office"):
    services.plan_run(acting_user=rw.world.users[user], plan=plan)
    plan.refresh_from_db()
    return plan


def pairs(plan):
    return set(plan.assignments.values_list("leader_id", "meeting_id"))


def test_a_plan_takes_the_committees_seat_holders_and_the_flagged_cells(rw, make_plan):
    plan = make_plan()
    members = {row.member_id for row in plan.leaders.all()}
    assert members == {m.pk for m in rw.leaders}
    priority = {row.cell_id for row in plan.cells.filter(priority=True)}
    assert priority == {c.pk for c in rw.cells}
    assert not plan.cells.filter(cell__in=rw.plain_cells).exists()
    cell = plan.cells.first()
    assert cell.weight == 3 and cell.reason == "Địa bàn khó khăn"


def test_other_cells_join_on_request_without_priority(rw, make_plan):
    plan = make_plan(include_other_cells=True)
    plain = plan.cells.get(cell=rw.plain_cells[0])
    assert plain.priority is False and plain.weight == 1


def test_the_regulation_sets_the_minimum_and_the_shortfall(rw, world):
    # 01-QĐ/TU: provincial members ≥ 4 a year; a July–December plan owes 2 in the period and
    # a member without any attendance in January–June owes 2 more (4 × 6/12)
    rule_at(world.province, quotas={SeatLevel.TINH: 4, SeatLevel.HUYEN: 6, SeatLevel.XA: 6})
    plan = services.plan_create(
        acting_user=world.users["office"],
        organization=world.province,
        name="6 tháng cuối năm",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 12, 31),
    )
    assert plan.min_per_leader == 2
    assert set(plan.leaders.values_list("shortfall", flat=True)) == {2}


def test_cells_without_meetings_get_them_on_the_default_day(rw, world, make_plan):
    from capuy.core.testing import org_child
    from capuy.organizations.choices import OrgKind

    new = org_child(world.grassroots, "H01-X01-C99", "Chi bộ thôn Mới", OrgKind.CHI_BO_TRUC_THUOC)
    plan = make_plan(default_meeting_day=15)
    days = list(
        CellMeeting.objects.filter(cell=new).order_by("date").values_list("date", flat=True)
    )
    assert days == [date(2026, m, 15) for m in range(1, 7)]
    assert plan.cells.filter(cell=new, priority=True).exists()


def test_solving_saves_an_optimal_plan_with_reasons(rw, make_plan):
    plan = run(rw, make_plan())
    assert plan.status == PlanStatus.SOLVED
    assert plan.solver_status == "OPTIMAL" and plan.proven_optimal and plan.gap == 0
    assert plan.objective == plan.best_bound
    assert plan.wall_time < 10
    visited = set(plan.assignments.values_list("cell__cell_id", flat=True))
    assert visited >= {c.pk for c in rw.cells}
    row = plan.assignments.select_related("leader__member").first()
    assert row.explanation.startswith(f"Đ/c {row.leader.member.full_name} dự sinh hoạt")
    assert "ưu tiên" in row.explanation
    loads = defaultdict(int)
    for leader_id in plan.assignments.values_list("leader_id", flat=True):
        loads[leader_id] += 1
    assert max(loads.values()) - min(loads.values()) <= 1


def test_a_meeting_on_tet_is_never_assigned(rw, make_plan):
    # every cell's February meeting moved to Tết (17/02/2026)
    CellMeeting.objects.filter(date=date(2026, 2, 10)).update(date=date(2026, 2, 17))
    plan = run(rw, make_plan(min_per_leader=3, max_per_month=1))
    assert plan.status == PlanStatus.SOLVED
    assert not plan.assignments.filter(date=date(2026, 2, 17)).exists()
    assert plan.summary["holiday_slots"] == len(rw.cells)


def test_unavailable_dates_are_respected(rw, make_plan):
    plan = make_plan(min_per_leader=2)
    leader = plan.leaders.first()
    services.unavailability_add(
        acting_user=rw.world.users["office"],
        leader=leader,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 4, 30),
        reason="Học lớp bồi dưỡng",
    )
    plan = run(rw, plan)
    days = plan.assignments.filter(leader=leader).values_list("date", flat=True)
    assert days and all(d > date(2026, 4, 30) for d in days)


def test_saved_plans_keep_k_per_month_and_m_months(rw, make_plan):
    plan = run(rw, make_plan(min_per_leader=4, max_per_month=1, min_months_between=2))
    per_month = defaultdict(int)
    visits = defaultdict(list)
    for leader, cell, day in plan.assignments.values_list("leader_id", "cell_id", "date"):
        per_month[leader, day.month] += 1
        visits[leader, cell].append(day.month)
    assert max(per_month.values()) == 1
    for months in visits.values():
        months.sort()
        assert all(b - a >= 2 for a, b in zip(months, months[1:], strict=False))


def test_pins_survive_a_replan_and_only_what_must_move_moves(rw, make_plan):
    office = rw.world.users["office"]
    plan = run(rw, make_plan())
    before = pairs(plan)
    taken = plan.assignments.select_related("meeting").order_by("date", "id").first()
    # another leader free that day (every cell meets on the 10th), not already visiting that
    # cell (M months) and not at home there
    busy = plan.assignments.filter(Q(date=taken.date) | Q(cell=taken.cell)).values("leader_id")
    other = plan.leaders.exclude(pk__in=busy).exclude(member__cell=taken.meeting.cell_id).first()
    # the secretary insists on another leader at that very meeting, and the office pins one
    # more assignment as it is
    services.assignment_add_pinned(
        acting_user=office, plan=plan, leader=other, meeting=taken.meeting
    )
    kept = plan.assignments.exclude(pk=taken.pk).exclude(leader=other).first()
    services.assignment_pin(acting_user=office, assignment=kept)
    plan.refresh_from_db()
    assert plan.needs_replan
    plan = run(rw, plan)
    assert plan.status == PlanStatus.SOLVED
    after = pairs(plan)
    assert (other.pk, taken.meeting_id) in after
    assert (kept.leader_id, kept.meeting_id) in after
    # one leader a meeting: the displaced assignment is the only one removed; at most one is
    # added, to give the displaced leader his minimum
    assert before - after == {(taken.leader_id, taken.meeting_id)}
    added = after - before - {(other.pk, taken.meeting_id)}
    assert len(added) <= 1 and all(leader == taken.leader_id for leader, _ in added)
    assert plan.summary["changes"] == 1 + len(added)
    assert plan.assignments.filter(pinned=True).count() == 2
    assert plan.assignments.filter(kept=True).count() == len(before) - 1 + 1  # + the pin


def test_a_pin_on_a_holiday_an_absence_or_the_own_cell_is_refused_at_once(rw, make_plan):
    office = rw.world.users["office"]
    plan = make_plan()
    leader = plan.leaders.exclude(member__cell=rw.cells[0]).first()
    tet = CellMeeting.objects.create(cell=rw.cells[0], date=date(2026, 2, 17))
    with pytest.raises(ValidationError, match="ngày lễ"):
        services.assignment_add_pinned(acting_user=office, plan=plan, leader=leader, meeting=tet)
    RotationUnavailability.objects.create(
        plan=plan, leader=leader, start_on=date(2026, 3, 1), end_on=date(2026, 3, 31)
    )
    march = CellMeeting.objects.get(cell=rw.cells[0], date=date(2026, 3, 10))
    with pytest.raises(ValidationError, match="lịch vắng"):
        services.assignment_add_pinned(acting_user=office, plan=plan, leader=leader, meeting=march)
    at_home = plan.leaders.get(member=rw.world.members["tuan"])  # sinh hoạt at world.cell
    april = CellMeeting.objects.get(cell=rw.world.cell, date=date(2026, 4, 10))
    with pytest.raises(ValidationError, match="sinh hoạt tại chính"):
        services.assignment_add_pinned(acting_user=office, plan=plan, leader=at_home, meeting=april)


def test_an_impossible_plan_says_which_rule_and_by_how_much(rw, make_plan):
    office = rw.world.users["office"]
    plan = make_plan(max_per_month=1)
    # only two leaders left for four priority cells in one month: 2 visits for 4 cells
    for leader in plan.leaders.all()[2:]:
        services.leader_remove(acting_user=office, leader=leader)
    CellMeeting.objects.filter(date__month__gt=1).delete()
    plan = run(rw, plan)
    assert plan.status == PlanStatus.INFEASIBLE
    assert plan.solver_status == "INFEASIBLE"
    assert "mỗi chi bộ ưu tiên có ít nhất một lượt dự trong kỳ" in plan.infeasibility
    assert "4 chi bộ nhưng chỉ có 2 lượt khả dụng" in plan.infeasibility
    with pytest.raises(ValidationError):
        services.plan_adopt(acting_user=office, plan=plan)


def test_adopting_creates_planned_attendances_under_the_seat_held(rw, make_plan):
    office = rw.world.users["office"]
    plan = run(rw, make_plan())
    plan = services.plan_adopt(acting_user=office, plan=plan)
    assert plan.status == PlanStatus.ADOPTED
    rows = Attendance.objects.filter(status=AttendanceStatus.PLANNED)
    assert rows.count() == plan.assignments.count()
    one = rows.select_related("seat").first()
    assert one.entered_via == EnteredBy.OFFICE and one.level == SeatLevel.TINH
    assert one.seat.member_id == one.member_id
    assert not plan.assignments.filter(attendance__isnull=True).exists()
    # planned attendances are not counted in reports
    assert Attendance.objects.counted().count() == 0
    with pytest.raises(ValidationError):
        services.plan_run(acting_user=office, plan=plan)


def test_adoption_waits_for_a_replan_after_a_pin(rw, make_plan):
    office = rw.world.users["office"]
    plan = run(rw, make_plan())
    services.assignment_pin(acting_user=office, assignment=plan.assignments.first())
    with pytest.raises(ValidationError, match="lập lại phương án"):
        services.plan_adopt(acting_user=office, plan=plan)


def test_read_only_roles_cannot_plan(rw, make_plan):
    from capuy.core.scoping import OutOfScope

    plan = make_plan()
    for persona in ("inspector", "committee_member"):
        with pytest.raises(OutOfScope):
            services.plan_run(acting_user=rw.world.users[persona], plan=plan)
    # district staff do not see the province's plan at all
    with pytest.raises(OutOfScope):
        services.plan_adopt(acting_user=rw.world.users["staff"], plan=plan)
    assert not RotationAssignment.objects.exists()


def test_a_stale_solve_does_nothing(rw, make_plan):
    plan = make_plan()
    assert services.plan_solve(plan_id=plan.pk, revision=plan.revision + 5) is None
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
