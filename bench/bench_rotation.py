"""Rotation planner benchmark (issue 3 §5): 60 leaders × 6 months × 300 priority cells.

Solves a synthetic province with OR-Tools CP-SAT (2 workers, 30 s limit) and reports the status,
the objective against the greedy baseline and against the proven bound, the gap and the times.

    .venv/bin/python bench/bench_rotation.py [--leaders 60] [--cells 300] [--months 6]
        [--seed 1] [--time-limit 30] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capuy.rotation import solver  # noqa: E402
from capuy.rotation.synthetic import synthetic_problem  # noqa: E402


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
