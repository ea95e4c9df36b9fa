"""Rotation planner benchmark (issue 3 §5): 60 leaders × 6 months × 300 priority cells.

Solves a synthetic province (capuy.rotation.synthetic: every cell meets monthly on its own day,
Vietnamese holidays with lunar Tết, absences, quota shortfalls, own cells, recent visits) with
the planner's solver (greedy baseline → min-cost-flow relaxation for the proven bound → CP-SAT
with 2 workers, always under the time limit) and prints one Markdown row per run: status, the
objective against the greedy baseline and the proven bound, the gap and the times.

    .venv/bin/python bench/bench_rotation.py [--scenario base|tight|replan|infeasible]
        [--leaders 60] [--cells 300] [--months 6] [--seed 1] [--runs 3] [--time-limit 30]

    # the same size through the services on PostgreSQL: plan creation (meetings generated
    # from schedules), the solve task (rows → problem → solve → assignments with reasons)
    # and adoption (planned attendances)
    createdb -h 127.0.0.1 -U postgres capuy_bench_rotation
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capuy_bench_rotation \
        .venv/bin/python bench/bench_rotation.py --django
"""

from __future__ import annotations

import argparse
import os
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
    replanned = synthetic_problem(
        seed=seed, leaders=args_cache.leaders, cells=args_cache.cells, months=args_cache.months
    )
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


def django_run(args) -> int:
    """Build a province in the database and time plan → solve → adopt through the services."""
    os.environ.setdefault("CAPUY_ENV", "development")
    os.environ["CAPUY_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capuy.settings")
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from capuy.committees.choices import CommitteeKind, SeatRole
    from capuy.committees.models import Committee, Seat, Term
    from capuy.core.testing import member_in, org_child, org_root
    from capuy.meetings.models import Attendance, MeetingSchedule
    from capuy.organizations.choices import FlagKind, OrgKind
    from capuy.organizations.models import Organization, OrganizationFlag
    from capuy.rotation import services
    from capuy.rotation.models import RotationPlan

    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    tag = f"B{int(time.time()) % 1_000_000}"
    with transaction.atomic():
        root = org_root(f"{tag}", f"Đảng bộ tỉnh Thử tải {tag}")
        districts = 10
        cells = []
        for d in range(districts):
            district = org_child(
                root, f"{tag}-H{d:02d}", f"Đảng bộ huyện {d}", OrgKind.DANG_BO_HUYEN
            )
            OrganizationFlag.objects.create(
                organization=district, kind=FlagKind.KHO_KHAN, valid_from=date(2025, 1, 1)
            )
            for c in range(args.cells // districts):
                cells.append(
                    org_child(
                        district,
                        f"{tag}-H{d:02d}-C{c:03d}",
                        f"Chi bộ {d}-{c}",
                        OrgKind.CHI_BO_CO_SO,
                    )
                )
        schedules = [
            MeetingSchedule(cell=cell, day_of_month=rng.randint(1, 28), starts_on=date(2025, 1, 1))
            for cell in cells
        ]
        MeetingSchedule.objects.bulk_create(schedules)
        term = Term.objects.create(organization=root, name="XX", start_on=date(2025, 10, 1))
        bch = Committee.objects.create(term=term, kind=CommitteeKind.BCH)
        for i in range(args.leaders):
            member = member_in(rng.choice(cells), "Nguyễn", "Văn", f"Thử{i:02d}")
            Seat.objects.create(
                committee=bch, member=member, role=SeatRole.UY_VIEN_BCH, start_on=date(2025, 10, 1)
            )
        user = get_user_model().objects.create_superuser(username=f"bench-{tag}", password="x" * 12)
    root = Organization.objects.get(pk=root.pk)
    timings = {}
    started = time.perf_counter()
    plan = services.plan_create(
        acting_user=user,
        organization=root,
        name=f"Thử tải {tag}",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        time_limit=int(args.time_limit),
    )
    timings["create (leaders, cells, 1,800 meetings from schedules)"] = (
        time.perf_counter() - started
    )
    started = time.perf_counter()
    plan = services.plan_run(acting_user=user, plan=plan)
    timings["run (solve task: rows → problem → solve → save with reasons)"] = (
        time.perf_counter() - started
    )
    plan = RotationPlan.objects.get(pk=plan.pk)
    started = time.perf_counter()
    services.plan_adopt(acting_user=user, plan=plan)
    timings["adopt (planned attendances)"] = time.perf_counter() - started
    planned = Attendance.objects.filter(meeting__cell__path__startswith=root.path).count()
    print(
        f"PostgreSQL end to end: {plan.leaders.count()} leaders × {plan.cells.count()} priority "
        f"cells × 6 months; {plan.summary['slots']} meetings ({plan.summary['holiday_slots']} "
        f"on holidays); status {plan.solver_status}, objective {plan.objective}, bound "
        f"{plan.best_bound}, greedy {plan.greedy_objective}, solver wall {plan.wall_time:.2f} s; "
        f"{plan.assignments.count()} assignments, {planned} planned attendances"
    )
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.2f} s |")
    return 0


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
    parser.add_argument("--django", action="store_true", help="through the services (PostgreSQL)")
    args = parser.parse_args(argv)
    args_cache = args
    if args.django:
        return django_run(args)
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
