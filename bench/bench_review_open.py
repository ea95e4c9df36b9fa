"""Reviews benchmark: opening a review cycle at national scale (issue #4: "Opening that cycle
[5,6 million member reviews]: ≤ 2 minutes").

Generates its own PostgreSQL database with ``capuy synth`` (organizations and members in the
post-1/7/2025 shape, COPY) and adds, set-based in SQL, what the opening also reads: a term with
its BCH (and BTV) for every province, commune-level and grassroots organization, and the seats
of the province and commune committees (bí thư, phó bí thư, ủy viên BTV, ủy viên BCH). By
default the whole nation sits under **one** root (``--provinces 1``), so that one cycle holds
every member: the worst case for one opening, one transaction.

    CAPUY_ENV=development .venv/bin/python bench/bench_review_open.py --generate [--members N]
    CAPUY_ENV=development .venv/bin/python bench/bench_review_open.py [--runs 2]

A run opens the 2025 cycle (QĐ 366) over the root the way the page does for a large scope:
``tasks.start_open_job`` = the checks of ``services.cycle_open`` without writing
(``opening.check_opening``), then the job (django-tasks' ImmediateBackend here, so it runs
in this process, exactly the task code a worker runs) that inserts the subjects in one
transaction and reports each step through a second connection. A thread polls the job row
meanwhile from its own connection, as the progress page does, to show the steps are visible
before the commit. Between runs the review tables are truncated. After the last run, the cycle page's coverage of
that cycle (by the root's children and by deciding level) is timed from the tally and by
grouping the reviews, and the figures compared (``--coverage-runs``). Writes
``bench/out/review_open.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time

from benchdb import OUT, database_url, ensure_database, pg_env, setup_django, use_database

DB_NAME = "capuy_bench_review_open"
DB_URL = database_url(DB_NAME)

use_database(DB_URL)
# The job runs in this process, as a worker would run it.
os.environ["CAPUY_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

LIMIT_S = 120
YEAR = 2025
RULE_SET = "qd366-hd43"
NATIONAL_MEMBERS = 5_600_000
# Committee sizes (domain.md §10: a commune BCH 33, BTV 11; a provincial BCH 50–71, BTV 15–18).
PROVINCE_BCH, PROVINCE_BTV = 65, 17
COMMUNE_BCH, COMMUNE_BTV = 33, 11
TERM_START = "2025-08-15"


def capuy(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "capuy", *args, "--skip-checks"], env=pg_env(), check=True
    )


# --- generation -------------------------------------------------------------------------------

COMMITTEES_SQL = [
    # A term for every province, commune-level and grassroots organization.
    """
    INSERT INTO committees_term (organization_id, name, start_on, end_on)
    SELECT id, 'I', DATE %(start)s, NULL FROM organizations_organization
    WHERE kind IN ('dang_bo_tinh', 'dang_bo_xa', 'dang_bo_co_so', 'chi_bo_co_so')
    """,
    # Its BCH (chi ủy of a chi bộ cơ sở), and a BTV above the grassroots.
    """
    INSERT INTO committees_committee (term_id, kind)
    SELECT t.id, 'bch' FROM committees_term t
    UNION ALL
    SELECT t.id, 'btv' FROM committees_term t
    JOIN organizations_organization o ON o.id = t.organization_id
    WHERE o.kind IN ('dang_bo_tinh', 'dang_bo_xa')
    """,
    # Seats of the province and commune committees: the first members of the subtree hold
    # them; the top ones also sit on the BTV with a title. Communes sit at depth 2 in the
    # synth tree (path of 8 characters): one pass over the members ranks them per commune (a
    # lateral LIKE per commune would scan the member table once per commune).
    """
    CREATE TEMP TABLE holders AS
    SELECT o.id AS org_id, o.kind, p.member_id, p.rn
    FROM (
        SELECT id AS member_id, substr(org_path, 1, 8) AS branch,
               ROW_NUMBER() OVER (PARTITION BY substr(org_path, 1, 8) ORDER BY id) AS rn
        FROM members_member
    ) p
    JOIN organizations_organization o ON o.path = p.branch AND o.kind = 'dang_bo_xa'
    WHERE p.rn <= %(commune_bch)s
    UNION ALL
    SELECT o.id, o.kind, m.id, ROW_NUMBER() OVER (PARTITION BY o.id ORDER BY m.id)
    FROM organizations_organization o
    CROSS JOIN LATERAL (
        SELECT id FROM members_member m WHERE m.org_path LIKE o.path || '%%'
        ORDER BY m.id LIMIT %(province_bch)s
    ) m
    WHERE o.kind = 'dang_bo_tinh'
    """,
    """
    INSERT INTO committees_seat (committee_id, member_id, role, start_on, end_on, note)
    SELECT c.id, h.member_id, 'uy_vien_bch', DATE %(start)s, NULL, ''
    FROM holders h
    JOIN committees_term t ON t.organization_id = h.org_id
    JOIN committees_committee c ON c.term_id = t.id AND c.kind = 'bch'
    """,
    """
    INSERT INTO committees_seat (committee_id, member_id, role, start_on, end_on, note)
    SELECT c.id, h.member_id,
           CASE h.rn WHEN 1 THEN 'bi_thu' WHEN 2 THEN 'pho_bi_thu_thuong_truc'
                     WHEN 3 THEN 'pho_bi_thu' ELSE 'uy_vien_btv' END,
           DATE %(start)s, NULL, ''
    FROM holders h
    JOIN committees_term t ON t.organization_id = h.org_id
    JOIN committees_committee c ON c.term_id = t.id AND c.kind = 'btv'
    WHERE h.rn <= CASE WHEN h.kind = 'dang_bo_tinh' THEN %(province_btv)s
                       ELSE %(commune_btv)s END
    """,
    "DROP TABLE holders",
]


def generate(members: int, provinces: int) -> dict:
    timings = {}
    ensure_database(DB_NAME, fresh=True)
    started = time.monotonic()
    capuy("migrate", "--noinput", "-v0")
    timings["migrate_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    capuy("synth", "--members", str(members), "--provinces", str(provinces))
    timings["synth_s"] = round(time.monotonic() - started, 1)

    timings.update(add_committees())
    print(f"generated: {timings}", flush=True)
    return timings


def add_committees() -> dict:
    setup_django()
    from django.db import connection, transaction

    started = time.monotonic()
    params = {
        "start": TERM_START,
        "province_bch": PROVINCE_BCH,
        "province_btv": PROVINCE_BTV,
        "commune_bch": COMMUNE_BCH,
        "commune_btv": COMMUNE_BTV,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in COMMITTEES_SQL:
            cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE committees_term")
        cursor.execute("VACUUM ANALYZE committees_committee")
        cursor.execute("VACUUM ANALYZE committees_seat")
    return {"committees_s": round(time.monotonic() - started, 1)}


# --- measuring --------------------------------------------------------------------------------


def sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in (
            "organizations_organization",
            "members_member",
            "committees_term",
            "committees_committee",
            "committees_seat",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT kind, count(*) FROM organizations_organization GROUP BY kind ORDER BY kind"
        )
        counts["kinds"] = dict(cursor.fetchall())
    return counts


def clear_reviews() -> None:
    from django.db import connection

    from capuy.jobs.models import Job

    tables = [
        "reviews_reviewevent",
        "reviews_historicalreview",
        "reviews_review",
        "reviews_historicalreviewcycle",
        "reviews_reviewcycle",
    ]
    if "reviews_reviewtally" in connection.introspection.table_names():
        tables.append("reviews_reviewtally")  # the statistics' tally (its triggers skip TRUNCATE)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
    Job.objects.filter(kind="reviews.open_cycle").delete()


class Poller(threading.Thread):
    """Reads the job row every ``interval`` seconds on its own connection, as the progress page
    does, and keeps each distinct (status, done, total, message) with the time it was seen."""

    def __init__(self, interval: float = 0.5):
        super().__init__(daemon=True)
        self.interval = interval
        self.seen: list[dict] = []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            last = None
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT status, done, total, message FROM jobs_job "
                    "WHERE kind = 'reviews.open_cycle' ORDER BY created_at DESC LIMIT 1"
                ).fetchone()
                if row and row != last:
                    last = row
                    self.seen.append(
                        {
                            "at_s": round(time.monotonic() - self.started, 1),
                            "status": row[0],
                            "done": row[1],
                            "total": row[2],
                            "message": row[3],
                        }
                    )
                self.stop.wait(self.interval)


def backend_cpu_seconds() -> float | None:
    try:
        from capuy.demo.synth import backend_cpu_seconds as cpu

        return cpu()
    except Exception:
        return None


def measure_run(root, user, rule_set) -> dict:
    from capuy.jobs.models import Job
    from capuy.reviews import opening, tasks
    from capuy.reviews.models import Review, ReviewCycle

    arguments = {"rule_set": rule_set, "organization": root, "year": YEAR, "period_kind": "year"}
    steps: list[tuple[str, float]] = []
    original = tasks._Progress.__call__
    started = time.monotonic()

    def timed(self, step, counts):
        steps.append((step, round(time.monotonic() - started, 2)))
        return original(self, step, counts)

    tasks._Progress.__call__ = timed
    poller = Poller()
    poller.start()
    try:
        check_started = time.monotonic()
        opening.check_opening(acting_user=user, **arguments)
        check_s = time.monotonic() - check_started
        started = time.monotonic()
        cpu_before = backend_cpu_seconds()
        job = tasks.start_open_job(user=user, **arguments)
        total_s = time.monotonic() - started
        cpu_after = backend_cpu_seconds()
    finally:
        tasks._Progress.__call__ = original
        time.sleep(1)
        poller.stop.set()
        poller.join()
    job = Job.objects.get(pk=job.pk)
    cycle = ReviewCycle.objects.get(pk=job.params["cycle_id"])
    rows = Review.objects.filter(cycle=cycle).count()
    return {
        "status": job.status,
        "message": job.message,
        "counts": job.params.get("counts"),
        "rows": rows,
        "check_only_s": round(check_s, 3),
        "start_open_job_s": round(total_s, 1),
        "rows_per_s": round(rows / total_s),
        "steps_at_s": steps,
        "progress_seen_by_poller": poller.seen,
        "backend_cpu_s": (
            round(cpu_after - cpu_before, 1) if cpu_before is not None and cpu_after else None
        ),
        "within_limit": total_s <= LIMIT_S,
    }


def _timed(call, runs: int) -> tuple[dict, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(times[len(times) // 2], 1), "max_ms": round(times[-1], 1)}, value


def _figures(rows) -> list[tuple]:
    return [(r.key, r.total, r.exempt, r.reviewed, r.decided) for r in rows]


def measure_coverage(user, runs: int, rows_runs: int) -> dict:
    """The cycle page's coverage of the cycle just opened (the whole country under one root),
    read as a national user reads it: by the root's children and by deciding level, from the
    tally (``runs`` times) and by grouping the reviews (``rows_runs`` times, the tally set
    aside as on SQLite); the figures must be the same."""
    from capuy.reviews import selectors
    from capuy.reviews.models import ReviewCycle

    cycle = ReviewCycle.objects.select_related("organization", "rule_set").latest("pk")
    result = {}
    for name, call in (
        ("by_child", lambda: selectors.cycle_coverage(user, cycle)),
        ("by_level", lambda: selectors.coverage_by_level(cycle, user)),
    ):
        call()  # warm-up
        tallied, from_tally = _timed(call, runs)
        original = selectors._tally_plan
        selectors._tally_plan = lambda *a: None
        try:
            grouped, from_rows = _timed(call, rows_runs)
        finally:
            selectors._tally_plan = original
        result[name] = {
            "rows": len(from_tally),
            "from_tally": tallied,
            "grouping_the_reviews": grouped,
            "same_figures": _figures(from_tally) == _figures(from_rows),
        }
        print(f"coverage {name}: {json.dumps(result[name])}", flush=True)
    return result


def measure(runs: int, coverage_runs: int = 9, coverage_rows_runs: int = 3) -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from capuy.organizations.models import Organization
    from capuy.reviews.models import RuleSet

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username="bench_review_open", defaults={"is_superuser": True, "is_staff": True}
    )
    root = Organization.objects.filter(depth=1).order_by("-member_count").first()
    rule_set = RuleSet.objects.get(code=RULE_SET)
    result = {
        "database": DB_NAME,
        "root": {"name": root.name, "members": root.member_count},
        "sizes": sizes(),
        "load_before": os.getloadavg(),
        "runs": [],
    }
    print(json.dumps(result["sizes"], ensure_ascii=False), flush=True)
    for number in range(runs):
        clear_reviews()
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        run = measure_run(root, user, rule_set)
        run["load"] = os.getloadavg()
        print(f"run {number + 1}: {json.dumps(run, ensure_ascii=False)}", flush=True)
        result["runs"].append(run)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('reviews_review')")
        result["review_table_bytes"] = cursor.fetchone()[0]
    if coverage_runs and result["runs"]:
        result["coverage"] = measure_coverage(user, coverage_runs, coverage_rows_runs)
    times = [r["start_open_job_s"] for r in result["runs"]]
    result["best_s"], result["worst_s"] = min(times), max(times)
    result["limit_s"] = LIMIT_S
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--members", type=int, default=NATIONAL_MEMBERS)
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-measure", action="store_true")
    parser.add_argument(
        "--coverage-runs",
        type=int,
        default=9,
        help="after the last run, time the cycle's coverage from the tally this many times "
        "(and a third as many by grouping the reviews); 0 to skip",
    )
    parser.add_argument(
        "--committees-only",
        action="store_true",
        help="add the committees to an existing synth database (after a --generate that stopped)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    result: dict = {}
    if args.generate:
        result["generation"] = generate(args.members, args.provinces)
    elif args.committees_only:
        result["generation"] = add_committees()
    if not args.no_measure:
        result.update(measure(args.runs, args.coverage_runs, max(1, args.coverage_runs // 3)))
    out = OUT / "review_open.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous.update(result)
    out.write_text(json.dumps(previous, ensure_ascii=False, indent=2, default=str))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
