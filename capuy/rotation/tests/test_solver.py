"""The planner's rules, one test each, on small problems solved by the real CP-SAT (no DB)."""

from datetime import date

import pytest
from django.utils import translation

from capuy.rotation import solver
from capuy.rotation.explain import explain
from capuy.rotation.solver import Cell, Leader, Problem, Rules, Slot, month_index

TET = date(2026, 2, 17)  # Tết Nguyên Đán 2026
HOLIDAYS = {TET: "Tết Nguyên Đán", date(2026, 4, 30): "Ngày Chiến thắng"}


def monthly(cells, *, months=range(1, 7), day=10, overrides=None):
    """One meeting per cell and month on ``day`` (``overrides`` maps (cell, month) → day)."""
    overrides = overrides or {}
    slots, key = [], 0
    for cell in cells:
        for month in months:
            key += 1
            slots.append(Slot(key, cell, date(2026, month, overrides.get((cell, month), day))))
    return slots


def problem(leaders=3, cells=3, *, rules=None, slots=None, **extra) -> Problem:
    people = extra.pop("people", None) or [
        Leader(k, f"Đồng chí {k}") for k in range(1, leaders + 1)
    ]
    units = extra.pop("units", None) or [
        Cell(c, f"Chi bộ {c}", weight=3, priority=True) for c in range(1, cells + 1)
    ]
    return Problem(
        leaders=people,
        cells=units,
        slots=slots if slots is not None else monthly([u.key for u in units]),
        rules=rules or Rules(),
        holidays=dict(HOLIDAYS),
        **extra,
    )


def solve(p: Problem, **kwargs) -> solver.Result:
    result = solver.solve(p, time_limit=kwargs.pop("time_limit", 10), workers=2, **kwargs)
    if result.assignments:
        assert solver.violations(p, result.assignments) == []
    return result


def days_of(p: Problem, result, leader=None) -> list[date]:
    return sorted(
        p.slot_by[s].day for lk, s in result.assignments if leader is None or lk == leader
    )


def test_every_priority_cell_is_visited_and_the_plan_is_proven_optimal():
    p = problem(leaders=3, cells=6)
    result = solve(p)
    assert result.status == "OPTIMAL" and result.gap == 0.0
    assert result.objective == result.bound
    covered = {p.slot_by[s].cell for _, s in result.assignments}
    assert covered == {1, 2, 3, 4, 5, 6}


def test_loads_are_balanced_most_loaded_first():
    p = problem(leaders=4, cells=8)
    result = solve(p)
    loads = sorted(result.breakdown.loads.values())
    assert loads == [2, 2, 2, 2]


def test_no_assignment_on_a_public_holiday_even_lunar_tet():
    # given a cell whose only meeting in reach falls on Tết
    slots = [Slot(1, 1, TET), Slot(2, 1, date(2026, 3, 10))]
    p = problem(leaders=1, cells=1, slots=slots)
    result = solve(p)
    assert days_of(p, result) == [date(2026, 3, 10)]
    assert "lễ" in solver.ineligibility(p, p.leaders[0], p.slot_by[1])[1]


def test_only_holiday_meetings_make_the_plan_impossible_and_say_why():
    p = problem(leaders=1, cells=1, slots=[Slot(1, 1, TET)])
    result = solve(p)
    assert result.status == "INFEASIBLE"
    assert "coverage" in result.culprits
    text = " ".join(result.diagnosis)
    assert "Chi bộ 1" in text and "ngày lễ" in text


def test_a_leader_is_never_placed_on_an_unavailable_date():
    away = (date(2026, 1, 1), date(2026, 3, 31), "Học tập trung")
    people = [Leader(1, "Vắng", unavailable=[away]), Leader(2, "Rảnh")]
    p = problem(people=people, cells=4, rules=Rules(min_per_leader=0))
    result = solve(p)
    assert all(d > date(2026, 3, 31) for d in days_of(p, result, leader=1))


def test_at_most_k_attendances_a_month():
    # one leader, six cells meeting in January only, K = 2: at most two in January
    slots = [Slot(c, c, date(2026, 1, 5 + c)) for c in range(1, 7)]
    units = [Cell(c, f"Chi bộ {c}", weight=1, priority=False) for c in range(1, 7)]
    p = problem(
        leaders=1,
        units=units,
        slots=slots,
        rules=Rules(max_per_month=2, min_per_leader=6, cover_priority=False),
    )
    result = solve(p)
    assert len(result.assignments) == 2
    assert result.breakdown.under == 4


def test_one_meeting_a_day():
    slots = [Slot(1, 1, date(2026, 1, 10)), Slot(2, 2, date(2026, 1, 10))]
    p = problem(leaders=1, cells=2, slots=slots, rules=Rules(max_per_month=5))
    result = solve(p)
    assert result.status == "INFEASIBLE"
    # dropping either "one a day" or "every priority cell visited" would allow a plan
    assert set(result.culprits) == {"per_day", "coverage"}
    assert "một buổi một ngày" in result.diagnosis[0]


def test_the_diagnosis_and_the_explanations_follow_the_active_language():
    slots = [Slot(1, 1, date(2026, 1, 10)), Slot(2, 2, date(2026, 1, 10))]
    p = problem(leaders=1, cells=2, slots=slots, rules=Rules(max_per_month=5))
    with translation.override("en"):
        result = solve(p)
        sentences = explain(p, {(1, 1)})
    assert result.diagnosis[0].startswith("No solution satisfies every rule")
    assert "each comrade attends at most one meeting a day" in result.diagnosis[0]
    assert sentences[1, 1].startswith("Comrade ")
    assert "because: " in sentences[1, 1]


def test_not_twice_at_the_same_cell_within_m_months():
    # one leader, one cell meeting monthly, must attend 3 times, M = 2: months 1, 3, 5
    units = [Cell(1, "Chi bộ 1", priority=False)]
    p = problem(
        leaders=1,
        units=units,
        rules=Rules(min_months_between=2, min_per_leader=3, cover_priority=False),
    )
    result = solve(p)
    months = [d.month for d in days_of(p, result)]
    assert len(months) == 3
    assert all(b - a >= 2 for a, b in zip(months, months[1:], strict=False))


def test_the_m_month_rule_reaches_back_before_the_period():
    # the leader attended the cell in December 2025; with M = 3 not before March 2026
    people = [Leader(1, "Đã dự", last_visit={1: month_index(date(2025, 12, 5))})]
    p = problem(people=people, cells=1)
    result = solve(p)
    assert days_of(p, result)[0] >= date(2026, 3, 1)


def test_a_leader_does_not_attend_his_own_cell():
    people = [Leader(1, "Ở chi bộ 1", home_cell=1), Leader(2, "Ở chi bộ 2", home_cell=2)]
    p = problem(people=people, cells=2)
    result = solve(p)
    for leader, slot in result.assignments:
        assert p.slot_by[slot].cell != p.leader_by[leader].home_cell


def test_the_quota_shortfall_is_caught_up():
    people = [Leader(1, "Thiếu 2 lượt", shortfall=2), Leader(2, "Đủ")]
    p = problem(people=people, cells=4, rules=Rules(min_per_leader=1))
    result = solve(p)
    assert result.breakdown.loads[1] >= 3
    assert result.breakdown.under == 0


def test_pins_are_kept():
    p = problem(leaders=3, cells=3)
    first = solve(p)
    # the office insists leader 3 goes to cell 1 in May
    may = next(s.key for s in p.slots if s.cell == 1 and s.day.month == 5)
    pinned = problem(leaders=3, cells=3, pins={(3, may)}, previous=first.assignments)
    again = solve(pinned)
    assert (3, may) in again.assignments


def test_replanning_after_a_pin_changes_as_little_as_possible():
    # each cell meets on its own day, so a pin clashes with nothing but the meeting itself
    days = {(c, m): 1 + c for c in range(1, 9) for m in range(1, 7)}
    p = problem(leaders=4, cells=8, slots=monthly(range(1, 9), overrides=days))
    first = solve(p)

    def free_leader(slot):
        """Another leader with room that month (K = 2) and no visit to that cell."""
        month, cell = p.slot_by[slot].day.month, p.slot_by[slot].cell
        count = dict.fromkeys((1, 2, 3, 4), 0)
        for lk, s in first.assignments:
            if p.slot_by[s].day.month == month:
                count[lk] += 1
            if p.slot_by[s].cell == cell:
                count[lk] = 99
        return next((k for k, n in count.items() if n < 2), None)

    leader, slot = next((lk, s) for lk, s in sorted(first.assignments) if free_leader(s))
    other = free_leader(slot)
    # pin another leader to the very meeting the first solution gave ``leader``
    replan = problem(
        leaders=4,
        cells=8,
        slots=monthly(range(1, 9), overrides=days),
        pins={(other, slot)},
        previous=first.assignments,
    )
    again = solve(replan)
    assert again.status == "OPTIMAL"
    assert (other, slot) in again.assignments
    # ``leader`` had to give up that meeting (one leader a meeting); nothing else moves
    assert first.assignments - again.assignments == {(leader, slot)}
    assert again.breakdown.changes == 1


def test_an_ineligible_pin_is_named():
    holiday_slot = Slot(99, 1, TET)
    p = problem(leaders=2, cells=1, slots=[*monthly([1]), holiday_slot], pins={(1, 99)})
    result = solve(p)
    assert result.status == "INFEASIBLE"
    assert "pins" in result.culprits
    assert any("ghim" in line and "ngày lễ" in line for line in result.diagnosis)


def test_too_few_visits_for_the_priority_cells_is_explained_with_figures():
    # 2 leaders × K=1 × 2 months = 4 visits, 6 priority cells
    p = problem(
        leaders=2,
        cells=6,
        slots=monthly(range(1, 7), months=range(1, 3)),
        rules=Rules(max_per_month=1),
    )
    result = solve(p)
    assert result.status == "INFEASIBLE"
    assert result.culprits[0] == "coverage"
    text = " ".join(result.diagnosis)
    assert "6 chi bộ nhưng chỉ có 4 lượt khả dụng" in text


def test_the_relaxation_bound_never_exceeds_a_plan():
    p = problem(
        leaders=5,
        cells=7,
        people=[
            Leader(
                k,
                f"Đ/c {k}",
                shortfall=k % 3,
                unavailable=[(date(2026, k, 1), date(2026, k, 28), "")],
            )
            for k in range(1, 6)
        ],
    )
    relaxed = solver.relaxation(p)
    result = solve(p)
    assert relaxed.feasible and relaxed.bound <= result.objective
    greedy = solver.greedy(p)
    assert not solver.violations(p, greedy)
    assert relaxed.bound <= solver.objective_of(p, solver.evaluate(p, greedy))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_province_sized_problem_is_solved_within_the_time_limit(seed):
    from capuy.rotation.synthetic import synthetic_problem

    p = synthetic_problem(leaders=20, cells=80, months=6, seed=seed)
    result = solver.solve(p, time_limit=20, workers=2)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert result.wall_time < 25
    assert solver.violations(p, result.assignments) == []
    assert result.objective <= result.greedy_objective


def _random_problem(seed: int) -> Problem:
    """Small random instances: pins, a previous plan, shortfalls, absences, history, 1–2 meetings
    a month, every rule switched on or off at random."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    months = rng.randint(2, 4)
    rules = Rules(
        max_per_month=rng.choice((1, 2)),
        min_months_between=rng.choice((0, 1, 2, 3)),
        cover_priority=rng.random() < 0.8,
        min_per_leader=rng.choice((0, 1, 2)),
        max_leaders_per_meeting=rng.choice((1, 1, 2)),
        balance_weight=rng.choice((1, 10)),
    )
    units = [
        Cell(c, f"C{c}", weight=rng.randint(1, 5), priority=rng.random() < 0.7)
        for c in range(1, rng.randint(2, 7) + 1)
    ]
    slots = []
    for unit in units:
        for month in range(1, months + 1):
            for _ in range(rng.choice((1, 1, 2))):
                slots.append(Slot(len(slots) + 1, unit.key, date(2026, month, rng.randint(1, 6))))
    people = []
    for key in range(1, rng.randint(2, 5) + 1):
        away = []
        if rng.random() < 0.4:
            begin = date(2026, rng.randint(1, months), rng.randint(1, 5))
            away.append((begin, begin + timedelta(days=rng.randint(1, 20)), ""))
        history = {rng.randint(1, len(units)): 2026 * 12 - 1} if rng.random() < 0.3 else {}
        people.append(
            Leader(
                key,
                f"L{key}",
                shortfall=rng.choice((0, 0, 1, 2)),
                home_cell=rng.choice([None, 1, 2]),
                unavailable=away,
                last_visit=history,
            )
        )
    p = Problem(leaders=people, cells=units, slots=slots, rules=rules, holidays={TET: "Tết"})
    pairs = p.pairs()
    if pairs and rng.random() < 0.6:
        previous = set(rng.sample(pairs, min(len(pairs), rng.randint(1, 6))))
        pins = set(rng.sample(pairs, min(len(pairs), rng.randint(0, 2))))
        p = Problem(
            leaders=people,
            cells=units,
            slots=slots,
            rules=rules,
            holidays={TET: "Tết"},
            pins=pins,
            previous=previous,
        )
    return p


@pytest.mark.parametrize("seed", range(0, 200, 8))
def test_the_bound_is_valid_and_optimal_means_optimal(seed):
    """Against the full CP-SAT model solved exactly: the relaxation never exceeds the optimum,
    an impossible relaxation means an impossible plan, and "OPTIMAL" is the optimum."""
    from ortools.sat.python import cp_model

    p = _random_problem(seed)
    relaxed = solver.relaxation(p)
    exact = cp_model.CpSolver()
    exact.parameters.max_time_in_seconds = 20
    exact.parameters.num_workers = 2
    status = exact.solve(solver.build(p).model)
    if status == cp_model.INFEASIBLE:
        assert solve(p).status == "INFEASIBLE"
        return
    assert status == cp_model.OPTIMAL
    optimum = round(exact.objective_value)
    assert relaxed.feasible and relaxed.bound <= optimum
    result = solve(p)
    assert result.status == "OPTIMAL" and result.objective == optimum
