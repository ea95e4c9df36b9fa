"""The rotation planner's core (luân phiên dự sinh hoạt chi bộ): the problem, a greedy baseline,
an exact relaxation that proves a lower bound, the CP-SAT model and the infeasibility diagnosis.
No Django here: ``services`` builds a ``Problem`` from rows, ``bench/bench_rotation.py`` builds
one synthetically.

The plan (CP-SAT)
-----------------
x[l, s] ∈ {0, 1}: leader l attends slot s (one scheduled meeting of one cell), created only for
*eligible* pairs: not on a public holiday, not on one of the leader's unavailable dates, inside the
leader's seat, not the leader's own cell, and not at a cell the leader visited fewer than M months
before the period (history from earlier plans and recorded attendances).

Hard rules (each a family that the diagnosis can relax):
  per_day     Σ_{s on day d} x[l, s] ≤ 1                        one meeting a day per leader
  per_month   Σ_{s in month m} x[l, s] ≤ K                      at most K attendances a month
  min_months  Σ_{s of cell c, months w..w+M−1} x[l, s] ≤ 1      not twice at a cell within M months
  capacity    Σ_l x[l, s] ≤ C                                   leaders per meeting (default 1)
  coverage    Σ_{l, s of c} x[l, s] ≥ 1 for each priority cell  every priority cell visited
  pins        x[l, s] = 1 for the office's pinned pairs
  calendar    the eligibility above (relaxing it admits holidays and unavailable dates)

Objective, lexicographic through weights derived from the range of each lower tier:
  1. W_under  · Σ_l max(0, required_l − load_l)     required = regulatory minimum + shortfall
  2. W_change · (removed + added vs. the previous plan; pins excluded)   minimal change on re-plan
  3. W_max    · max_l (load_l − shortfall_l)        the most-loaded leader carries the fewest
  4. balance_weight · Σ_l |load_l − target_l| − Σ_{non-priority c visited} weight_c
with target_l = max(fair share, required_l) and fair share = ⌊priority cells / leaders⌋.

The proof (bound)
-----------------
Projecting a plan onto y[l, c] = number of visits of leader l to cell c loses only the calendar
detail, and every tier above depends on y alone (changes only get smaller). With per-pair caps
(visits that fit the M-month rule), per-leader caps (Σ_month min(K, free meeting days)) and
per-cell caps, the projected problem is a min-cost flow with convex costs once the max tier is
fixed to r: source → leader (one arc per cost segment) → cell → sink; coverage and pins are
rewards larger than every other cost together. A binary search on r gives the relaxation's
exact optimum in milliseconds: a valid lower bound on every plan's objective. When re-planning,
previous visits a pin forces out (same meeting, same day, or a month the pins fill to K) are
never credited as kept, and those a pin squeezes out of a month pass a leader-month node that
caps how many may stay, so the change tier's bound stays tight.

The search
----------
The greedy baseline and the relaxation's allocation given dates (``_schedule``) seed CP-SAT on a
neighbourhood: the relaxation's and the incumbent's leader–cell pairs with all their eligible
meetings (a few thousand Booleans), the bound added as a redundant constraint and the best plan
as a complete hint. A plan whose objective equals the bound is proven optimal and the search
stops; otherwise the neighbourhood widens (3, then 12 random extra leaders per cell, then every
eligible pair) while the time limit allows. Models above ``MAX_CP_SAT_VARS`` are not attempted:
at 60 leaders × 1,800 meetings the full model has ~95,000 Booleans and CP-SAT's presolve alone
outlasts 30 s on two cores. Every CP-SAT call runs within what is left of the time limit, and
the whole call ends by it (a diagnosis of an impossible plan gets at least 2 s).

When no plan exists, ``diagnose`` re-solves copies of the problem with one rule family dropped
(``relaxed_problem``): the flow proves a copy impossible, a built plan proves it possible.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings
from django.utils import translation
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

FAMILIES = ("coverage", "pins", "per_month", "min_months", "capacity", "per_day", "calendar")


# The texts are translated when Django is set up; bench/bench_rotation.py runs the solver without
# it, and then they stay Vietnamese.
def _(message: str) -> str:
    return translation.gettext(message) if settings.configured else message


def ngettext(singular: str, plural: str, n: int) -> str:
    if settings.configured:
        return translation.ngettext(singular, plural, n)
    return singular if n == 1 else plural


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
    one_per_day: bool = True


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


Pair = tuple[int, int]  # (leader key, slot key)


@dataclass
class Problem:
    leaders: list[Leader]
    cells: list[Cell]
    slots: list[Slot]
    rules: Rules = field(default_factory=Rules)
    holidays: dict[date, str] = field(default_factory=dict)
    pins: set[Pair] = field(default_factory=set)
    previous: set[Pair] = field(default_factory=set)

    def __post_init__(self):
        self.leader_by = {leader.key: leader for leader in self.leaders}
        self.cell_by = {cell.key: cell for cell in self.cells}
        self.slot_by = {slot.key: slot for slot in self.slots if slot.cell in self.cell_by}
        self.pins = {p for p in self.pins if p[0] in self.leader_by and p[1] in self.slot_by}
        self.previous = {
            p for p in self.previous if p[0] in self.leader_by and p[1] in self.slot_by
        }
        self.priority_cells = [c.key for c in self.cells if c.priority]
        self.months = sorted({month_index(s.day) for s in self.slot_by.values()})
        demand = len(self.priority_cells) if self.rules.cover_priority else 0
        self.fair_share = max(self.rules.min_per_leader, demand // max(1, len(self.leaders)))
        self._pairs: dict[frozenset, list[Pair]] = {}

    def required(self, leader: Leader) -> int:
        return self.rules.min_per_leader + leader.shortfall

    def target(self, leader: Leader) -> int:
        return max(self.fair_share, self.required(leader))

    def capacity(self, leader: Leader) -> int:
        return self.rules.max_per_month * max(1, len(self.months))

    def pairs(self, relax: Iterable[str] = ()) -> list[Pair]:
        """Eligible (leader, slot) pairs, cached per relaxation."""
        key = frozenset(relax) & {"calendar", "min_months"}
        if key not in self._pairs:
            self._pairs[key] = [
                (leader.key, slot.key)
                for leader in self.leaders
                for slot in self.slot_by.values()
                if blocker(self, leader, slot, key) is None
            ]
        return self._pairs[key]


# --- eligibility ------------------------------------------------------------------------------


def blocker(
    problem: Problem, leader: Leader, slot: Slot, relax: Iterable[str] = ()
) -> tuple | None:
    """What keeps ``leader`` from ``slot`` as ``(family, kind, *details)``, or None. No text:
    ``Problem.pairs`` asks this of every leader and meeting."""
    day = slot.day
    if "calendar" not in relax:
        if day in problem.holidays:
            return "calendar", "holiday", day
        for start, end, reason in leader.unavailable:
            if start <= day <= end:
                return "calendar", "away", start, end, reason
        if (leader.seat_from and day < leader.seat_from) or (
            leader.seat_to and day > leader.seat_to
        ):
            return "calendar", "no_seat", day
        if leader.home_cell == slot.cell:
            return "calendar", "home_cell"
    gap = problem.rules.min_months_between
    last = leader.last_visit.get(slot.cell)
    if "min_months" not in relax and last is not None and month_index(day) - last < gap:
        return "min_months", "recent", last, gap
    return None


def ineligibility(
    problem: Problem, leader: Leader, slot: Slot, relax: Iterable[str] = ()
) -> tuple[str, str] | None:
    """Why ``leader`` may not attend ``slot`` as (family, reason), or None."""
    found = blocker(problem, leader, slot, relax)
    if found is None:
        return None
    family, kind, *details = found
    if kind == "holiday":
        (day,) = details
        text = _("ngày %(day)s là ngày lễ (%(holiday)s)") % {
            "day": f"{day:%d/%m/%Y}",
            "holiday": problem.holidays[day],
        }
    elif kind == "away":
        start, end, reason = details
        dates = {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
        if reason:
            text = _("đồng chí vắng từ %(start)s đến %(end)s (%(why)s)") % {**dates, "why": reason}
        else:
            text = _("đồng chí vắng từ %(start)s đến %(end)s") % dates
    elif kind == "no_seat":
        (day,) = details
        text = _("ngày %(day)s đồng chí không giữ chức vụ cấp ủy") % {"day": f"{day:%d/%m/%Y}"}
    elif kind == "home_cell":
        text = _("đây là chi bộ nơi đồng chí đang sinh hoạt")
    else:
        last, gap = details
        text = ngettext(
            "đồng chí đã dự chi bộ này tháng %(month)s, chưa đủ %(n)s tháng",
            "đồng chí đã dự chi bộ này tháng %(month)s, chưa đủ %(n)s tháng",
            gap,
        ) % {"month": month_label(last), "n": gap}
    return family, text


# --- evaluation (greedy, checks, reports and explanations share it) ------------------------


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
    caps = [problem.capacity(leader) for leader in problem.leaders] or [0]
    dev_range = sum(
        max(problem.target(lv), problem.capacity(lv) - problem.target(lv)) for lv in problem.leaders
    )
    bonus_range = sum(c.weight for c in problem.cells if not _forced(problem, c))
    tier4 = rules.balance_weight * dev_range + bonus_range
    w_max = tier4 + 1
    shortfalls = [lv.shortfall for lv in problem.leaders] or [0]
    tier3 = w_max * (max(caps) + max(shortfalls)) + tier4
    w_change = tier3 + 1 if problem.previous else 0
    tier2 = w_change * (len(problem.previous) + sum(caps)) + tier3
    return Weights(under=tier2 + 1, change=w_change, max_load=w_max, deviation=rules.balance_weight)


def _forced(problem: Problem, cell: Cell) -> bool:
    return cell.priority and problem.rules.cover_priority


def evaluate(problem: Problem, assignments: Iterable[Pair]) -> Breakdown:
    assignments = set(assignments)
    loads = dict.fromkeys(problem.leader_by, 0)
    covered = set()
    for leader_key, slot_key in assignments:
        loads[leader_key] += 1
        covered.add(problem.slot_by[slot_key].cell)
    under = sum(max(0, problem.required(lv) - loads[lv.key]) for lv in problem.leaders)
    deviation = sum(abs(loads[lv.key] - problem.target(lv)) for lv in problem.leaders)
    max_load = max((loads[lv.key] - lv.shortfall for lv in problem.leaders), default=0)
    bonus = sum(c.weight for c in problem.cells if c.key in covered and not _forced(problem, c))
    changes = 0
    if problem.previous:
        removed = problem.previous - assignments
        added = assignments - problem.previous - problem.pins
        changes = len(removed) + len(added)
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


def violations(problem: Problem, assignments: Iterable[Pair]) -> list[str]:
    """Every hard rule the assignments break (tests use it; services check before saving)."""
    rules = problem.rules
    found: list[str] = []
    assignments = sorted(set(assignments))
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    per_slot: dict[int, int] = defaultdict(int)
    visits: dict[tuple[int, int], list[int]] = defaultdict(list)
    for leader_key, slot_key in assignments:
        leader, slot = problem.leader_by[leader_key], problem.slot_by[slot_key]
        if (why := ineligibility(problem, leader, slot)) is not None:
            found.append(f"{why[0]}: {leader.name} {slot.day:%d/%m/%Y}: {why[1]}")
        per_day[leader_key, slot.day] += 1
        per_month[leader_key, month_index(slot.day)] += 1
        per_slot[slot_key] += 1
        visits[leader_key, slot.cell].append(month_index(slot.day))
    if rules.one_per_day:
        found += [f"per_day: {k}" for k, n in per_day.items() if n > 1]
    found += [f"per_month: {k}" for k, n in per_month.items() if n > rules.max_per_month]
    found += [f"capacity: {k}" for k, n in per_slot.items() if n > rules.max_leaders_per_meeting]
    for key, months in visits.items():
        months.sort()
        if any(b - a < rules.min_months_between for a, b in zip(months, months[1:], strict=False)):
            found.append(f"min_months: {key}")
    if rules.cover_priority:
        covered = {problem.slot_by[s].cell for _, s in assignments}
        found += [f"coverage: {c}" for c in problem.priority_cells if c not in covered]
    found += [f"pins: {p}" for p in sorted(problem.pins - set(assignments))]
    return found


# --- greedy baseline ----------------------------------------------------------------------


class _State:
    """Running counters that let the greedy test one more assignment in O(1)."""

    def __init__(self, problem: Problem):
        self.rules = problem.rules
        self.chosen: set[Pair] = set()
        self.load: dict[int, int] = dict.fromkeys(problem.leader_by, 0)
        self.day: set[tuple[int, date]] = set()
        self.month: dict[tuple[int, int], int] = defaultdict(int)
        self.slot: dict[int, int] = defaultdict(int)
        self.visits: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.covered: set[int] = set()

    def fits(self, leader_key: int, slot: Slot) -> bool:
        mi = month_index(slot.day)
        if self.rules.one_per_day and (leader_key, slot.day) in self.day:
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


def greedy(problem: Problem) -> set[Pair]:
    """The baseline a person would produce: pins first; then each priority cell, hardest first,
    to the least-loaded leader who fits; then leaders below their required count take the
    heaviest cells still open to them."""
    state = _State(problem)
    by_cell: dict[int, list[tuple[int, Slot]]] = defaultdict(list)
    by_leader: dict[int, list[Slot]] = defaultdict(list)
    for leader_key, slot_key in problem.pairs():
        slot = problem.slot_by[slot_key]
        by_cell[slot.cell].append((leader_key, slot))
        by_leader[leader_key].append(slot)
    for leader_key, slot_key in sorted(problem.pins):
        state.add(leader_key, problem.slot_by[slot_key])
    shortfall = {lv.key: lv.shortfall for lv in problem.leaders}

    if problem.rules.cover_priority:
        order = sorted(
            problem.priority_cells, key=lambda c: (len(by_cell[c]), -problem.cell_by[c].weight, c)
        )
        for cell_key in order:
            if cell_key in state.covered:
                continue
            best, best_key = None, None
            for leader_key, slot in by_cell[cell_key]:
                key = (
                    (leader_key, slot.key) not in problem.previous,
                    state.load[leader_key] - shortfall[leader_key],
                    state.load[leader_key],
                    state.month[leader_key, month_index(slot.day)],
                    slot.day,
                    leader_key,
                )
                if (best_key is None or key < best_key) and state.fits(leader_key, slot):
                    best, best_key = (leader_key, slot), key
            if best is not None:
                state.add(*best)
    for leader in sorted(problem.leaders, key=lambda lv: (-problem.required(lv), lv.key)):
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


# --- the exact relaxation (min-cost flow): a proven lower bound -------------------------------


@dataclass
class Relaxation:
    feasible: bool  # False: no plan exists at all (coverage or pins cannot be met)
    bound: int | None  # a lower bound on every plan's objective
    allocation: dict[tuple[int, int], int]  # (leader, cell) → visits in the relaxation's optimum
    max_covered: int  # priority cells the relaxation can cover at most
    uncovered: list[int]  # priority cells it leaves out when it cannot cover them all
    pins_ok: bool = True


def _max_visits(problem: Problem, slots: list[Slot]) -> int:
    """Most visits one leader can make to one cell: distinct days, M months apart."""
    gap = problem.rules.min_months_between
    if gap <= 0:
        return len({s.day for s in slots}) if problem.rules.one_per_day else len(slots)
    count, last = 0, None
    for mi in sorted({month_index(s.day) for s in slots}):
        if last is None or mi - last >= gap:
            count, last = count + 1, mi
    return count


def _segments(costs: list) -> list[tuple[int, object]]:
    """Consecutive equal unit costs merged into (capacity, cost) arcs."""
    merged: list[list[int]] = []
    for cost in costs:
        if merged and merged[-1][1] == cost:
            merged[-1][0] += 1
        else:
            merged.append([1, cost])
    return [(cap, cost) for cap, cost in merged]


def relaxation(problem: Problem) -> Relaxation:
    """Solve the leader–cell projection exactly (see the module docstring).

    Tiers 1–2 (under, changes) and coverage do not depend on the cap r of the max tier except
    through feasibility, so the optimum uses the smallest r at which the uncapped flow's tier-1
    and tier-2 values are still reached (binary search); tier 4 is then the flow's own optimum.
    """
    rules = problem.rules
    weights = weights_for(problem)
    pairs = problem.pairs()
    slots_of: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    days: dict[tuple[int, int], set] = defaultdict(set)
    usable: dict[int, set[int]] = defaultdict(set)
    for leader_key, slot_key in pairs:
        slot = problem.slot_by[slot_key]
        slots_of[leader_key, slot.cell].append(slot)
        days[leader_key, month_index(slot.day)].add(slot.day if rules.one_per_day else slot_key)
        usable[slot.cell].add(slot_key)
    pinned: dict[tuple[int, int], int] = defaultdict(int)
    pinned_kept: dict[tuple[int, int], int] = defaultdict(int)
    for leader_key, slot_key in problem.pins:
        cell = problem.slot_by[slot_key].cell
        pinned[leader_key, cell] += 1
        pinned_kept[leader_key, cell] += (leader_key, slot_key) in problem.previous
        usable[cell].add(slot_key)
    prev: dict[tuple[int, int], int] = defaultdict(int)
    for leader_key, slot_key in problem.previous:
        prev[leader_key, problem.slot_by[slot_key].cell] += 1
    # A previous assignment that a pin pushes out of a full meeting must go: it cannot be
    # "kept" by visiting the same cell another month (that is a removal and an addition).
    at_slot: dict[int, list[int]] = defaultdict(list)
    pinned_at: dict[int, set[int]] = defaultdict(set)
    for leader_key, slot_key in problem.pins:
        pinned_at[slot_key].add(leader_key)
    for leader_key, slot_key in problem.previous:
        if leader_key not in pinned_at[slot_key]:
            at_slot[slot_key].append(leader_key)
    displaced: set[Pair] = set()
    for slot_key, leaders in at_slot.items():
        room = rules.max_leaders_per_meeting - len(pinned_at.get(slot_key, ()))
        if room <= 0:  # every unpinned one is displaced
            displaced |= {(leader_key, slot_key) for leader_key in leaders}
    # …and so must a leader's unpinned previous visit on the day of one of his pins, or every
    # unpinned previous visit in a month his pins already fill to K.
    pin_days = {(lk, problem.slot_by[sk].day) for lk, sk in problem.pins}
    pin_months: dict[tuple[int, int], int] = defaultdict(int)
    for lk, sk in problem.pins:
        pin_months[lk, month_index(problem.slot_by[sk].day)] += 1
    for lk, sk in problem.previous - problem.pins:
        day = problem.slot_by[sk].day
        if rules.one_per_day and (lk, day) in pin_days:
            displaced.add((lk, sk))
        if pin_months.get((lk, month_index(day)), 0) >= rules.max_per_month:
            displaced.add((lk, sk))
    for leader_key, slot_key in displaced:
        prev[leader_key, problem.slot_by[slot_key].cell] -= 1
    cap_of: dict[int, int] = defaultdict(int)
    for (leader_key, _), ds in days.items():
        cap_of[leader_key] += min(rules.max_per_month, len(ds))
    pinned_per_leader: dict[int, int] = defaultdict(int)
    for (leader_key, _), n in pinned.items():
        pinned_per_leader[leader_key] += n
    for leader_key, n in pinned_per_leader.items():
        cap_of[leader_key] = max(cap_of[leader_key], n)
    pair_cap = {key: _max_visits(problem, slots) for key, slots in slots_of.items()}
    for key, n in pinned.items():
        pair_cap[key] = max(pair_cap.get(key, 0), n)
    pair_cap = {key: cap for key, cap in pair_cap.items() if cap > 0}

    # Coverage and pins are hard: their reward beats every other cost together.
    span = (
        weights.under * sum(problem.required(lv) for lv in problem.leaders)
        + weights.change * (len(problem.previous) + sum(cap_of.values()))
        + weights.max_load * (max(cap_of.values(), default=0) + 1)
        + weights.deviation * sum(max(problem.target(lv), cap_of[lv.key]) for lv in problem.leaders)
        + sum(c.weight for c in problem.cells)
        + 1
    )
    hard = 2 * span + 1
    forced_cells = [c.key for c in problem.cells if _forced(problem, c)]
    total_cap = sum(cap_of.values())
    source, sink = 0, 1
    leader_node = {lv.key: 2 + i for i, lv in enumerate(problem.leaders)}
    cell_node = {c.key: 2 + len(leader_node) + i for i, c in enumerate(problem.cells)}

    # Previous visits a leader cannot all keep because his pins nearly fill that month (K): at
    # most K − pins of them stay, so their "keep" units pass a leader-month node of that
    # capacity (still a relaxation: kept visits of a month never exceed it).
    free_prev: dict[tuple[int, int], list[Pair]] = defaultdict(list)
    for lk, sk in problem.previous - problem.pins - displaced:
        free_prev[lk, month_index(problem.slot_by[sk].day)].append((lk, sk))
    squeezed: dict[tuple[int, int], int] = {}  # (leader, month) → room for kept visits
    squeezed_at: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (lk, mi), pairs_in_month in free_prev.items():
        room = rules.max_per_month - pin_months.get((lk, mi), 0)
        if pin_months.get((lk, mi)) and len(pairs_in_month) > room:
            squeezed[lk, mi] = max(0, room)
            for _, sk in pairs_in_month:
                squeezed_at[lk, problem.slot_by[sk].cell][mi] += 1

    # The arcs that do not depend on r: leader → cell (per unit cost segment), the squeezed
    # months' detours, and cell → sink. ``arc_pair`` marks the arcs whose flow is y[l, c];
    # ``arc_change`` is each unit's effect on the number of changes.
    tails, heads, caps, costs, arc_pair, arc_change = [], [], [], [], [], []

    def arc(tail, head, cap, cost, pair=None, change=0):
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)
        arc_pair.append(pair)
        arc_change.append(change)

    next_node = 2 + len(leader_node) + len(cell_node)
    month_node: dict[tuple[int, int], int] = {}
    for key, room in squeezed.items():
        month_node[key] = next_node
        next_node += 1
        arc(leader_node[key[0]], month_node[key], room, 0)
    for key, cap in pair_cap.items():
        n_pin, n_kept = pinned.get(key, 0), pinned_kept.get(key, 0)
        detours = squeezed_at.get(key, {})
        n_prev_free = prev.get(key, 0) - n_kept - sum(detours.values())
        units = []
        for k in range(1, cap + 1):
            if k <= n_pin:
                units.append((-hard - (weights.change if k <= n_kept else 0), -int(k <= n_kept)))
            elif k <= n_pin + n_prev_free:
                units.append((-weights.change, -1))
            else:
                units.append((weights.change, 1))
        head = cell_node[key[1]]
        if detours:  # through a node of its own, so that the pair's cap still holds
            head = next_node
            next_node += 1
            for mi, count in detours.items():
                arc(month_node[key[0], mi], head, count, -weights.change, change=-1)
            arc(head, cell_node[key[1]], cap, 0, pair=key)
        merged = _segments(units)
        for seg_cap, (cost, change) in merged:
            arc(leader_node[key[0]], head, seg_cap, cost, None if detours else key, change)
    fixed_arcs = len(tails)
    for cell in problem.cells:
        room = len(usable[cell.key]) * rules.max_leaders_per_meeting
        if room <= 0:
            continue
        first = -hard if _forced(problem, cell) else -weights.coverage * cell.weight
        arc(cell_node[cell.key], sink, 1, first)
        if room > 1:
            arc(cell_node[cell.key], sink, room - 1, 0)
    arc(source, sink, total_cap + 1, 0)
    base = (np.array(tails), np.array(heads), np.array(caps), np.array(costs))
    change_of = np.array(arc_change[:fixed_arcs])

    def flow_for(r: int | None):
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(*base)
        lt, lh, lc, lcost = [], [], [], []
        for lv in problem.leaders:
            cap = cap_of[lv.key] if r is None else min(cap_of[lv.key], r + lv.shortfall)
            if cap <= 0:
                continue
            required, target = problem.required(lv), problem.target(lv)
            units = [
                (-weights.under if k <= required else 0)
                + (-weights.deviation if k <= target else weights.deviation)
                for k in range(1, cap + 1)
            ]
            for seg_cap, cost in _segments(units):
                lt.append(source)
                lh.append(leader_node[lv.key])
                lc.append(seg_cap)
                lcost.append(cost)
        if lt:
            smcf.add_arcs_with_capacity_and_unit_cost(
                np.array(lt), np.array(lh), np.array(lc), np.array(lcost)
            )
        smcf.set_node_supply(source, total_cap + 1)
        smcf.set_node_supply(sink, -(total_cap + 1))
        if smcf.solve() != smcf.OPTIMAL:
            return None
        flows = smcf.flows(np.arange(fixed_arcs))
        allocation: dict[tuple[int, int], int] = defaultdict(int)
        for key, n in zip(arc_pair[:fixed_arcs], flows.tolist(), strict=True):
            if n and key is not None:
                allocation[key] += n
        changes = len(problem.previous) + int((flows * change_of).sum())
        return smcf.optimal_cost(), dict(allocation), changes

    def judge(result):
        """(feasible, tier-1/2 cost, max tier, allocation, uncovered, pins kept)."""
        cost, allocation, changes = result
        covered = {c for (_, c) in allocation}
        missing = [c for c in forced_cells if c not in covered]
        pins_ok = all(allocation.get(k, 0) >= n for k, n in pinned.items())
        loads: dict[int, int] = defaultdict(int)
        for key, n in allocation.items():
            loads[key[0]] += n
        under = sum(max(0, problem.required(lv) - loads[lv.key]) for lv in problem.leaders)
        top = max((loads[lv.key] - lv.shortfall for lv in problem.leaders), default=0)
        upper = weights.under * under + weights.change * changes
        return not missing and pins_ok, upper, top, allocation, missing, pins_ok

    unlimited = flow_for(None)
    if unlimited is None:
        return Relaxation(False, None, {}, 0, list(forced_cells), False)
    ok, best_upper, top, allocation, missing, pins_ok = judge(unlimited)
    if not ok:
        covered = len(forced_cells) - len(missing)
        return Relaxation(False, None, allocation, covered, missing, pins_ok)

    low = -max((lv.shortfall for lv in problem.leaders), default=0) - 1  # infeasible or worse
    high = top  # reaches the uncapped tiers 1–2
    best = unlimited
    while high - low > 1:
        mid = (low + high) // 2
        result = flow_for(mid)
        good = False
        if result is not None:
            ok, upper, _, _, _, _ = judge(result)
            good = ok and upper <= best_upper
        if good:
            high, best = mid, result
        else:
            low = mid
    if high != top:
        best = flow_for(high)
    cost, allocation, _ = best
    _, _, actual, _, _, _ = judge(best)
    constant = (
        weights.under * sum(problem.required(lv) for lv in problem.leaders)
        + weights.deviation * sum(problem.target(lv) for lv in problem.leaders)
        + weights.change * len(problem.previous)
        + hard * (len(forced_cells) + sum(pinned.values()))
    )
    value = cost + constant + weights.max_load * actual
    return Relaxation(True, value, allocation, len(forced_cells), [])


# --- the CP-SAT model ---------------------------------------------------------------------


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[Pair, cp_model.IntVar]
    weights: Weights
    coverage_hits: dict[int, cp_model.IntVar]
    objective: object = None
    # the auxiliary variables, so that a hint can be complete: (variable, value from a plan)
    aux: list[tuple[cp_model.IntVar, Callable[[Breakdown, set], int]]] = field(default_factory=list)

    def hint(self, problem: Problem, plan: set[Pair]) -> None:
        """Hint every variable from ``plan``: CP-SAT then starts from it at once."""
        for pair, var in self.x.items():
            self.model.add_hint(var, 1 if pair in plan else 0)
        breakdown = evaluate(problem, plan)
        covered = {problem.slot_by[s].cell for _, s in plan}
        for var, value in self.aux:
            self.model.add_hint(var, value(breakdown, covered))


def _windows(months: list[int], gap: int) -> list[tuple[int, int]]:
    """Month windows [w, w + gap − 1] that can hold two visits."""
    if gap <= 0 or not months:
        return []
    first, last = months[0], months[-1]
    if last - first + 1 <= gap:
        return [(first, last)]
    return [(w, w + gap - 1) for w in range(first, last - gap + 2)]


def build(
    problem: Problem,
    *,
    candidates: set[Pair] | None = None,
    relax: Iterable[str] = (),
    soft_coverage: bool = False,
    lower_bound: int | None = None,
) -> Built:
    """The CP-SAT model over ``candidates`` (default: every eligible pair).

    ``relax`` drops rule families (diagnosis); ``soft_coverage`` maximises the number of
    priority cells covered instead; ``lower_bound`` (proven elsewhere) is added as a redundant
    constraint so that CP-SAT can stop as soon as a plan reaches it.
    """
    relax = set(relax)
    rules = problem.rules
    model = cp_model.CpModel()
    weights = weights_for(problem)
    pairs = set(problem.pairs(relax))
    if candidates is not None:
        pairs &= candidates
    pins = problem.pins if "pins" not in relax else set()
    pairs |= pins  # an ineligible pin makes the model infeasible; the diagnosis names it
    x = {pair: model.new_bool_var(f"x_{pair[0]}_{pair[1]}") for pair in sorted(pairs)}
    eligible_now = set(problem.pairs(relax))
    for pair in pins:
        if pair not in eligible_now:
            model.add_bool_or([])  # the pin itself breaks a rule: contradiction
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

    if "per_day" not in relax and rules.one_per_day:
        for group in by_leader_day.values():
            if len(group) > 1:
                model.add_at_most_one(group)
    if "per_month" not in relax:
        for group in by_leader_month.values():
            if len(group) > rules.max_per_month:
                model.add(cp_model.LinearExpr.sum(group) <= rules.max_per_month)
    if "capacity" not in relax:
        cap = rules.max_leaders_per_meeting
        for group in by_slot.values():
            if len(group) > cap:
                if cap == 1:
                    model.add_at_most_one(group)
                else:
                    model.add(cp_model.LinearExpr.sum(group) <= cap)
    if "min_months" not in relax and rules.min_months_between > 0:
        for items in by_leader_cell.values():
            if len(items) < 2:
                continue
            seen: set[tuple] = set()
            months = sorted({mi for mi, _ in items})
            for lo, hi in _windows(months, rules.min_months_between):
                group = [var for mi, var in items if lo <= mi <= hi]
                ids = tuple(v.index for v in group)
                if len(group) > 1 and ids not in seen:
                    seen.add(ids)
                    model.add_at_most_one(group)

    hits: dict[int, cp_model.IntVar] = {}
    covered_terms = []
    aux: list = []
    for cell in problem.cells:
        visits = by_cell.get(cell.key, [])
        if _forced(problem, cell) and "coverage" not in relax:
            if soft_coverage:
                hit = model.new_bool_var(f"cov_{cell.key}")
                model.add(cp_model.LinearExpr.sum(visits) >= hit) if visits else model.add(hit == 0)
                hits[cell.key] = hit
            elif visits:
                model.add_bool_or(visits)
            else:
                model.add_bool_or([])
        elif visits:
            hit = model.new_bool_var(f"cov_{cell.key}")
            model.add(cp_model.LinearExpr.sum(visits) >= hit)
            covered_terms.append((cell.weight, hit))
            aux.append((hit, lambda b, covered, c=cell.key: int(c in covered)))

    if soft_coverage:
        model.maximize(cp_model.LinearExpr.sum(list(hits.values())))
        return Built(model, x, weights, hits)

    cap = max((problem.capacity(lv) for lv in problem.leaders), default=0)
    shortfall_max = max((lv.shortfall for lv in problem.leaders), default=0)
    max_load = model.new_int_var(-shortfall_max, cap, "max_load")
    aux.append((max_load, lambda b, covered: b.max_load))
    under_terms, dev_terms = [], []
    for leader in problem.leaders:
        key = leader.key
        load = model.new_int_var(0, cap, f"load_{key}")
        model.add(load == cp_model.LinearExpr.sum(by_leader.get(key, [])))
        model.add(max_load >= load - leader.shortfall)
        aux.append((load, lambda b, covered, k=key: b.loads[k]))
        required = problem.required(leader)
        if required > 0:
            under = model.new_int_var(0, required, f"under_{key}")
            model.add(under >= required - load)
            under_terms.append(under)
            aux.append((under, lambda b, covered, k=key, r=required: max(0, r - b.loads[k])))
        target = problem.target(leader)
        dev = model.new_int_var(0, max(target, cap), f"dev_{key}")
        model.add(dev >= load - target)
        model.add(dev >= target - load)
        dev_terms.append(dev)
        aux.append((dev, lambda b, covered, k=key, t=target: abs(b.loads[k] - t)))
    objective = weights.under * cp_model.LinearExpr.sum(under_terms)
    if problem.previous:
        kept = [x[p] for p in problem.previous if p in x]
        added = [var for p, var in x.items() if p not in problem.previous and p not in pins]
        objective += weights.change * (
            len(problem.previous) - cp_model.LinearExpr.sum(kept) + cp_model.LinearExpr.sum(added)
        )
    objective += weights.max_load * max_load
    objective += weights.deviation * cp_model.LinearExpr.sum(dev_terms)
    if covered_terms:
        objective -= weights.coverage * cp_model.LinearExpr.weighted_sum(
            [hit for _, hit in covered_terms], [w for w, _ in covered_terms]
        )
    if lower_bound is not None:
        model.add(objective >= lower_bound)
    model.minimize(objective)
    return Built(model, x, weights, hits, objective, aux)


# --- solving ------------------------------------------------------------------------------


@dataclass
class Result:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN
    assignments: set[Pair]
    objective: int | None
    bound: int | None
    wall_time: float
    greedy_assignments: set[Pair]
    greedy_objective: int | None
    greedy_breakdown: Breakdown
    breakdown: Breakdown | None
    num_vars: int = 0
    first_solution_time: float | None = None
    relaxation_time: float = 0.0
    stages: list[dict] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)
    culprits: list[str] = field(default_factory=list)

    @property
    def proven_optimal(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def gap(self) -> float | None:
        """Relative distance between the plan found and the proven bound (0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.status == "OPTIMAL":
            return 0.0
        return max(0, self.objective - self.bound) / max(1, abs(self.objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records the first and latest solutions; stops the search once a plan reaches the bound
    proven by the relaxation (CP-SAT cannot see that bound through a restricted model)."""

    def __init__(self, started: float, stop_at: int | None = None):
        super().__init__()
        self.started = started
        self.stop_at = stop_at
        self.first: float | None = None
        self.objective: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self):
        if self.first is None:
            self.first = time.monotonic() - self.started
        self.objective = self.objective_value
        self.bound = self.best_objective_bound
        if self.stop_at is not None and self.objective_value <= self.stop_at:
            self.stop_search()


ProgressFn = Callable[[float, float | None, float | None], None]


def _run(
    model: cp_model.CpModel,
    *,
    time_limit: float,
    workers: int,
    on_progress: Callable[[float | None, float | None], None] | None = None,
    watcher: _Watcher | None = None,
    poll: float = 0.5,
) -> tuple[cp_model.CpSolver, int]:
    """Solve in a thread so that the caller's thread can report progress (and own the DB)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, float(time_limit))
    solver.parameters.num_workers = workers
    outcome: dict = {}

    def work():
        outcome["status"] = solver.solve(model, watcher)

    thread = threading.Thread(target=work, name="cp-sat", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(poll)
        if on_progress is not None and thread.is_alive():
            on_progress(watcher.objective if watcher else None, watcher.bound if watcher else None)
    return solver, outcome["status"]


def _neighbourhood(
    problem: Problem, cells_of: dict[int, set[int]], per_cell: int, seed: int
) -> set[tuple[int, int]]:
    """(leader, cell) pairs: those given plus ``per_cell`` random eligible leaders per cell."""
    rng = random.Random(seed)
    eligible: dict[int, set[int]] = defaultdict(set)
    for leader_key, slot_key in problem.pairs():
        eligible[problem.slot_by[slot_key].cell].add(leader_key)
    chosen = set()
    for cell_key, leaders in eligible.items():
        pick = set(cells_of.get(cell_key, ()))
        others = sorted(leaders - pick)
        pick |= set(rng.sample(others, min(per_cell, len(others))))
        chosen |= {(leader_key, cell_key) for leader_key in pick}
    return chosen


def _schedule(problem: Problem, allocation: dict[tuple[int, int], int]) -> set[Pair]:
    """Give the relaxation's leader–cell visits dates, greedily (a hint for CP-SAT)."""
    state = _State(problem)
    for leader_key, slot_key in sorted(problem.pins):
        state.add(leader_key, problem.slot_by[slot_key])
    slots_of: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    for leader_key, slot_key in problem.pairs():
        slot = problem.slot_by[slot_key]
        slots_of[leader_key, slot.cell].append(slot)
    pinned = defaultdict(int)
    for leader_key, slot_key in problem.pins:
        pinned[leader_key, problem.slot_by[slot_key].cell] += 1
    for key in sorted(allocation, key=lambda k: (len(slots_of[k]), k)):
        need = allocation[key] - pinned[key]
        leader_key = key[0]
        options = sorted(
            slots_of[key],
            key=lambda s: (
                (leader_key, s.key) not in problem.previous,
                state.month[leader_key, month_index(s.day)],
                s.day,
            ),
        )
        for slot in options:
            if need <= 0:
                break
            if state.fits(leader_key, slot):
                state.add(leader_key, slot)
                need -= 1
    return state.chosen


# CP-SAT models above this many Booleans are not attempted: at 60 leaders × 1,800 meetings
# (~95,000) presolve alone outlasts a 30 s limit on two cores, and the limit must hold.
MAX_CP_SAT_VARS = 30_000
STAGES = (0, 3, 12, None)  # extra random leaders per cell; None: every eligible pair


def _candidates(problem: Problem, cells_of, per_cell: int | None, seed: int) -> set[Pair] | None:
    if per_cell is None:
        return None
    allowed = _neighbourhood(problem, cells_of, per_cell, seed=seed)
    return {p for p in problem.pairs() if (p[0], problem.slot_by[p[1]].cell) in allowed}


def search(
    problem: Problem,
    *,
    deadline: float,
    workers: int,
    relaxed: Relaxation,
    incumbent: set[Pair] | None,
    on_progress: Callable[[float | None], None] | None = None,
    stop_at_first: bool = False,
) -> tuple[set[Pair] | None, int | None, bool, bool, list[dict], float | None, int]:
    """CP-SAT on widening neighbourhoods of the relaxation's and the incumbent's leader–cell
    pairs, each hinted with the best plan so far, until a plan meets the proven bound or the
    deadline. Returns (plan, value, proven optimal, proven infeasible, stages, bound, vars)."""
    weights = weights_for(problem)
    value = objective_of(problem, evaluate(problem, incumbent), weights) if incumbent else None
    bound = relaxed.bound
    cells_of: dict[int, set[int]] = defaultdict(set)
    for leader_key, cell_key in relaxed.allocation:
        cells_of[cell_key].add(leader_key)
    for plan in (incumbent or set(), problem.previous, problem.pins):
        for leader_key, slot_key in plan:
            cells_of[problem.slot_by[slot_key].cell].add(leader_key)
    all_pairs = len(problem.pairs())
    stages: list[dict] = []
    most_vars = 0
    proven = infeasible = False
    for i, per_cell in enumerate(STAGES):
        # CP-SAT always has the last word on the first neighbourhood, even when the hint
        # already meets the bound: it re-checks every rule on its own model and returns it.
        if i and value is not None and bound is not None and value <= bound:
            proven = True
            break
        if time.monotonic() >= deadline - 0.5:
            break
        candidates = _candidates(problem, cells_of, per_cell, seed=i)
        if candidates is not None and len(candidates) >= all_pairs:
            candidates, per_cell = None, None
        size = all_pairs if candidates is None else len(candidates)
        if size > MAX_CP_SAT_VARS and stages:
            break  # too large to finish in time; keep the best plan found
        began = time.monotonic()
        built = build(problem, candidates=candidates, lower_bound=bound)
        if incumbent is not None:
            built.hint(problem, incumbent)
        remaining = deadline - time.monotonic()
        if remaining <= 0.2:
            break
        share = remaining if per_cell is None else remaining * (0.4 if i == 0 else 0.6)
        watcher = _Watcher(began, stop_at=bound if not stop_at_first else 10**18)
        report = (lambda objective, _b: on_progress(objective)) if on_progress else None
        solver, status = _run(
            built.model, time_limit=share, workers=workers, watcher=watcher, on_progress=report
        )
        stage = {
            "stage": i,
            "per_cell": per_cell,
            "vars": len(built.x),
            "status": solver.status_name(status),
            "seconds": round(time.monotonic() - began, 2),
        }
        most_vars = max(most_vars, len(built.x))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            plan = {pair for pair, var in built.x.items() if solver.boolean_value(var)}
            found = objective_of(problem, evaluate(problem, plan), weights)
            stage["objective"] = found
            stage["first_solution"] = watcher.first
            if value is None or found <= value:
                incumbent, value = plan, found
            if per_cell is None:
                best = round(solver.best_objective_bound)
                bound = best if bound is None else max(bound, best)
                proven = status == cp_model.OPTIMAL
        elif status == cp_model.INFEASIBLE and per_cell is None:
            infeasible = True
        stages.append(stage)
        if stop_at_first and incumbent is not None:
            break
        if value is not None and bound is not None and value <= bound:
            proven = True
        if proven or infeasible or per_cell is None:
            break
    return incumbent, value, proven, infeasible, stages, bound, most_vars


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    on_progress: ProgressFn | None = None,
    diagnose_infeasible: bool = True,
) -> Result:
    """Greedy baseline, exact relaxation (bound), then CP-SAT on widening neighbourhoods; the
    best plan found is kept, and everything (the diagnosis of an impossible plan included)
    finishes within ``time_limit`` seconds."""
    started = time.monotonic()
    # a margin for reading the plan back and returning: the limit holds for the whole call
    deadline = started + max(1.0, time_limit - 0.5)
    weights = weights_for(problem)
    greedy_plan = greedy(problem)
    greedy_breakdown = evaluate(problem, greedy_plan)
    greedy_ok = not violations(problem, greedy_plan)
    greedy_objective = objective_of(problem, greedy_breakdown, weights) if greedy_ok else None
    relax_started = time.monotonic()
    relaxed = relaxation(problem)
    result = Result(
        status="UNKNOWN",
        assignments=set(),
        objective=None,
        bound=relaxed.bound,
        wall_time=0.0,
        greedy_assignments=greedy_plan,
        greedy_objective=greedy_objective,
        greedy_breakdown=greedy_breakdown,
        breakdown=None,
        relaxation_time=time.monotonic() - relax_started,
    )

    def finish_infeasible() -> Result:
        result.status = "INFEASIBLE"
        if diagnose_infeasible:
            result.culprits, result.diagnosis = diagnose(
                problem,
                deadline=max(deadline, time.monotonic() + 2),
                workers=workers,
                relaxed=relaxed,
            )
        result.wall_time = time.monotonic() - started
        return result

    if not relaxed.feasible:
        return finish_infeasible()

    incumbent = greedy_plan if greedy_ok else None
    scheduled = _schedule(problem, relaxed.allocation)
    if not violations(problem, scheduled):
        value = objective_of(problem, evaluate(problem, scheduled), weights)
        if greedy_objective is None or value < greedy_objective:
            incumbent = scheduled

    def report(objective):
        if on_progress is not None:
            on_progress(time.monotonic() - started, objective, relaxed.bound)

    plan, value, proven, infeasible, stages, bound, most_vars = search(
        problem,
        deadline=deadline,
        workers=workers,
        relaxed=relaxed,
        incumbent=incumbent,
        on_progress=report,
    )
    result.stages, result.bound, result.num_vars = stages, bound, most_vars
    result.first_solution_time = next(
        (st["first_solution"] for st in stages if st.get("first_solution") is not None), None
    )
    if infeasible:
        return finish_infeasible()
    result.wall_time = time.monotonic() - started
    if plan is None:
        result.diagnosis = [
            _(
                "Hết thời gian giải mà chưa tìm được phương án nào thỏa mãn mọi quy định: hãy "
                "tăng thời gian giải hoặc thu hẹp phạm vi (ít chi bộ hoặc ít tháng hơn)."
            )
        ]
        return result
    result.assignments = plan
    result.objective = value
    result.breakdown = evaluate(problem, plan)
    result.status = "OPTIMAL" if proven else "FEASIBLE"
    return result


# --- diagnosis ----------------------------------------------------------------------------


def family_label(problem: Problem, family: str) -> str:
    rules = problem.rules
    if family == "coverage":
        return _("mỗi chi bộ ưu tiên có ít nhất một lượt dự trong kỳ")
    if family == "per_month":
        return _("mỗi đồng chí dự không quá %(k)s buổi một tháng") % {"k": rules.max_per_month}
    if family == "min_months":
        return _("một đồng chí không dự lại cùng chi bộ trong vòng %(m)s tháng") % {
            "m": rules.min_months_between
        }
    if family == "per_day":
        return _("mỗi đồng chí dự không quá một buổi một ngày")
    if family == "capacity":
        return _("mỗi buổi sinh hoạt bố trí không quá %(c)s đồng chí") % {
            "c": rules.max_leaders_per_meeting
        }
    if family == "pins":
        return _("các phân công đã được ghim")
    return _(
        "không bố trí vào ngày lễ, ngày đồng chí vắng, ngoài thời gian giữ chức vụ hoặc tại chi "
        "bộ nơi đồng chí sinh hoạt"
    )


def relaxed_problem(problem: Problem, families: Iterable[str]) -> Problem:
    """A copy of ``problem`` without the rule families named (for the diagnosis)."""
    families = set(families)
    rules = problem.rules
    changes = {}
    if "per_month" in families:
        changes["max_per_month"] = 31
    if "min_months" in families:
        changes["min_months_between"] = 0
    if "per_day" in families:
        changes["one_per_day"] = False
    if "capacity" in families:
        changes["max_leaders_per_meeting"] = max(1, len(problem.leaders))
    if "coverage" in families:
        changes["cover_priority"] = False
    new_rules = Rules(**{**rules.__dict__, **changes})
    leaders = problem.leaders
    if "calendar" in families:
        leaders = [
            Leader(
                key=lv.key,
                name=lv.name,
                shortfall=lv.shortfall,
                last_visit=lv.last_visit,
            )
            for lv in problem.leaders
        ]
    return Problem(
        leaders=leaders,
        cells=problem.cells,
        slots=list(problem.slot_by.values()),
        rules=new_rules,
        holidays={} if "calendar" in families else problem.holidays,
        pins=set() if "pins" in families else set(problem.pins),
        previous=set(),
    )


def feasible(problem: Problem, *, deadline: float, workers: int = 2) -> bool | None:
    """Whether any plan satisfies every hard rule: False when the relaxation proves none does,
    True as soon as a plan is built (greedy, the relaxation's schedule or CP-SAT), None when
    neither is settled by the deadline."""
    relaxed = relaxation(problem)
    if not relaxed.feasible:
        return False
    for plan in (_schedule(problem, relaxed.allocation), greedy(problem)):
        if not violations(problem, plan):
            return True
    if time.monotonic() >= deadline - 0.3:
        return None
    plan, _, _, infeasible, _, _, _ = search(
        problem,
        deadline=deadline,
        workers=workers,
        relaxed=relaxed,
        incumbent=None,
        stop_at_first=True,
    )
    if plan is not None:
        return True
    return False if infeasible else None


def available_visits(problem: Problem) -> int:
    """The most attendances the leaders can make: per leader and month, the smaller of K and
    the number of distinct days with a meeting they can attend."""
    days: dict[tuple[int, int], set[date]] = defaultdict(set)
    for leader_key, slot_key in problem.pairs():
        day = problem.slot_by[slot_key].day
        days[leader_key, month_index(day)].add(day)
    return sum(min(problem.rules.max_per_month, len(d)) for d in days.values())


def _names(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    if len(items) <= limit:
        return shown
    more = len(items) - limit
    return ngettext("%(names)s và %(n)s chi bộ khác", "%(names)s và %(n)s chi bộ khác", more) % {
        "names": shown,
        "n": more,
    }


def _pin_messages(problem: Problem) -> list[str]:
    messages = []
    rules = problem.rules
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    per_slot: dict[int, int] = defaultdict(int)
    visits: dict[tuple[int, int], list[int]] = defaultdict(list)
    for leader_key, slot_key in sorted(problem.pins):
        leader, slot = problem.leader_by[leader_key], problem.slot_by[slot_key]
        cell = problem.cell_by[slot.cell].name
        if (why := ineligibility(problem, leader, slot)) is not None:
            messages.append(
                _(
                    "Phân công đã ghim «Đ/c %(leader)s dự %(cell)s ngày %(day)s» không hợp lệ: %(why)s."
                )
                % {
                    "leader": leader.name,
                    "cell": cell,
                    "day": f"{slot.day:%d/%m/%Y}",
                    "why": why[1],
                }
            )
        per_day[leader_key, slot.day] += 1
        per_month[leader_key, month_index(slot.day)] += 1
        per_slot[slot_key] += 1
        visits[leader_key, slot.cell].append(month_index(slot.day))
    for (leader_key, day), n in per_day.items():
        if n > 1:
            messages.append(
                _("Đ/c %(leader)s được ghim %(n)s buổi cùng ngày %(day)s.")
                % {"leader": problem.leader_by[leader_key].name, "n": n, "day": f"{day:%d/%m/%Y}"}
            )
    for (leader_key, mi), n in per_month.items():
        if n > rules.max_per_month:
            messages.append(
                _(
                    "Đ/c %(leader)s được ghim %(n)s buổi trong tháng %(month)s, vượt quá "
                    "%(k)s buổi/tháng."
                )
                % {
                    "leader": problem.leader_by[leader_key].name,
                    "n": n,
                    "month": month_label(mi),
                    "k": rules.max_per_month,
                }
            )
    for slot_key, n in per_slot.items():
        if n > rules.max_leaders_per_meeting:
            slot = problem.slot_by[slot_key]
            messages.append(
                _(
                    "Buổi sinh hoạt của %(cell)s ngày %(day)s được ghim %(n)s đồng chí, quá "
                    "%(c)s đồng chí/buổi."
                )
                % {
                    "cell": problem.cell_by[slot.cell].name,
                    "day": f"{slot.day:%d/%m/%Y}",
                    "n": n,
                    "c": rules.max_leaders_per_meeting,
                }
            )
    for (leader_key, cell_key), months in visits.items():
        months.sort()
        if any(b - a < rules.min_months_between for a, b in zip(months, months[1:], strict=False)):
            messages.append(
                _("Đ/c %(leader)s được ghim dự %(cell)s hai lần trong vòng %(m)s tháng.")
                % {
                    "leader": problem.leader_by[leader_key].name,
                    "cell": problem.cell_by[cell_key].name,
                    "m": rules.min_months_between,
                }
            )
    return messages


def _coverage_messages(problem: Problem, relaxed: Relaxation | None) -> list[str]:
    messages = []
    eligible_cells = {problem.slot_by[s].cell for _leader, s in problem.pairs()}
    dead = [problem.cell_by[c].name for c in problem.priority_cells if c not in eligible_cells]
    if dead:
        messages.append(
            ngettext(
                "%(n)s chi bộ ưu tiên không có buổi sinh hoạt nào bố trí được trong kỳ (chưa có "
                "lịch sinh hoạt, hoặc mọi buổi rơi vào ngày lễ, ngày các đồng chí vắng): "
                "%(names)s.",
                "%(n)s chi bộ ưu tiên không có buổi sinh hoạt nào bố trí được trong kỳ (chưa có "
                "lịch sinh hoạt, hoặc mọi buổi rơi vào ngày lễ, ngày các đồng chí vắng): "
                "%(names)s.",
                len(dead),
            )
            % {"n": len(dead), "names": _names(dead)}
        )
    total = len(problem.priority_cells)
    available = available_visits(problem)
    if available < total:
        messages.append(
            _(
                "Không đủ buổi sinh hoạt để mỗi chi bộ ưu tiên có ít nhất một lượt: %(total)s chi "
                "bộ nhưng chỉ có %(available)s lượt khả dụng (%(leaders)s đồng chí, tối đa %(k)s "
                "lượt/tháng, trừ ngày lễ và ngày vắng)."
            )
            % {
                "total": total,
                "available": available,
                "leaders": len(problem.leaders),
                "k": problem.rules.max_per_month,
            }
        )
    elif relaxed is not None and relaxed.uncovered and relaxed.pins_ok:
        names = [problem.cell_by[c].name for c in relaxed.uncovered]
        messages.append(
            _(
                "Không thể bố trí để mỗi chi bộ ưu tiên có ít nhất một lượt: dù tính gộp, các "
                "đồng chí chỉ phủ được tối đa %(covered)s/%(total)s chi bộ ưu tiên; chưa phủ "
                "được: %(names)s."
            )
            % {"covered": relaxed.max_covered, "total": total, "names": _names(names)}
        )
    return messages


def diagnose(
    problem: Problem,
    *,
    deadline: float,
    workers: int = 2,
    relaxed: Relaxation | None = None,
) -> tuple[list[str], list[str]]:
    """Which rule makes the plan impossible: the problem is re-solved with each rule family
    relaxed in turn (a copy without it); a family is a culprit when dropping it alone makes a
    plan possible; when no single one does, the first pair that does is named. Counting checks
    (available visits, cells without a usable meeting, conflicting pins) add the figures.
    """
    families = [f for f in FAMILIES if (f != "pins" or problem.pins)]
    if not problem.rules.cover_priority:
        families.remove("coverage")
    culprits: list[str] = []
    unknown = False
    for i, family in enumerate(families):
        if time.monotonic() >= deadline:
            unknown = True
            break
        # every check gets its share of what is left, so the last ones are not starved
        left = max(0.5, deadline - time.monotonic())
        share = time.monotonic() + left / (len(families) - i)
        ok = feasible(relaxed_problem(problem, {family}), deadline=share, workers=workers)
        unknown |= ok is None
        if ok:
            culprits.append(family)
    together = False
    if not culprits:
        for i, first in enumerate(families):
            for second in families[i + 1 :]:
                if time.monotonic() >= deadline:
                    break
                pair = relaxed_problem(problem, {first, second})
                share = time.monotonic() + max(0.5, (deadline - time.monotonic()) / 4)
                if feasible(pair, deadline=share, workers=workers):
                    culprits, together = [first, second], True
                    break
            if culprits:
                break
    messages: list[str] = []
    if "coverage" in culprits:
        messages += _coverage_messages(problem, relaxed)
    if problem.pins:
        messages += _pin_messages(problem)
    if culprits:
        labels = "; ".join(f"«{family_label(problem, f)}»" for f in culprits)
        if together:
            head = _("Không có phương án nào thỏa mãn mọi quy định: phải nới đồng thời %(rules)s.")
        elif len(culprits) == 1:
            head = _("Không có phương án nào thỏa mãn mọi quy định vì quy định %(rules)s.")
        else:
            head = _(
                "Không có phương án nào thỏa mãn mọi quy định; nới một trong các quy định sau là "
                "có phương án: %(rules)s."
            )
        messages.insert(0, head % {"rules": labels})
    elif unknown:
        messages.insert(
            0,
            _(
                "Không có phương án nào thỏa mãn mọi quy định, và nới riêng từng quy định hay "
                "từng cặp quy định vẫn chưa đủ (hết thời gian kiểm tra). Hãy xem lại danh sách "
                "đồng chí, chi bộ và lịch."
            ),
        )
    else:
        messages.insert(
            0,
            _(
                "Không có phương án nào thỏa mãn mọi quy định, và nới riêng từng quy định hay "
                "từng cặp quy định vẫn chưa đủ. Hãy xem lại danh sách đồng chí, chi bộ và lịch."
            ),
        )
    return culprits, messages
