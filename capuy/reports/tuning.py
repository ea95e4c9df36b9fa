"""Settings for the report's few large aggregates, scoped to one read-only transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

# Grouping a year of national attendances (300.000 rows, ~150.000 distinct cells) in memory
# instead of spilling to disk; SET LOCAL ends with the transaction.
WORK_MEM = "64MB"


@contextmanager
def analytic_reads() -> Iterator[None]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # JIT compiles these one-off aggregates for longer (over a second, measured)
                # than they run; the planner's cost guesses trigger it at national scale.
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'; SET LOCAL jit = off")
        yield
