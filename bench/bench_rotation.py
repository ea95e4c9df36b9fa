"""Rotation planner benchmark (issue 3 §5): 60 leaders × 6 months × 300 priority cells.

Solves a synthetic province with OR-Tools CP-SAT (2 workers, 30 s limit) and reports the status,
the objective against the greedy baseline and against the proven bound, the gap and the times.

    .venv/bin/python bench/bench_rotation.py [--leaders 60] [--cells 300] [--months 6]
        [--seed 1] [--time-limit 30] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import holidays  # noqa: E402

from capuy.rotation import solver  # noqa: E402
from capuy.rotation.solver import Cell, Leader, Problem, Rules, Slot  # noqa: E402


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def synthetic_problem(
    *,
    leaders: int = 60,
    cells: int = 300,
    months: int = 6,
    start: date = date(2026, 1, 1),
    seed: int = 1,
    rules: Rules | None = None,
) -> Problem:
    """A province: every priority cell meets monthly on its own day (1–28); leaders are away
    for one or two spells (~10 % of days), some owe attendances from last year (shortfall),
    some belong to one of the cells, and some visited a cell in the last months (history)."""
    rng = random.Random(seed)
    end = add_months(start, months) - timedelta(days=1)
    years = range(start.year, end.year + 1)
    vn = holidays.country_holidays("VN", years=years, language="vi")
    cell_rows = [
        Cell(key=c, name=f"Chi bộ {c:03d}", weight=rng.choice((2, 3, 3, 5)), priority=True)
        for c in range(1, cells + 1)
    ]
    slots = []
    key = 0
    for cell in cell_rows:
        day_of_month = rng.randint(1, 28)
        for m in range(months):
            key += 1
            first = add_months(start, m)
            slots.append(Slot(key=key, cell=cell.key, day=first.replace(day=day_of_month)))
    people = []
    for lk in range(1, leaders + 1):
        away = []
        for _ in range(rng.choice((1, 1, 2))):
            begin = start + timedelta(days=rng.randint(0, (end - start).days - 10))
            away.append((begin, begin + timedelta(days=rng.randint(3, 12)), "Công tác"))
        last = {}
        if rng.random() < 0.3:
            last[rng.randint(1, cells)] = solver.month_index(start) - rng.randint(1, 2)
        people.append(
            Leader(
                key=lk,
                name=f"Đồng chí {lk:02d}",
                shortfall=rng.choice((0, 0, 0, 0, 1, 2)),
                home_cell=rng.randint(1, cells) if rng.random() < 0.5 else None,
                unavailable=away,
                last_visit=last,
            )
        )
    holiday_days = {d: str(name) for d, name in vn.items() if start <= d <= end}
    return Problem(
        leaders=people,
        cells=cell_rows,
        slots=slots,
        rules=rules or Rules(max_per_month=2, min_months_between=3, min_per_leader=1),
        holidays=holiday_days,
    )


def run_once(args, seed: int) -> dict:
    problem = synthetic_problem(
        leaders=args.leaders, cells=args.cells, months=args.months, seed=seed
    )
    result = solver.solve(problem, time_limit=args.time_limit, workers=args.workers)
    print(result.stages, "relax", round(result.relaxation_time, 2))
    bad = solver.violations(problem, result.assignments)
    b, g = result.breakdown, result.greedy_breakdown
    return {
        "seed": seed,
        "slots": len(problem.slots),
        "holiday_slots": sum(1 for s in problem.slots if s.day in problem.holidays),
        "vars": result.num_vars,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "greedy": result.greedy_objective,
        "first": result.first_solution_time,
        "wall": result.wall_time,
        "violations": len(bad),
        "loads": (min(b.loads.values()), max(b.loads.values())) if b else None,
        "max_reg": b.max_load if b else None,
        "deviation": b.deviation if b else None,
        "greedy_max_reg": g.max_load,
        "greedy_dev": g.deviation,
        "greedy_uncovered": g.uncovered_priority,
        "assignments": len(result.assignments),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=60)
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = []
    for i in range(args.runs):
        row = run_once(args, args.seed + i)
        rows.append(row)
        print(row, flush=True)
    walls = [r["wall"] for r in rows]
    print(f"median wall {statistics.median(walls):.2f}s max {max(walls):.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
