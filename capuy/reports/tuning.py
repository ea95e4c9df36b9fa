"""Settings for the report's few large aggregates, scoped to one read-only transaction; its
frequent small reads prepared once per connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
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


# The statement texts with their values written in, by (sql, params): a report's reads are a
# function of the node, the period and the user's scope paths, so a few hundred cover a server.
_LITERALS: dict[tuple, str] = {}
_LITERALS_KEPT = 512


def prepared_rows(sql: str, params) -> list[tuple]:
    """The rows of a read a report runs again and again.

    On PostgreSQL the statement is prepared once per connection with its values written in:
    Django's psycopg cursors bind on the client, so PostgreSQL planned it anew each time —
    ~0,4 ms of a province report's ~2 ms of SQL beside the tally's sums. (Values written in,
    not bound: a prepared ``LIKE $1`` has no plan that ranges over an index, so PostgreSQL
    would plan it each time anyway.) The statement still shows in Django's query log.
    Elsewhere, an ordinary cursor. ``CAPUY_PREPARED_READS=0`` turns it off, behind a pooler
    that keeps no prepared statements (PgBouncer before 1.21, or without
    ``max_prepared_statements``)."""
    if connection.vendor != "postgresql" or not settings.CAPUY_PREPARED_READS:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    try:
        key = (sql, tuple(params))
        text = _LITERALS.get(key)
    except TypeError:  # a list among the values: written in each time
        key, text = None, None
    if text is None:
        text = psycopg.ClientCursor(raw).mogrify(sql, params)
        if key is not None:
            if len(_LITERALS) >= _LITERALS_KEPT:
                _LITERALS.clear()
            _LITERALS[key] = text
    start = time.monotonic()
    # Django turns psycopg's prepared statements off on its connections (threshold None);
    # on for this statement only, which psycopg keeps prepared on the connection.
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(text, prepare=True)
            rows = cursor.fetchall()
    finally:
        raw.prepare_threshold = threshold
    if connection.queries_logged:
        connection.queries_log.append({"sql": text, "time": f"{time.monotonic() - start:.3f}"})
    return rows
