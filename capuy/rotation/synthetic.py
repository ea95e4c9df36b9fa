"""A synthetic province for the rotation planner's benchmark and tests (no Django)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import holidays

from . import solver
from .solver import Cell, Leader, Problem, Rules, Slot


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
    absence_spells: tuple[int, ...] = (1, 1, 2),
    absence_days: tuple[int, int] = (3, 12),
    shortfalls: tuple[int, ...] = (0, 0, 0, 0, 1, 2),
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
        for _ in range(rng.choice(absence_spells)):
            begin = start + timedelta(days=rng.randint(0, (end - start).days - 10))
            away.append((begin, begin + timedelta(days=rng.randint(*absence_days)), "Công tác"))
        last = {}
        if rng.random() < 0.3:
            last[rng.randint(1, cells)] = solver.month_index(start) - rng.randint(1, 2)
        people.append(
            Leader(
                key=lk,
                name=f"Đồng chí {lk:02d}",
                shortfall=rng.choice(shortfalls),
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
