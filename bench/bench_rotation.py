"""Rotation planner benchmark (issue 3 §5): 60 leaders × 6 months × 300 priority cells.

Solves a synthetic province (capuy.rotation.synthetic: every cell meets monthly on its own day,
Vietnamese holidays with lunar Tết, absences, quota shortfalls, own cells, recent visits) with
the planner's solver (greedy baseline → min-cost-flow relaxation for the proven bound → CP-SAT
with 2 workers, always under the time limit) and prints one Markdown row per run: status, the
objective against the greedy baseline and the proven bound, the gap and the times.

    .venv/bin/python bench/bench_rotation.py [--scenario base|tight|replan|infeasible]
        [--leaders 60] [--cells 300] [--months 6] [--seed 1] [--runs 3] [--time-limit 30]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ortools  # noqa: E402

from capuy.rotation import solver  # noqa: E402
from capuy.rotation.solver import Rules  # noqa: E402
from capuy.rotation.synthetic import synthetic_problem  # noqa: E402

SCENARIOS = {
    # the figure: K = 2 a month, M = 3 months, ~10 % absences, shortfalls 0–2
    "base": {},
    # K = 1 a month, 2–3 absences of 5–20 days each, shortfalls up to 6 (targets above the
    # fair share): balancing is no longer free
    "tight": {
        "rules": Rules(max_per_month=1, min_months_between=3, min_per_leader=1),
        "absence_spells": (2, 3),
        "absence_days": (5, 20),
        "shortfalls": (0, 0, 1, 2, 4, 6),
    },
    # base, then the office pins 10 visits to other leaders and re-plans (minimal change)
    "replan": {},
    # 40 leaders, K = 1, 3 months: 120 visits at most for 300 priority cells
    "infeasible": {"leaders": 40, "months": 3, "rules": Rules(max_per_month=1)},
}


def build(args, seed: int):
    options = dict(SCENARIOS[args.scenario])
    sizes = {
        "leaders": options.pop("leaders", args.leaders),
        "cells": args.cells,
        "months": options.pop("months", args.months),
    }
    return synthetic_problem(seed=seed, **sizes, **options)


def pin_ten(problem, plan, seed: int):
    """Ten of the plan's meetings given to another eligible leader, pinned."""
    rng = random.Random(seed)
    eligible: dict[int, list[int]] = {}
    for leader, slot in problem.pairs():
        eligible.setdefault(slot, []).append(leader)
    pins = set()
    for leader, slot in rng.sample(sorted(plan), 10):
        others = [k for k in eligible.get(slot, []) if k != leader]
        if others:
            pins.add((rng.choice(others), slot))
    replanned = synthetic_problem(seed=seed, leaders=args_cache.leaders, cells=args_cache.cells,
                                  months=args_cache.months)
    replanned.pins = pins
    replanned.previous = set(plan)
    replanned.__post_init__()
    return replanned


def run_once(args, seed: int) -> dict:
    problem = build(args, seed)
    started = time.perf_counter()
    result = solver.solve(problem, time_limit=args.time_limit, workers=args.workers)
    if args.scenario == "replan" and result.assignments:
        problem = pin_ten(problem, result.assignments, seed)
        started = time.perf_counter()
        result = solver.solve(problem, time_limit=args.time_limit, workers=args.workers)
    wall = time.perf_counter() - started
    bad = solver.violations(problem, result.assignments) if result.assignments else []
    b, g = result.breakdown, result.greedy_breakdown
    return {
        "seed": seed,
        "leaders": len(problem.leaders),
        "slots": len(problem.slots),
        "holiday_slots": sum(1 for s in problem.slots if s.day in problem.holidays),
        "pairs": len(problem.pairs()),
        "vars": result.num_vars,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "greedy": result.greedy_objective,
        "plan": b.as_dict() if b else None,
        "greedy_tiers": g.as_dict(),
        "first": result.first_solution_time,
        "relax": result.relaxation_time,
        "wall": wall,
        "stages": result.stages,
        "violations": len(bad),
        "pins": len(problem.pins),
        "diagnosis": result.diagnosis,
    }


def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def row(r: dict) -> str:
    p, g = r["plan"] or {}, r["greedy_tiers"]
    tiers = (
        f"max {p.get('max_load', '—')} / dev {p.get('deviation', '—')} / "
        f"under {p.get('under', '—')}" + (f" / changes {p['changes']}" if p.get("changes") else "")
    )
    greedy = f"max {g['max_load']} / dev {g['deviation']} / under {g['under']}"
    gap = "0 %" if r["gap"] == 0 else ("—" if r["gap"] is None else f"{100 * r['gap']:.2f} %")
    return (
        f"| {r['seed']} | {r['leaders']} | {r['slots']} ({r['holiday_slots']} on holidays) | "
        f"{r['pairs']:,} | {r['vars']:,} | {r['status']} | {fmt(r['objective'])} | "
        f"{fmt(r['bound'])} | {gap} | {fmt(r['greedy'])} | {tiers} | {greedy} | "
        f"{fmt(r['relax'], 2)} s | {fmt(r['first'], 2)} s | {fmt(r['wall'], 2)} s |"
    )


HEADER = (
    "| seed | leaders | meetings | eligible pairs | CP-SAT vars | status | objective | "
    "proven bound | gap | greedy objective | plan tiers | greedy tiers | relaxation | "
    "first solution | wall |\n|" + "---|" * 15
)

args_cache = None


def main(argv=None) -> int:
    global args_cache
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="base")
    parser.add_argument("--leaders", type=int, default=60)
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    args_cache = args
    print(
        f"scenario {args.scenario}: {args.leaders} leaders × {args.cells} priority cells × "
        f"{args.months} months, time limit {args.time_limit:g} s, {args.workers} workers; "
        f"OR-Tools {ortools.__version__}, Python {platform.python_version()}"
    )
    print(HEADER)
    rows = []
    for i in range(args.runs):
        r = run_once(args, args.seed + i)
        rows.append(r)
        print(row(r), flush=True)
        if r["violations"]:
            print(f"!! {r['violations']} rule violations", flush=True)
        if r["diagnosis"]:
            print("   " + " / ".join(r["diagnosis"]), flush=True)
        print(f"   stages: {r['stages']}", flush=True)
    walls = [r["wall"] for r in rows]
    print(
        f"wall median {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
        f"statuses {sorted({r['status'] for r in rows})}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
