"""The rotation planner's core (luân phiên dự sinh hoạt chi bộ): the problem, a greedy baseline,
the CP-SAT model and the infeasibility diagnosis. No Django here: ``services`` builds a
``Problem`` from rows, ``bench/bench_rotation.py`` builds one synthetically.

The model
---------
x[l, s] ∈ {0, 1}: leader l attends slot s (one scheduled meeting of one cell), created only for
*eligible* pairs: not on a public holiday, not on one of the leader's unavailable dates, inside the
leader's seat, not the leader's own cell, and not at a cell the leader visited fewer than M months
before the period (history).

Hard rules (each a family that the diagnosis can relax):
  per_day       Σ_{s on day d} x[l, s] ≤ 1                   one meeting a day per leader
  per_month     Σ_{s in month m} x[l, s] ≤ K                 at most K attendances a month
  min_months    Σ_{s of cell c in months w..w+M−1} x[l, s] ≤ 1   not twice at a cell within M months
  capacity      Σ_l x[l, s] ≤ max_leaders_per_meeting        one upper-level leader per meeting
  coverage      Σ_{l, s of c} x[l, s] ≥ 1 for priority cells  each priority cell visited in the period
  pins          x[l, s] = 1 for pinned pairs
  calendar      (eligibility above; relaxing it admits holidays and unavailable dates)

Objective, lexicographic through weights derived from the bounds of each tier:
  1. W_under  · Σ under_l,  under_l ≥ required_l − load_l   (regulatory minimum + quota shortfall)
  2. W_change · Σ changes from the previous plan            (re-planning after pins: minimal change)
  3. W_max    · max_l (load_l − shortfall_l)                 (the most-loaded leader carries least)
  4. balance_weight · Σ |load_l − target_l|  −  Σ weight_c · covered_c (non-priority cells)
with target_l = max(fair share, required_l), fair share = ⌊priority cells / leaders⌋.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

FAMILIES = ("coverage", "per_month", "min_months", "per_day", "capacity", "pins", "calendar")
DIAGNOSIS_ORDER = ("coverage", "pins", "per_month", "min_months", "capacity", "per_day", "calendar")


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_label(index: int) -> str:
    return f"{index % 12 + 1:02d}/{index // 12}"


@dataclass(frozen=True)
class Rules:
    max_per_month: int = 2  # K
    min_months_between: int = 3  # M (0: no rule)
    cover_priority: bool = True
    min_per_leader: int = 1  # regulatory minimum in the period
    max_leaders_per_meeting: int = 1
    balance_weight: int = 10  # one unit of load deviation against one unit of cell weight


@dataclass
class Leader:
    key: int
    name: str
    shortfall: int = 0
    home_cell: int | None = None
    seat_from: date | None = None
    seat_to: date | None = None
    unavailable: list[tuple[date, date, str]] = field(default_factory=list)
    last_visit: dict[int, int] = field(default_factory=dict)  # cell key → month index (history)


@dataclass
class Cell:
    key: int
    name: str
    weight: int = 1
    priority: bool = False


@dataclass(frozen=True)
class Slot:
    key: int
    cell: int
    day: date


@dataclass
class Problem:
    leaders: list[Leader]
    cells: list[Cell]
    slots: list[Slot]
    rules: Rules = field(default_factory=Rules)
    holidays: dict[date, str] = field(default_factory=dict)
    pins: set[tuple[int, int]] = field(default_factory=set)  # (leader key, slot key)
    previous: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self):
        self.leader_by = {leader.key: leader for leader in self.leaders}
        self.cell_by = {cell.key: cell for cell in self.cells}
        self.slot_by = {slot.key: slot for slot in self.slots}
        self.priority_cells = [c.key for c in self.cells if c.priority]
        months = sorted({month_index(s.day) for s in self.slots})
        self.months = months
        n_leaders = max(1, len(self.leaders))
        demand = len(self.priority_cells) if self.rules.cover_priority else 0
        self.fair_share = max(self.rules.min_per_leader, demand // n_leaders)

    def required(self, leader: Leader) -> int:
        return self.rules.min_per_leader + leader.shortfall

    def target(self, leader: Leader) -> int:
        return max(self.fair_share, self.required(leader))

    def capacity(self, leader: Leader) -> int:
        return self.rules.max_per_month * max(1, len(self.months))


# --- eligibility ------------------------------------------------------------------------------


def ineligibility(
    problem: Problem, leader: Leader, slot: Slot, relax: Iterable[str] = ()
) -> tuple[str, str] | None:
    """Why ``leader`` may not attend ``slot`` as (family, Vietnamese reason), or None."""
    day = slot.day
    if "calendar" not in relax:
        if day in problem.holidays:
            return "calendar", f"ngày {day:%d/%m/%Y} là ngày lễ ({problem.holidays[day]})"
        for start, end, reason in leader.unavailable:
            if start <= day <= end:
                why = f": {reason}" if reason else ""
                return "calendar", f"đồng chí vắng từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}{why}"
        if leader.seat_from and day < leader.seat_from or leader.seat_to and day > leader.seat_to:
            return "calendar", f"ngày {day:%d/%m/%Y} đồng chí không giữ chức vụ cấp ủy"
    if leader.home_cell == slot.cell:
        return "calendar", "đây là chi bộ nơi đồng chí sinh hoạt"
    last = leader.last_visit.get(slot.cell)
    months = problem.rules.min_months_between
    if "min_months" not in relax and last is not None and month_index(day) - last < months:
        return "min_months", (
            f"đồng chí đã dự chi bộ này tháng {month_label(last)}, chưa đủ {months} tháng"
        )
    return None


def eligible_pairs(problem: Problem, relax: Iterable[str] = ()) -> list[tuple[int, int]]:
    relax = set(relax)
    pairs = []
    for leader in problem.leaders:
        for slot in problem.slots:
            if ineligibility(problem, leader, slot, relax) is None:
                pairs.append((leader.key, slot.key))
    return pairs


# --- evaluation (greedy, checks and reports share it) --------------------------------------


@dataclass
class Breakdown:
    under: int
    changes: int
    max_load: int  # max over leaders of load − shortfall
    deviation: int
    coverage_bonus: int
    uncovered_priority: int
    loads: dict[int, int]

    def as_dict(self) -> dict:
        return {
            "under": self.under,
            "changes": self.changes,
            "max_load": self.max_load,
            "deviation": self.deviation,
            "coverage_bonus": self.coverage_bonus,
            "uncovered_priority": self.uncovered_priority,
        }


@dataclass(frozen=True)
class Weights:
    under: int
    change: int
    max_load: int
    deviation: int
    coverage: int = 1


def weights_for(problem: Problem) -> Weights:
    """Tier weights such that one unit of a tier outweighs every lower tier's whole range."""
    rules = problem.rules
    caps = {leader.key: problem.capacity(leader) for leader in problem.leaders}
    dev_range = sum(
        max(problem.target(leader), caps[leader.key] - problem.target(leader))
        for leader in problem.leaders
    )
    bonus_range = sum(
        c.weight for c in problem.cells if not (c.priority and rules.cover_priority)
    )
    tier4 = rules.balance_weight * dev_range + bonus_range
    w_max = tier4 + 1
    max_range = max(caps.values(), default=0) + max(
        (leader.shortfall for leader in problem.leaders), default=0
    )
    tier3 = w_max * max_range + tier4
    w_change = tier3 + 1 if problem.previous else 0
    change_range = len(problem.previous) + sum(caps.values())
    tier2 = w_change * change_range + tier3
    return Weights(
        under=tier2 + 1, change=w_change, max_load=w_max, deviation=rules.balance_weight
    )


def evaluate(problem: Problem, assignments: Iterable[tuple[int, int]]) -> Breakdown:
    assignments = set(assignments)
    loads = dict.fromkeys(problem.leader_by, 0)
    covered = set()
    for leader_key, slot_key in assignments:
        loads[leader_key] += 1
        covered.add(problem.slot_by[slot_key].cell)
    under = sum(max(0, problem.required(lv) - loads[lv.key]) for lv in problem.leaders)
    deviation = sum(abs(loads[lv.key] - problem.target(lv)) for lv in problem.leaders)
    max_load = max((loads[lv.key] - lv.shortfall for lv in problem.leaders), default=0)
    bonus = sum(
        c.weight
        for c in problem.cells
        if c.key in covered and not (c.priority and problem.rules.cover_priority)
    )
    changes = 0
    if problem.previous:
        changes = len(problem.previous - assignments) + len(
            assignments - problem.previous - problem.pins
        )
    uncovered = sum(1 for key in problem.priority_cells if key not in covered)
    return Breakdown(under, changes, max_load, deviation, bonus, uncovered, loads)


def objective_of(problem: Problem, breakdown: Breakdown, weights: Weights | None = None) -> int:
    w = weights or weights_for(problem)
    return (
        w.under * breakdown.under
        + w.change * breakdown.changes
        + w.max_load * breakdown.max_load
        + w.deviation * breakdown.deviation
        - w.coverage * breakdown.coverage_bonus
    )


def violations(problem: Problem, assignments: Iterable[tuple[int, int]]) -> list[str]:
    """Every hard rule the assignments break (used by tests and as a guard before saving)."""
    rules = problem.rules
    problems: list[str] = []
    assignments = sorted(set(assignments))
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    per_slot: dict[int, int] = defaultdict(int)
    visits: dict[tuple[int, int], list[int]] = defaultdict(list)
    for leader_key, slot_key in assignments:
        leader, slot = problem.leader_by[leader_key], problem.slot_by[slot_key]
        if (why := ineligibility(problem, leader, slot)) is not None:
            problems.append(f"{leader.name} @ {slot.day}: {why[1]}")
        per_day[leader_key, slot.day] += 1
        per_month[leader_key, month_index(slot.day)] += 1
        per_slot[slot_key] += 1
        visits[leader_key, slot.cell].append(month_index(slot.day))
    problems += [f"per_day {k}" for k, n in per_day.items() if n > 1]
    problems += [f"per_month {k}" for k, n in per_month.items() if n > rules.max_per_month]
    problems += [f"capacity {k}" for k, n in per_slot.items() if n > rules.max_leaders_per_meeting]
    for key, months in visits.items():
        months.sort()
        if any(b - a < rules.min_months_between for a, b in zip(months, months[1:], strict=False)):
            problems.append(f"min_months {key}")
    if rules.cover_priority:
        covered = {problem.slot_by[s].cell for _, s in assignments}
        problems += [f"coverage {c}" for c in problem.priority_cells if c not in covered]
    missing = problem.pins - set(assignments)
    problems += [f"pin {p}" for p in sorted(missing)]
    return problems


# --- greedy baseline ----------------------------------------------------------------------


class _State:
    """Running counters that let the greedy test one more assignment in O(1)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.rules = problem.rules
        self.chosen: set[tuple[int, int]] = set()
        self.load: dict[int, int] = dict.fromkeys(problem.leader_by, 0)
        self.day: set[tuple[int, date]] = set()
        self.month: dict[tuple[int, int], int] = defaultdict(int)
        self.slot: dict[int, int] = defaultdict(int)
        self.visits: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.covered: set[int] = set()

    def fits(self, leader_key: int, slot: Slot) -> bool:
        mi = month_index(slot.day)
        if (leader_key, slot.day) in self.day:
            return False
        if self.month[leader_key, mi] >= self.rules.max_per_month:
            return False
        if self.slot[slot.key] >= self.rules.max_leaders_per_meeting:
            return False
        gap = self.rules.min_months_between
        return all(abs(mi - m) >= gap for m in self.visits[leader_key, slot.cell])

    def add(self, leader_key: int, slot: Slot) -> None:
        self.chosen.add((leader_key, slot.key))
        self.load[leader_key] += 1
        self.day.add((leader_key, slot.day))
        self.month[leader_key, month_index(slot.day)] += 1
        self.slot[slot.key] += 1
        self.visits[leader_key, slot.cell].append(month_index(slot.day))
        self.covered.add(slot.cell)


def greedy(problem: Problem) -> set[tuple[int, int]]:
    """Pins first; then each priority cell, hardest first, to the least-loaded leader who fits;
    then leaders below their required count take the heaviest cells still open to them."""
    state = _State(problem)
    by_cell: dict[int, list[tuple[int, Slot]]] = defaultdict(list)
    by_leader: dict[int, list[Slot]] = defaultdict(list)
    for leader_key, slot_key in eligible_pairs(problem):
        slot = problem.slot_by[slot_key]
        by_cell[slot.cell].append((leader_key, slot))
        by_leader[leader_key].append(slot)
    for leader_key, slot_key in sorted(problem.pins):
        if slot_key in problem.slot_by and leader_key in problem.leader_by:
            state.add(leader_key, problem.slot_by[slot_key])
    leaders = problem.leader_by

    def pressure(leader_key: int) -> tuple:
        leader = leaders[leader_key]
        return (state.load[leader_key] - leader.shortfall, state.load[leader_key], leader_key)

    if problem.rules.cover_priority:
        order = sorted(
            problem.priority_cells,
            key=lambda c: (len(by_cell[c]), -problem.cell_by[c].weight, c),
        )
        for cell_key in order:
            if cell_key in state.covered:
                continue
            options = [(lk, s) for lk, s in by_cell[cell_key] if state.fits(lk, s)]
            if not options:
                continue
            # Prefer the previous plan's choice when re-planning, then the least-loaded leader,
            # then the slot in the emptiest month for that leader.
            leader_key, slot = min(
                options,
                key=lambda o: (
                    (o[0], o[1].key) not in problem.previous,
                    pressure(o[0]),
                    state.month[o[0], month_index(o[1].day)],
                    o[1].day,
                ),
            )
            state.add(leader_key, slot)
    for leader in sorted(problem.leaders, key=lambda lv: -problem.required(lv)):
        need = problem.required(leader) - state.load[leader.key]
        if need <= 0:
            continue
        slots = sorted(
            by_leader[leader.key],
            key=lambda s: (
                s.cell in state.covered,
                -problem.cell_by[s.cell].weight,
                state.month[leader.key, month_index(s.day)],
                s.day,
            ),
        )
        for slot in slots:
            if need <= 0:
                break
            if state.fits(leader.key, slot):
                state.add(leader.key, slot)
                need -= 1
    return state.chosen


# --- the CP-SAT model ---------------------------------------------------------------------


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    weights: Weights
    coverage_slack: dict[int, cp_model.IntVar]


def _windows(months: list[int], gap: int) -> list[tuple[int, int]]:
    """Month windows [w, w + gap − 1] that can hold two visits, none inside another."""
    if gap <= 0 or not months:
        return []
    first, last = months[0], months[-1]
    if last - first + 1 <= gap:
        return [(first, last)]
    return [(w, w + gap - 1) for w in range(first, last - gap + 2)]


def build(
    problem: Problem,
    *,
    relax: Iterable[str] = (),
    soft_coverage: bool = False,
) -> Built:
    """The CP-SAT model; ``relax`` drops rule families, ``soft_coverage`` maximises coverage."""
    relax = set(relax)
    rules = problem.rules
    model = cp_model.CpModel()
    weights = weights_for(problem)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    pins = {p for p in problem.pins if p[0] in problem.leader_by and p[1] in problem.slot_by}
    pairs = set(eligible_pairs(problem, relax))
    if "pins" not in relax:
        pairs |= pins  # an ineligible pin makes the model infeasible: the diagnosis names it
    for pair in sorted(pairs):
        x[pair] = model.new_bool_var(f"x_{pair[0]}_{pair[1]}")
    if "pins" not in relax:
        for pair in pins:
            leader, slot = problem.leader_by[pair[0]], problem.slot_by[pair[1]]
            if ineligibility(problem, leader, slot, relax) is not None:
                model.add_bool_or([])  # contradiction: the pin itself breaks a rule
            model.add(x[pair] == 1)

    by_leader_day: dict[tuple[int, date], list] = defaultdict(list)
    by_leader_month: dict[tuple[int, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    by_leader_cell: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    by_cell: dict[int, list] = defaultdict(list)
    by_leader: dict[int, list] = defaultdict(list)
    for (leader_key, slot_key), var in x.items():
        slot = problem.slot_by[slot_key]
        mi = month_index(slot.day)
        by_leader_day[leader_key, slot.day].append(var)
        by_leader_month[leader_key, mi].append(var)
        by_slot[slot_key].append(var)
        by_leader_cell[leader_key, slot.cell].append((mi, var))
        by_cell[slot.cell].append(var)
        by_leader[leader_key].append(var)

    if "per_day" not in relax:
        for group in by_leader_day.values():
            if len(group) > 1:
                model.add_at_most_one(group)
    if "per_month" not in relax:
        for group in by_leader_month.values():
            if len(group) > rules.max_per_month:
                model.add(sum(group) <= rules.max_per_month)
    if "capacity" not in relax:
        for group in by_slot.values():
            if len(group) > rules.max_leaders_per_meeting:
                if rules.max_leaders_per_meeting == 1:
                    model.add_at_most_one(group)
                else:
                    model.add(sum(group) <= rules.max_leaders_per_meeting)
    if "min_months" not in relax and rules.min_months_between > 0:
        for items in by_leader_cell.values():
            if len(items) < 2:
                continue
            months = sorted({mi for mi, _ in items})
            seen: set[tuple] = set()
            for lo, hi in _windows(months, rules.min_months_between):
                group = tuple(var for mi, var in items if lo <= mi <= hi)
                ids = tuple(v.index for v in group)
                if len(group) > 1 and ids not in seen:
                    seen.add(ids)
                    model.add_at_most_one(group)

    coverage_slack: dict[int, cp_model.IntVar] = {}
    covered_terms = []
    for cell in problem.cells:
        visits = by_cell.get(cell.key, [])
        if cell.priority and rules.cover_priority and "coverage" not in relax:
            if soft_coverage:
                hit = model.new_bool_var(f"cov_{cell.key}")
                if visits:
                    model.add(sum(visits) >= hit)
                else:
                    model.add(hit == 0)
                coverage_slack[cell.key] = hit
            else:
                model.add(sum(visits) >= 1) if visits else model.add_bool_or([])
        elif visits:
            hit = model.new_bool_var(f"cov_{cell.key}")
            model.add(sum(visits) >= hit)
            covered_terms.append(cell.weight * hit)

    if soft_coverage:
        model.maximize(sum(coverage_slack.values()))
        return Built(model, x, weights, coverage_slack)

    cap = max((problem.capacity(lv) for lv in problem.leaders), default=0)
    loads, terms = {}, []
    max_load = model.new_int_var(-cap, cap + 1000, "max_load")
    under_terms, dev_terms = [], []
    for leader in problem.leaders:
        load = model.new_int_var(0, cap, f"load_{leader.key}")
        model.add(load == sum(by_leader.get(leader.key, [])))
        loads[leader.key] = load
        model.add(max_load >= load - leader.shortfall)
        required = problem.required(leader)
        if required > 0:
            under = model.new_int_var(0, required, f"under_{leader.key}")
            model.add(under >= required - load)
            under_terms.append(under)
        target = problem.target(leader)
        dev = model.new_int_var(0, max(target, cap), f"dev_{leader.key}")
        model.add(dev >= load - target)
        model.add(dev >= target - load)
        dev_terms.append(dev)
    terms.append(weights.under * sum(under_terms))
    if problem.previous:
        kept = [x[p] for p in problem.previous if p in x]
        removed = len(problem.previous) - sum(kept)
        added = sum(var for p, var in x.items() if p not in problem.previous and p not in pins)
        terms.append(weights.change * (removed + added))
    terms.append(weights.max_load * max_load)
    terms.append(weights.deviation * sum(dev_terms))
    terms.append(-weights.coverage * sum(covered_terms))
    model.minimize(sum(terms))
    return Built(model, x, weights, coverage_slack)


# --- solving ------------------------------------------------------------------------------


@dataclass
class Result:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    assignments: set[tuple[int, int]]
    objective: int | None
    bound: int | None
    wall_time: float
    greedy_assignments: set[tuple[int, int]]
    greedy_objective: int
    greedy_breakdown: Breakdown
    breakdown: Breakdown | None
    num_vars: int
    num_constraints: int
    first_solution_time: float | None
    diagnosis: list[str] = field(default_factory=list)
    culprits: list[str] = field(default_factory=list)

    @property
    def proven_optimal(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def gap(self) -> float | None:
        """Relative gap between the plan found and the proven bound (0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.status == "OPTIMAL":
            return 0.0
        return abs(self.objective - self.bound) / max(1, abs(self.objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float):
        super().__init__()
        self.started = started
        self.solutions = 0
        self.first: float | None = None
        self.objective: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self):
        self.solutions += 1
        if self.first is None:
            self.first = time.perf_counter() - self.started
        self.objective = self.objective_value
        self.bound = self.best_objective_bound


ProgressFn = Callable[[float, float | None, float | None], None]


def _run(
    model: cp_model.CpModel,
    *,
    time_limit: float,
    workers: int,
    on_progress: ProgressFn | None = None,
    watcher: _Watcher | None = None,
    poll: float = 0.5,
) -> tuple[cp_model.CpSolver, int]:
    """Solve in a thread so that the caller's thread can report progress (and own the DB)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, float(time_limit))
    solver.parameters.num_workers = workers
    outcome: dict = {}

    def work():
        outcome["status"] = solver.solve(model, watcher)

    thread = threading.Thread(target=work, name="cp-sat", daemon=True)
    started = time.perf_counter()
    thread.start()
    while thread.is_alive():
        thread.join(poll)
        if on_progress is not None and thread.is_alive():
            on_progress(
                time.perf_counter() - started,
                watcher.objective if watcher else None,
                watcher.bound if watcher else None,
            )
    return solver, outcome["status"]


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    on_progress: ProgressFn | None = None,
    diagnose_infeasible: bool = True,
) -> Result:
    """Greedy baseline, then CP-SAT hinted with it, always under ``time_limit`` seconds."""
    started = time.perf_counter()
    greedy_plan = greedy(problem)
    greedy_breakdown = evaluate(problem, greedy_plan)
    built = build(problem)
    greedy_ok = not violations(problem, greedy_plan)
    for pair, var in built.x.items():
        built.model.add_hint(var, 1 if pair in greedy_plan else 0)
    proto = built.model.proto
    watcher = _Watcher(time.perf_counter())
    remaining = max(0.5, time_limit - (time.perf_counter() - started))
    solver, status = _run(
        built.model,
        time_limit=remaining,
        workers=workers,
        on_progress=on_progress,
        watcher=watcher,
    )
    name = solver.status_name(status)
    assignments: set[tuple[int, int]] = set()
    objective = bound = None
    breakdown = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignments = {pair for pair, var in built.x.items() if solver.boolean_value(var)}
        objective = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        breakdown = evaluate(problem, assignments)
    greedy_objective = (
        objective_of(problem, greedy_breakdown, built.weights) if greedy_ok else None
    )
    result = Result(
        status=name,
        assignments=assignments,
        objective=objective,
        bound=bound,
        wall_time=time.perf_counter() - started,
        greedy_assignments=greedy_plan,
        greedy_objective=greedy_objective,
        greedy_breakdown=greedy_breakdown,
        breakdown=breakdown,
        num_vars=len(proto.variables),
        num_constraints=len(proto.constraints),
        first_solution_time=watcher.first,
    )
    if status == cp_model.INFEASIBLE and diagnose_infeasible:
        result.culprits, result.diagnosis = diagnose(
            problem, time_limit=max(5.0, time_limit / 3), workers=workers
        )
        result.wall_time = time.perf_counter() - started
    elif status == cp_model.UNKNOWN:
        result.diagnosis = [
            "Hết thời gian giải mà chưa tìm được phương án nào: hãy tăng thời gian giải "
            "hoặc thu hẹp phạm vi (ít chi bộ hoặc ít tháng hơn)."
        ]
    return result


# --- diagnosis ----------------------------------------------------------------------------

FAMILY_LABELS = {
    "coverage": "mỗi chi bộ ưu tiên có ít nhất một lượt dự trong kỳ",
    "per_month": "mỗi đồng chí dự không quá {K} buổi một tháng",
    "min_months": "một đồng chí không dự lại cùng chi bộ trong vòng {M} tháng",
    "per_day": "mỗi đồng chí dự không quá một buổi một ngày",
    "capacity": "mỗi buổi sinh hoạt chỉ bố trí {C} đồng chí",
    "pins": "các phân công đã được ghim",
    "calendar": "không bố trí vào ngày lễ, ngày đồng chí vắng hoặc ngoài thời gian giữ chức vụ",
}


def family_label(problem: Problem, family: str) -> str:
    rules = problem.rules
    return FAMILY_LABELS[family].format(
        K=rules.max_per_month, M=rules.min_months_between, C=rules.max_leaders_per_meeting
    )


def _feasible(problem: Problem, relax: set[str], time_limit: float, workers: int) -> bool | None:
    built = build(problem, relax=relax)
    built.model.clear_objective()
    _, status = _run(built.model, time_limit=time_limit, workers=workers)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


def _available_visits(problem: Problem) -> int:
    """How many attendances the leaders can make at most: per leader and month, the smaller of
    K and the number of distinct eligible days."""
    days: dict[tuple[int, int], set[date]] = defaultdict(set)
    for leader_key, slot_key in eligible_pairs(problem):
        day = problem.slot_by[slot_key].day
        days[leader_key, month_index(day)].add(day)
    return sum(min(problem.rules.max_per_month, len(d)) for d in days.values())


def _pin_messages(problem: Problem) -> list[str]:
    messages = []
    rules = problem.rules
    per_day: dict[tuple[int, date], list] = defaultdict(list)
    per_month: dict[tuple[int, int], list] = defaultdict(list)
    per_slot: dict[int, list] = defaultdict(list)
    for leader_key, slot_key in sorted(problem.pins):
        leader, slot = problem.leader_by.get(leader_key), problem.slot_by.get(slot_key)
        if leader is None or slot is None:
            continue
        cell = problem.cell_by[slot.cell].name
        if (why := ineligibility(problem, leader, slot)) is not None:
            messages.append(
                f"Phân công ghim Đ/c {leader.name} dự {cell} ngày {slot.day:%d/%m/%Y} "
                f"không hợp lệ: {why[1]}."
            )
        per_day[leader_key, slot.day].append(slot)
        per_month[leader_key, month_index(slot.day)].append(slot)
        per_slot[slot_key].append(leader)
    for (leader_key, day), slots in per_day.items():
        if len(slots) > 1:
            messages.append(
                f"Đ/c {problem.leader_by[leader_key].name} được ghim {len(slots)} buổi "
                f"cùng ngày {day:%d/%m/%Y}."
            )
    for (leader_key, mi), slots in per_month.items():
        if len(slots) > rules.max_per_month:
            messages.append(
                f"Đ/c {problem.leader_by[leader_key].name} được ghim {len(slots)} buổi trong "
                f"tháng {month_label(mi)}, vượt quá {rules.max_per_month} buổi/tháng."
            )
    for slot_key, leaders in per_slot.items():
        if len(leaders) > rules.max_leaders_per_meeting:
            slot = problem.slot_by[slot_key]
            messages.append(
                f"Buổi sinh hoạt {problem.cell_by[slot.cell].name} ngày {slot.day:%d/%m/%Y} "
                f"được ghim {len(leaders)} đồng chí, quá {rules.max_leaders_per_meeting}."
            )
    return messages


def _coverage_message(problem: Problem, time_limit: float, workers: int) -> list[str]:
    messages = []
    eligible_cells = {problem.slot_by[s].cell for _, s in eligible_pairs(problem)}
    dead = [problem.cell_by[c] for c in problem.priority_cells if c not in eligible_cells]
    if dead:
        names = ", ".join(c.name for c in dead[:10]) + (" …" if len(dead) > 10 else "")
        messages.append(
            f"{len(dead)} chi bộ ưu tiên không có buổi sinh hoạt nào có thể bố trí trong kỳ "
            f"(chưa có lịch, hoặc mọi buổi rơi vào ngày lễ, ngày các đồng chí vắng): {names}."
        )
    available = _available_visits(problem)
    total = len(problem.priority_cells)
    if available < total:
        messages.append(
            f"Không đủ buổi sinh hoạt để mỗi chi bộ ưu tiên có ít nhất một lượt: {total} chi bộ "
            f"nhưng chỉ có {available} lượt khả dụng ({len(problem.leaders)} đồng chí, tối đa "
            f"{problem.rules.max_per_month} lượt/tháng, trừ ngày lễ và ngày vắng)."
        )
    if not messages:
        built = build(problem, soft_coverage=True)
        solver, status = _run(built.model, time_limit=time_limit, workers=workers)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = round(solver.objective_value)
            missed = [
                problem.cell_by[c].name
                for c, hit in built.coverage_slack.items()
                if not solver.boolean_value(hit)
            ]
            names = ", ".join(missed[:10]) + (" …" if len(missed) > 10 else "")
            exact = "" if status == cp_model.OPTIMAL else " (trong thời gian cho phép)"
            messages.append(
                f"Không thể bố trí để mỗi chi bộ ưu tiên có ít nhất một lượt: với các quy định "
                f"khác giữ nguyên, chỉ phủ được tối đa {best}/{total} chi bộ ưu tiên{exact}; "
                f"chưa phủ được: {names}."
            )
    return messages


def diagnose(
    problem: Problem, *, time_limit: float = 10.0, workers: int = 2
) -> tuple[list[str], list[str]]:
    """Which rule makes the plan impossible: re-solve with each rule family relaxed in turn.

    Returns (culprit families, Vietnamese sentences). A family is a culprit when dropping it
    alone makes a plan possible; when no single one does, the pair that does is named.
    """
    started = time.perf_counter()
    families = [f for f in DIAGNOSIS_ORDER if f != "pins" or problem.pins]
    if not problem.rules.cover_priority:
        families.remove("coverage")
    culprits: list[str] = []
    unknown = False
    per_try = max(1.0, time_limit / max(1, len(families)))
    for family in families:
        ok = _feasible(problem, {family}, per_try, workers)
        unknown |= ok is None
        if ok:
            culprits.append(family)
    if not culprits:
        for i, first in enumerate(families):
            for second in families[i + 1 :]:
                if time.perf_counter() - started > time_limit * 2:
                    break
                if _feasible(problem, {first, second}, per_try, workers):
                    culprits = [first, second]
                    break
            if culprits:
                break
    messages: list[str] = []
    if "pins" in culprits or problem.pins:
        messages += _pin_messages(problem)
    if "coverage" in culprits:
        messages += _coverage_message(problem, per_try, workers)
    if culprits:
        labels = "; ".join(f"«{family_label(problem, f)}»" for f in culprits)
        if len(culprits) == 1 or len(culprits) > 1 and any(
            _feasible(problem, {f}, per_try, workers) for f in culprits[:1]
        ):
            lead = "Không có phương án thỏa mãn mọi quy định. Chỉ cần nới một trong các quy định"
        else:
            lead = "Không có phương án thỏa mãn mọi quy định. Cần nới đồng thời các quy định"
        messages.insert(0, f"{lead}: {labels} là có phương án.")
    else:
        why = " (hết thời gian kiểm tra)" if unknown else ""
        messages.append(
            "Không có phương án thỏa mãn mọi quy định, và nới riêng từng quy định hay từng cặp "
            f"quy định vẫn chưa đủ{why}. Hãy kiểm tra lại danh sách đồng chí, chi bộ và lịch."
        )
    return culprits, messages


def ceil_div(a: int, b: int) -> int:
    return -(-a // b) if b else 0


__all__ = [
    "Breakdown",
    "Cell",
    "Leader",
    "Problem",
    "Result",
    "Rules",
    "Slot",
    "ceil_div",
    "diagnose",
    "evaluate",
    "greedy",
    "math",
    "solve",
    "violations",
]
