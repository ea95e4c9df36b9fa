"""Reviews benchmark: the checks of one decision (issue #4: "The quota and coverage checks on one
decision: ≤ 20 ms") at national scale, through the project's own code.

Uses the national database of ``bench/bench_review_stats.py`` (``capuy_bench_reviews``: 63
provincial cycles a year for 2019 and 2020, ~5,5 million member reviews a year; with the
100.000-member province "BI" and its cycle "Bench import" when ``bench_review_import.py
--national`` has run). Nothing is generated and nothing is kept: every run is one transaction,
rolled back at its end.

Cases (picked by query on each start):

* ``member_largest_group``: a party member of a cell in the largest quota group of the 2019
  national cycles (the members of the largest grassroots organization);
* ``member_bi_1000``: a party member of a 1.000-member grassroots organization (cycle "Bench
  import", the largest quota group in the database), skipped when that cycle is missing;
* ``org_grassroots``: the organization review of that largest grassroots organization (decided
  by its district);
* ``org_district``: the organization review of the district with the most reviews under it
  (decided by the province): the largest subtree one decision's order warnings count.

Each run: in a transaction, prepare the data the decision needs (not timed): a user with the
committee-staff role at the deciding organization, the review in the state "proposed" (a
decided review is reopened; the generated member reviews point to members that are not in
the members table, so a stand-in row is inserted), the review read as the page reads it
(``selectors.review_visible_to``, which also fills the user's scope cache as a request does).
Then one of the two parts is timed, and the transaction is rolled back:

* ``checks``: what ``services.review_decide`` runs before it writes, in its order, with the
  service's own functions (the row lock and the scope, the competent level, the open /
  exempt / locked / status checks, the rule ceiling, the advisory lock of the quota group, the
  quota count and ``rules.quota_check``, the order warnings), then the coverage figures the
  cycle page and the API show for the organization the decision is about
  (``selectors.cycle_coverage`` under the member's grassroots organization, or under the
  organization reviewed). The script checks that these statements are the ones
  ``review_decide`` runs before its first write (``service_queries_match``).
* ``decide``: ``services.review_decide`` end to end (its checks, the UPDATE with its history
  row and the tally trigger, the event), as a savepoint inside the run's transaction.

The two parts alternate run by run. Per case and part: median, p95 (nearest rank) and max over
``--runs`` runs after ``--warmup`` runs, the number of SQL statements
(``CaptureQueriesContext``, savepoints left out), each statement's median time, EXPLAIN
(ANALYZE, BUFFERS) of the slowest ones, and the 1-minute load average. A commit is not part of
a rolled-back run: ``commit_ms`` times the commit of a transaction that only took a
transaction id (the WAL flush every real decision pays). ``province_what_if`` times, for a
decision this database does not hold (a province reviewed in a cycle opened over the whole
country), the two reads that grow with the subtree: the order warnings and the coverage.

    CAPUY_ENV=development .venv/bin/python bench/bench_review_decide.py [--runs 60] [--warmup 5]

Writes ``bench/out/review_decide.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from contextlib import nullcontext
from datetime import datetime

from benchdb import OUT, ROOT, database_url, setup_django, use_database

DB_NAME = "capuy_bench_reviews"
DB_URL = database_url(DB_NAME)

use_database(DB_URL)

LIMIT_MS = 20.0
YEAR = 2019
IMPORT_CYCLE = "Bench import"  # bench_review_import.py --national
OVERRIDE = "Kiểm thử hiệu năng: mức quyết định khác mức theo quy tắc."
ROLE = "committee_staff"
STEP = 4  # characters of a tree level (treebeard MP_Node)
SAVEPOINT_PREFIXES = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


# --- picking the cases ------------------------------------------------------------------------


def _one(sql: str, params=()) -> tuple | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _org_id(path: str) -> int:
    from capuy.organizations.models import Organization

    return Organization.objects.values_list("id", flat=True).get(path=path)


def _target(where: str, params: list) -> tuple:
    """A review to decide: one already proposed when there is one, else another one (it is
    reopened, or set proposed, in each run's transaction). Classified, not exempt."""
    row = _one(
        "SELECT id, status FROM reviews_review WHERE "
        + where
        + " AND classify AND exemption = '' AND status <> 'exempt'"
        " ORDER BY status = 'proposed' DESC, org_kind = 'chi_bo_truc_thuoc' DESC, id LIMIT 1",
        params,
    )
    if row is None:
        raise SystemExit(f"no review to decide for {where} {params}")
    return row


def pick_cases() -> list[dict]:
    from capuy.reviews.models import ReviewCycle

    started = time.perf_counter()
    national = list(
        ReviewCycle.objects.filter(year=YEAR)
        .exclude(name=IMPORT_CYCLE)
        .values_list("id", flat=True)
    )
    if not national:
        raise SystemExit(
            f"no {YEAR} cycles in {DB_NAME}: run bench/bench_review_stats.py --generate first"
        )
    cases = []
    # The largest quota group of the national cycles: the members of one grassroots
    # organization (HD 21 counts the quota per grassroots organization).
    cycle_id, group, size = _one(
        "SELECT cycle_id, quota_group, count(*) FROM reviews_review "
        "WHERE cycle_id = ANY(%s) AND quota_group LIKE 'member:%%' "
        "GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 1",
        [national],
    )
    grassroots = group.split(":", 1)[1]
    review_id, status = _target(
        "cycle_id = %s AND quota_group = %s AND subject_kind = 'member'", [cycle_id, group]
    )
    cases.append(
        {
            "name": "member_largest_group",
            "label": f"party member, largest quota group of the {YEAR} cycles ({size} members)",
            "cycle_id": cycle_id,
            "review_id": review_id,
            "status_found": status,
            "quota_group": group,
            "group_reviews": size,
            "grant_path": grassroots,
            "coverage_path": grassroots,
            "stand_in_member": True,
        }
    )
    # The same grassroots organization's own review, decided by its district.
    review_id, status = _target(
        "cycle_id = %s AND subject_kind = 'organization' AND org_path = %s",
        [cycle_id, grassroots],
    )
    parent = grassroots[:-STEP]
    cases.append(
        {
            "name": "org_grassroots",
            "label": f"organization review of that grassroots organization ({size} members)",
            "cycle_id": cycle_id,
            "review_id": review_id,
            "status_found": status,
            "quota_group": f"organization:{parent}",
            "grant_path": parent,
            "coverage_path": grassroots,
            "stand_in_member": False,
        }
    )
    # The district with the most reviews under it (an organization review decided by the
    # province: its order warnings count the undecided organizations of the whole district).
    cycle_id, district, subtree = _one(
        "SELECT cycle_id, left(org_path, %s), count(*) FROM reviews_review "
        "WHERE cycle_id = ANY(%s) AND length(org_path) >= %s "
        "GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 1",
        [2 * STEP, national, 2 * STEP],
    )
    review_id, status = _target(
        "cycle_id = %s AND subject_kind = 'organization' AND org_path = %s", [cycle_id, district]
    )
    cases.append(
        {
            "name": "org_district",
            "label": f"organization review of the largest district ({subtree} reviews under it)",
            "cycle_id": cycle_id,
            "review_id": review_id,
            "status_found": status,
            "quota_group": f"organization:{district[:-STEP]}",
            "subtree_reviews": subtree,
            "grant_path": district[:-STEP],
            "coverage_path": district,
            "stand_in_member": False,
        }
    )
    # The largest quota group in the database: a 1.000-member grassroots organization of BI.
    bi = ReviewCycle.objects.filter(name=IMPORT_CYCLE, year=YEAR).first()
    if bi is not None:
        row = _one(
            "SELECT quota_group, count(*) FROM reviews_review WHERE cycle_id = %s "
            "AND quota_group LIKE 'member:%%' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
            [bi.pk],
        )
        if row is not None:
            group, size = row
            review_id, status = _target(
                "cycle_id = %s AND quota_group = %s AND subject_kind = 'member'", [bi.pk, group]
            )
            cases.insert(
                1,
                {
                    "name": "member_bi_1000",
                    "label": f"party member, {size}-member grassroots organization "
                    f"(cycle «{IMPORT_CYCLE}», province BI)",
                    "cycle_id": bi.pk,
                    "review_id": review_id,
                    "status_found": status,
                    "quota_group": group,
                    "group_reviews": size,
                    "grant_path": group.split(":", 1)[1],
                    "coverage_path": group.split(":", 1)[1],
                    "stand_in_member": False,
                },
            )
    for case in cases:
        case["grant_org_id"] = _org_id(case["grant_path"])
        case["coverage_org_id"] = _org_id(case["coverage_path"])
    print(f"cases picked in {time.perf_counter() - started:.1f} s", flush=True)
    return cases


# --- one run ----------------------------------------------------------------------------------


class QueryTimer:
    """``connection.execute_wrapper``: each statement's SQL, parameters and time."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((sql, params, (time.perf_counter() - start) * 1000))

    def statements(self) -> list[tuple[str, object, float]]:
        return [row for row in self.rows if not row[0].startswith(SAVEPOINT_PREFIXES)]


def prepare(case: dict):
    """Inside the run's transaction (not timed): the deciding user, the review proposed and
    undecided, read as the page reads it."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from capuy.accounts.models import RoleGrant
    from capuy.members.models import Member
    from capuy.reviews import selectors
    from capuy.reviews.models import Review

    with connection.cursor() as cursor:
        # another session's import may hold the rows (bench_review_import.py --national)
        cursor.execute("SET LOCAL lock_timeout = '5s'")
    user = get_user_model().objects.create_user(f"bench-decide-{case['name']}", password=None)
    RoleGrant.objects.create(user=user, role=ROLE, organization_id=case["grant_org_id"])
    review = Review.objects.get(pk=case["review_id"])
    if case["stand_in_member"] and not Member.objects.filter(pk=review.member_id).exists():
        # bench_review_stats.py generates member reviews without member rows (no constraint
        # since migration 0004); the decision names the member, so it needs one.
        stand_in = Member.objects.order_by("id").first()
        stand_in.pk = review.member_id
        stand_in.card_number = None
        stand_in.cell_id = review.organization_id
        stand_in.org_path = review.org_path
        Member.objects.bulk_create([stand_in])
    if review.status != "proposed" or review.locked or review.decided_level:
        Review.objects.filter(pk=review.pk).update(
            status="proposed",
            decided_level="",
            locked=False,
            proposed_level=review.proposed_level or review.self_level or "HTTNV",
        )
    return user, selectors.review_visible_to(user, case["review_id"])


def service_checks(user, review, level: str):
    """``services.review_decide`` up to its first write: its own ``_decide_checks``."""
    from capuy.reviews import services

    locked, _derivation, quota, warnings = services._decide_checks(
        user, review, level, OVERRIDE, None
    )
    return locked, quota, warnings


def coverage(user, review, organization_id: int):
    """The coverage rows the cycle page (``?org=``) and ``GET …/coverage/`` show under one
    organization: the branch read as the page reads it, then the grouped count."""
    from capuy.members.selectors import organization_visible_to
    from capuy.reviews import selectors

    root = organization_visible_to(user, organization_id)
    rows = selectors.cycle_coverage(user, review.cycle, root)
    return rows, selectors.coverage_total(rows)


def run_checks(case: dict, user, review, timer: QueryTimer) -> dict:
    start = time.perf_counter()
    locked, quota, warnings = service_checks(user, review, case["level"])
    middle = time.perf_counter()
    service_statements = len(timer.statements())
    rows, total = coverage(user, locked, case["coverage_org_id"])
    end = time.perf_counter()
    return {
        "service_ms": (middle - start) * 1000,
        "service_statements": service_statements,
        "coverage_ms": (end - middle) * 1000,
        "quota": quota,
        "warnings": warnings,
        "coverage_rows": len(rows),
        "coverage_total": total.total,
        "coverage_decided": total.decided,
    }


def run_decide(case: dict, user, review, timer: QueryTimer) -> dict:
    from capuy.reviews import services

    decided = services.review_decide(
        acting_user=user, review=review, level=case["level"], override_reason=OVERRIDE
    )
    assert decided.locked and decided.decided_level == case["level"]
    return {"quota": decided.quota, "warnings": decided.warnings}


PARTS = {"checks": run_checks, "decide": run_decide}


def one_run(case: dict, part: str, *, capture: bool = False) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    timer = QueryTimer()
    with transaction.atomic():
        user, review = prepare(case)
        with (
            CaptureQueriesContext(connection) if capture else nullcontext() as captured,
            connection.execute_wrapper(timer),
        ):
            start = time.perf_counter()
            result = PARTS[part](case, user, review, timer)
            result["ms"] = (time.perf_counter() - start) * 1000
        transaction.set_rollback(True)
    result["statements"] = timer.statements()
    if captured is not None:
        result["captured"] = [
            q["sql"]
            for q in captured.captured_queries
            if not q["sql"].startswith(SAVEPOINT_PREFIXES)
        ]
        result["savepoints"] = len(captured.captured_queries) - len(result["captured"])
    return result


def choose_level(case: dict) -> str:
    """The highest level the decision may take (the rule ceiling and the quota allowing), so
    that the quota path is the one a decision of HTXSNV takes when it can."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from capuy.reviews import services

    problems = {}
    for level in ("HTXSNV", "HTTNV", "HTNV"):
        try:
            with transaction.atomic():
                user, review = prepare(case)
                services.review_decide(
                    acting_user=user, review=review, level=level, override_reason=OVERRIDE
                )
                transaction.set_rollback(True)
            return level
        except ValidationError as error:
            problems[level] = error.messages
    raise SystemExit(f"{case['name']}: no level can be decided: {problems}")


# --- measuring --------------------------------------------------------------------------------


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
        "min_ms": round(ordered[0], 2),
        "runs": len(ordered),
    }


def _statement_medians(runs: list[dict]) -> list[dict]:
    """Each statement's median time across runs (runs with the same statements)."""
    shape = [sql for sql, _params, _ms in runs[-1]["statements"]]
    same = [r for r in runs if [sql for sql, _p, _m in r["statements"]] == shape]
    rows = []
    for position, sql in enumerate(shape):
        times = [r["statements"][position][2] for r in same]
        rows.append(
            {
                "position": position + 1,
                "median_ms": round(statistics.median(times), 3),
                "max_ms": round(max(times), 3),
                "sql": " ".join(sql.split())[:400],
            }
        )
    return rows


def explain(case: dict, part_runs: list[dict], slowest: int = 2) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statements of a part, each in a prepared,
    rolled-back transaction (the statements of the last run, with its parameters)."""
    from django.db import connection, transaction

    last = part_runs[-1]["statements"]
    medians = _statement_medians(part_runs)
    order = sorted(range(len(last)), key=lambda i: -medians[i]["median_ms"])[:slowest]
    plans = []
    for index in order:
        sql, params, _ms = last[index]
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "WITH")):
            continue
        with transaction.atomic():
            prepare(case)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        plans.append(
            {"position": index + 1, "median_ms": medians[index]["median_ms"], "plan": plan}
        )
    return plans


def measure_case(case: dict, runs: int, warmup: int) -> dict:
    case["level"] = choose_level(case)
    load_start = os.getloadavg()[0]
    for _ in range(warmup):
        for part in PARTS:
            one_run(case, part)
    results: dict[str, list[dict]] = {part: [] for part in PARTS}
    for _ in range(runs):
        for part in PARTS:
            results[part].append(one_run(case, part))
    load_end = os.getloadavg()[0]
    counted = {part: one_run(case, part, capture=True) for part in PARTS}
    out = {**case, "load_1min_start": round(load_start, 2), "load_1min_end": round(load_end, 2)}
    for part, part_runs in results.items():
        summary = _stats([r["ms"] for r in part_runs])
        statements = _statement_medians(part_runs)
        summary["queries"] = len(counted[part]["captured"])
        summary["savepoints_left_out"] = counted[part]["savepoints"]
        summary["statements"] = statements
        summary["slowest"] = sorted(statements, key=lambda s: -s["median_ms"])[:3]
        summary["ok"] = summary["median_ms"] <= LIMIT_MS and summary["p95_ms"] <= LIMIT_MS
        summary["explain"] = explain(case, part_runs)
        out[part] = summary
    checks = results["checks"]
    out["checks"]["service_ms"] = _stats([r["service_ms"] for r in checks])
    out["checks"]["coverage_ms"] = _stats([r["coverage_ms"] for r in checks])
    last = counted["checks"]
    quota = last["quota"]
    out["quota"] = (
        {"excellent": quota.excellent, "good": quota.good, "maximum": quota.maximum}
        if quota
        else None
    )
    out["warnings"] = last["warnings"]
    out["coverage"] = {
        "rows": last["coverage_rows"],
        "reviews": last["coverage_total"],
        "decided": last["coverage_decided"],
    }
    # The checks' statements must be those review_decide runs before its first write.
    service_sql = [sql for sql, _p, _m in last["statements"]][: last["service_statements"]]
    decide_sql = [sql for sql, _p, _m in counted["decide"]["statements"]]
    out["service_queries_match"] = service_sql == decide_sql[: len(service_sql)]
    out["decide"]["after_checks"] = [
        " ".join(sql.split())[:60] for sql in decide_sql[len(service_sql) :]
    ]
    out["checks"]["service_queries"] = len(service_sql)
    out["checks"]["coverage_queries"] = out["checks"]["queries"] - len(service_sql)
    return out


def province_what_if(district_case: dict, runs: int, warmup: int) -> dict:
    """Not a decision this database holds (its cycles are provincial, so no province is
    reviewed in one): the order warnings a province's own review would count if one cycle
    were opened over the whole country (the real ``order_warnings`` on an unsaved review of
    the province, in the province's cycle, which holds the same subtree), and the coverage of
    the province (the cycle page's first view for the province's staff)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from capuy.accounts.models import RoleGrant
    from capuy.members.selectors import organization_visible_to
    from capuy.organizations.models import Organization
    from capuy.reviews import selectors
    from capuy.reviews.choices import ReviewStatus, SubjectKind
    from capuy.reviews.models import Review, ReviewCycle

    province = Organization.objects.get(path=district_case["grant_path"])
    cycle = ReviewCycle.objects.select_related("rule_set").get(pk=district_case["cycle_id"])
    review = Review(
        cycle=cycle,
        subject_kind=SubjectKind.ORGANIZATION,
        organization=province,
        org_path=province.path,
        status=ReviewStatus.PROPOSED,
    )
    load_start = os.getloadavg()[0]
    warnings_ms, coverage_ms, found = [], [], {}
    for index in range(warmup + runs):
        with transaction.atomic():
            user = get_user_model().objects.create_user("bench-decide-province", password=None)
            RoleGrant.objects.create(user=user, role=ROLE, organization=province)
            start = time.perf_counter()
            found["warnings"] = selectors.order_warnings(review)
            middle = time.perf_counter()
            rows = selectors.cycle_coverage(user, cycle, organization_visible_to(user, province.pk))
            end = time.perf_counter()
            found["reviews"] = selectors.coverage_total(rows).total
            transaction.set_rollback(True)
        if index >= warmup:
            warnings_ms.append((middle - start) * 1000)
            coverage_ms.append((end - middle) * 1000)
    return {
        "province": province.path,
        "cycle_id": cycle.pk,
        "reviews_under_province": found["reviews"],
        "warnings": found["warnings"],
        "order_warnings_ms": _stats(warnings_ms),
        "coverage_ms": _stats(coverage_ms),
        "load_1min_start": round(load_start, 2),
        "load_1min_end": round(os.getloadavg()[0], 2),
    }


def commit_cost(runs: int) -> dict:
    """What a commit adds to a real decision: the commit (WAL flush) of a transaction that
    only took a transaction id. Changes no data."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs + 3):
            cursor.execute("BEGIN")
            cursor.execute("SELECT txid_current()")
            start = time.perf_counter()
            cursor.execute("COMMIT")
            times.append((time.perf_counter() - start) * 1000)
    return _stats(times[3:])


def environment() -> dict:
    from django.db import connection

    def one(sql: str):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    settings = {
        name: one(f"SHOW {name}")[0][0]
        for name in ("server_version", "shared_buffers", "work_mem", "jit", "synchronous_commit")
    }
    return {
        "postgres": settings,
        "review_indexes": [
            row[0]
            for row in one(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'reviews_review' ORDER BY 1"
            )
        ],
        "review_reloptions": one(
            "SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class "
            "WHERE relname = 'reviews_review'"
        )[0][0],
        "review_table": one("SELECT pg_size_pretty(pg_total_relation_size('reviews_review'))")[0][
            0
        ],
        "reviews_migrations": [
            row[0]
            for row in one("SELECT name FROM django_migrations WHERE app = 'reviews' ORDER BY id")
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--case", action="append", help="only these cases (by name)")
    args = parser.parse_args()
    setup_django()
    from django.db import OperationalError

    started = datetime.now().isoformat(timespec="seconds")
    env = environment()
    cases = pick_cases()
    if args.case:
        cases = [c for c in cases if c["name"] in args.case]
    results, skipped = [], []
    for case in cases:
        try:
            result = measure_case(case, args.runs, args.warmup)
        except OperationalError as error:  # lock_timeout: the rows are another session's
            print(f"{case['name']}: skipped ({error})", flush=True)
            skipped.append({**case, "skipped": str(error).strip()})
            continue
        results.append(result)
        for part in PARTS:
            r = result[part]
            print(
                f"{case['name']:22s} {part:6s} median {r['median_ms']:6.2f} ms  "
                f"p95 {r['p95_ms']:6.2f}  max {r['max_ms']:6.2f}  {r['queries']:2d} queries  "
                f"load {result['load_1min_end']:.2f}  {'OK' if r['ok'] else 'OVER'}",
                flush=True,
            )
    district = next((c for c in cases if c["name"] == "org_district"), None)
    what_if = province_what_if(district, args.runs, args.warmup) if district else None
    commit = commit_cost(args.runs)
    out = {
        "started": started,
        "finished": datetime.now().isoformat(timespec="seconds"),
        "database": DB_NAME,
        "limit_ms": LIMIT_MS,
        "runs": args.runs,
        "warmup": args.warmup,
        "environment": env,
        "commit_ms": commit,
        "cases": results,
        "skipped": skipped,
        "province_what_if": what_if,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "review_decide.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    print()
    print(
        f"limit {LIMIT_MS:.0f} ms (median and p95); commit of a write adds {commit['median_ms']} ms"
    )
    for r in results:
        c, d = r["checks"], r["decide"]
        print(
            f"{r['name']:22s} level {r['level']:6s} checks {c['median_ms']:5.2f}/"
            f"{c['p95_ms']:5.2f}/{c['max_ms']:5.2f} ms ({c['queries']} q; service "
            f"{c['service_ms']['median_ms']:.2f}, coverage {c['coverage_ms']['median_ms']:.2f})  "
            f"decide {d['median_ms']:5.2f}/{d['p95_ms']:5.2f}/{d['max_ms']:5.2f} ms "
            f"({d['queries']} q)  load {r['load_1min_start']:.2f}→{r['load_1min_end']:.2f}  "
            f"same SQL as the service: {r['service_queries_match']}"
        )
    if what_if:
        w, c = what_if["order_warnings_ms"], what_if["coverage_ms"]
        print(
            f"what if a province were reviewed ({what_if['reviews_under_province']} reviews "
            f"under it): order warnings {w['median_ms']:.2f}/{w['p95_ms']:.2f} ms, coverage "
            f"{c['median_ms']:.2f}/{c['p95_ms']:.2f} ms"
        )
    print(f"written: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
