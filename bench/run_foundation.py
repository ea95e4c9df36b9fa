"""Foundation benchmark: tree page, member search, member list and worker memory at 5.6 M members.

Run against a PostgreSQL database filled by ``bench/synth.sh`` (``capuy synth --members 5600000``):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/capuy_bench CAPUY_ENV=development \\
        .venv/bin/python bench/run_foundation.py [--runs 30] [--rss-rounds 200]

Every figure is measured in this process: pages through Django's test ``Client`` (the whole
middleware stack and template, no network), queries through the ORM. Each case runs a few
warm-up times, then ``--runs`` timed times; the report gives median and p95 (nearest rank).
Writes ``bench/out/foundation.json`` and ``bench/out/foundation.md`` (raw, with EXPLAIN
ANALYZE of the ORM queries); ``bench/RESULTS.md`` is the curated summary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capuy.settings")
os.environ.setdefault("CAPUY_ENV", "development")
# A long-running worker is measured: no DEBUG query log growing in memory.
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from capuy.accounts.choices import Role  # noqa: E402
from capuy.accounts.models import RoleGrant  # noqa: E402
from capuy.core.testing import sign_in  # noqa: E402
from capuy.members.models import Member  # noqa: E402
from capuy.organizations.choices import OrgKind  # noqa: E402
from capuy.organizations.models import Organization  # noqa: E402

# Limits from the issue, in milliseconds (and MB for memory).
LIMIT_TREE = 150
LIMIT_SEARCH = 100
LIMIT_LIST = 50
LIMIT_SYNTH_S = 300
LIMIT_SYNTH_MB = 2048
LIMIT_WORKER_MB = 300
MIN_RUNS = 5


@dataclass
class Result:
    name: str
    kind: str  # "page" or "query"
    scope: str
    limit_ms: float
    runs: list[float] = field(default_factory=list)
    queries: int | None = None
    sql_runs: list[float] = field(default_factory=list)  # database time inside each run
    status: int | None = None
    rows: int | None = None
    explain: str = ""
    sql: str = ""
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def p95(self) -> float:
        if not self.runs:
            return float("nan")
        ordered = sorted(self.runs)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    @property
    def sql_ms(self) -> float:
        """Median time spent in the database; the rest of a page's time is Python."""
        return statistics.median(self.sql_runs) if self.sql_runs else float("nan")

    @property
    def ok(self) -> bool:
        return not self.error and self.p95 <= self.limit_ms

    def summary(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, sql_ms=self.sql_ms, ok=self.ok)
        return data


class Bench:
    def __init__(
        self,
        runs: int,
        warmup: int,
        explain: bool = True,
        budget_s: float = 60.0,
        skip: frozenset = frozenset(),
        capture: bool = True,
    ) -> None:
        self.runs = runs
        self.warmup = warmup
        self.explain = explain
        # A case far over its limit (seconds per run) stops after MIN_RUNS once it has used
        # budget_s: its failure is clear, and 30 runs would take an hour.
        self.budget_s = budget_s
        self.skip = skip  # (name, scope) pairs not to run at all
        # Counting queries keeps a log of them; the memory rounds run like a real worker.
        self.capture = capture
        self.only: re.Pattern | None = None  # run only the cases whose name matches
        self.results: list[Result] = []

    def _measure(self, result: Result, call) -> None:
        if (result.name, result.scope) in self.skip:
            return
        if self.only and not self.only.search(result.name):
            return
        spent = 0.0
        try:
            for _ in range(self.warmup):
                started = time.perf_counter()
                call()
                spent += time.perf_counter() - started
                if spent > self.budget_s:
                    break
            for index in range(self.runs):
                if index >= MIN_RUNS and spent > self.budget_s:
                    break
                if not self.capture:
                    started = time.perf_counter()
                    outcome = call()
                    result.runs.append((time.perf_counter() - started) * 1000)
                    continue
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    outcome = call()
                    result.runs.append((time.perf_counter() - started) * 1000)
                    spent += result.runs[-1] / 1000
                result.sql_runs.append(1000 * sum(float(q["time"]) for q in captured))
                if index == 0:
                    result.queries = len(captured.captured_queries)
                    result.sql = "\n".join(q["sql"] for q in captured.captured_queries)
            if hasattr(outcome, "status_code"):
                result.status = outcome.status_code
                if outcome.status_code != 200:
                    result.error = f"HTTP {outcome.status_code}"
            elif isinstance(outcome, list):
                result.rows = len(outcome)
        except Exception as exc:  # a page under construction must not stop the other cases
            result.error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        self.results.append(result)
        print(
            f"{result.name:<58} {result.scope:<9} median {result.median:8.1f} ms"
            f"  p95 {result.p95:8.1f} ms  (≤ {result.limit_ms:.0f})  queries {result.queries}"
            f"{'  ' + result.error if result.error else ''}",
            flush=True,
        )

    def page(self, name: str, scope: str, limit: float, client: Client, url: str, **headers):
        result = Result(name, "page", scope, limit)
        self._measure(result, lambda: client.get(url, **headers))
        return result

    def query(self, name: str, scope: str, limit: float, make_qs):
        result = Result(name, "query", scope, limit)
        self._measure(result, lambda: list(make_qs()))
        if self.explain and not result.error:
            try:
                result.explain = make_qs().explain(analyze=True, buffers=True)
            except Exception as exc:
                result.explain = f"(EXPLAIN failed: {exc})"
        return result


# --- proposed query shapes ----------------------------------------------------------------

# Base letters and the Vietnamese letters that unaccent to them (capuy.core.vntext order).
_VARIANTS = {"a": "aăâ", "d": "dđ", "e": "eê", "o": "oôơ", "u": "uư"}


def _next_string(key: str) -> str:
    """The smallest string greater than every string starting with ``key`` (keys are a-z)."""
    return key[:-1] + chr(ord(key[-1]) + 1)


def given_name_prefix(qs: QuerySet, prefix: str, limit: int = 50) -> QuerySet:
    """``given_search`` starts with ``prefix``, in roster order, without scanning the matches.

    ``sort_key`` begins with the given name's letters (tones come last), so the members whose
    unaccented given name starts with ``prefix`` fill one ``sort_key`` range per way of
    writing ``prefix`` with Vietnamese letters ("hung": hung…, hưng…). Each range is read in
    index order and stops after ``limit`` rows; the union is merged and cut to ``limit``.
    """
    import itertools

    from capuy.core.vntext import sort_key

    spellings = itertools.product(*(_VARIANTS.get(ch, ch) for ch in prefix))
    parts = []
    for letters in spellings:
        word = "".join(letters)
        low = sort_key(word, "", "")[: 2 * len(word)]
        parts.append(
            qs.filter(sort_key__gte=low, sort_key__lt=_next_string(low))
            .order_by("sort_key", "id")
            .values("id", "sort_key")[:limit]
        )
    ids = [
        row["id"] for row in parts[0].union(*parts[1:], all=True).order_by("sort_key", "id")[:limit]
    ]
    return Member.objects.filter(id__in=ids).select_related("cell").order_by("sort_key", "id")


def full_name_prefix(qs: QuerySet, prefix: str, limit: int = 50) -> QuerySet:
    """``search_text`` starts with ``prefix``, ordered by the unaccented full name.

    Needs the index ``(search_text COLLATE "C", id)`` (bench/proposed_indexes.sql): LIKE on a
    C-collated expression is an index range and the index already has the order.
    """
    from django.db.models.functions import Collate

    return (
        qs.alias(name_c=Collate("search_text", "C"))
        .filter(name_c__startswith=prefix)
        .select_related("cell")
        .order_by("name_c", "id")[:limit]
    )


def has_index(name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        return cur.fetchone() is not None


# --- fixtures -----------------------------------------------------------------------------


def bench_user(username: str, role: str | None = None, org: Organization | None = None):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@bench.capuy.invalid", "is_superuser": role is None},
    )
    if role is not None:
        RoleGrant.objects.filter(user=user).exclude(organization=org).delete()
        RoleGrant.objects.get_or_create(user=user, role=role, organization=org)
    return user


_CLIENTS: dict[str, Client] = {}  # signed in once, reused by every round


def client_for(user) -> Client:
    client = Client(raise_request_exception=True)
    sign_in(client, user)
    return client


def url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- environment --------------------------------------------------------------------------


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc."""
    status = Path("/proc/self/status").read_text()
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024


def environment() -> dict:
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
        settings = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "maintenance_work_mem",
            "effective_cache_size",
            "max_parallel_workers_per_gather",
            "random_page_cost",
            "jit",
        ):
            cur.execute(f"SHOW {name}")
            settings[name] = cur.fetchone()[0]
        sizes = {}
        for model in (Member, Organization):
            table = model._meta.db_table
            cur.execute(
                "SELECT pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s)),"
                " (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass)",
                [table, table, table],
            )
            sizes[table] = dict(
                zip(("table", "indexes", "rows_estimate"), cur.fetchone(), strict=True)
            )
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = match.group(1) if match else ""
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    load = os.getloadavg()
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} vCPU {cpu}, {int(memory.group(1)) // 1024 // 1024} GiB RAM"
        if memory
        else "",
        "load_average": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": version,
        "pg_settings": settings,
        "sizes": sizes,
        "members": Member.objects.count(),
        "organizations": Organization.objects.count(),
        "git": commit,
    }


def synth_figures() -> dict:
    """Wall time, CPU and peak RSS of the last bench/synth.sh run, if its files are there."""
    figures: dict = {}
    timing = OUT / "synth-time.txt"
    if timing.exists():
        text = timing.read_text()
        for key, label in (
            ("wall", "Elapsed (wall clock) time (h:mm:ss or m:ss)"),
            ("user_s", "User time (seconds)"),
            ("system_s", "System time (seconds)"),
            ("max_rss_kb", "Maximum resident set size (kbytes)"),
            ("cpu", "Percent of CPU this job got"),
        ):
            match = re.search(re.escape(label) + r":\s*(.+)", text)
            if match:
                figures[key] = match.group(1).strip()
        if "wall" in figures:
            parts = [float(p) for p in figures["wall"].split(":")]
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + part
            figures["wall_s"] = seconds
        if "max_rss_kb" in figures:
            figures["max_rss_mb"] = int(figures["max_rss_kb"]) / 1024
    log = OUT / "synth.log"
    if log.exists():
        figures["log"] = [line for line in log.read_text().splitlines() if line.strip()]
    return figures


# --- the cases ----------------------------------------------------------------------------


def run_cases(bench: Bench, users: dict, places: dict) -> None:
    province, commune = places["province"], places["commune"]
    if not _CLIENTS:
        _CLIENTS.update({scope: client_for(user) for scope, user in users.items()})
    clients = _CLIENTS

    # (b) tree: the page and the selector-level query behind it.
    tree = url("organizations:tree")
    if tree:
        bench.page("GET organizations:tree", "national", LIMIT_TREE, clients["national"], tree)
        bench.page("GET organizations:tree", "commune", LIMIT_TREE, clients["commune"], tree)
    children = url("organizations:children", province.pk)
    if children:
        bench.page(
            "GET organizations:children (province root)",
            "national",
            LIMIT_TREE,
            clients["national"],
            children,
            HTTP_HX_REQUEST="true",
        )
        bench.page(
            "GET organizations:children (province root)",
            "province",
            LIMIT_TREE,
            clients["province"],
            children,
            HTTP_HX_REQUEST="true",
        )
    commune_children = url("organizations:children", commune.pk)
    if commune_children:
        bench.page(
            "GET organizations:children (commune)",
            "commune",
            LIMIT_TREE,
            clients["commune"],
            commune_children,
            HTTP_HX_REQUEST="true",
        )
    bench.query(
        "children of the province root with member_count",
        "national",
        LIMIT_TREE,
        lambda: Organization.objects.filter(
            path__startswith=province.path, depth=province.depth + 1
        ).values("path", "name", "member_count"),
    )

    # (c) search by unaccented prefix, whole country and inside one province.
    def scoped(scope: str) -> QuerySet:
        return Member.objects.visible_to(users[scope])

    # The search the member list runs (capuy.members.search.MemberSearch): each tier read from
    # an index in page order. A page is the first 51 rows (50 + the peek at the next page).
    from capuy.members.search import MemberSearch

    class Page:
        """A bench "queryset": the search's first page; EXPLAIN is not applicable."""

        def __init__(self, scope: str, q: str) -> None:
            self.search = MemberSearch(scoped(scope), q)

        def __iter__(self):
            return iter(self.search[0:51])

        def explain(self, **_):
            return "(several queries, one per tier reached: see capuy/members/search.py)"

    for scope in ("national", "province", "commune"):
        for q in ("hung", "Hưng", "nguyen van h", "nguyen", "van hung"):
            bench.query(
                f'search "{q}", first page', scope, LIMIT_SEARCH, lambda s=scope, q=q: Page(s, q)
            )

    # (d) a 50-row member list in each scope.
    scopes = {"national": "", "province": province.path, "commune": commune.path}
    for scope, prefix in scopes.items():
        bench.query(
            "member list, 50 rows, select_related(cell)",
            scope,
            LIMIT_LIST,
            lambda s=scope, p=prefix: (
                scoped(s)
                .filter(org_path__startswith=p)
                .select_related("cell")
                .order_by("sort_key", "id")[:50]
            ),
        )
    members = url("members:list")
    if members:
        for scope in ("national", "province", "commune"):
            bench.page("GET members:list", scope, LIMIT_LIST, clients[scope], members)
        bench.page(
            "GET members:list?q=nguyen van h",
            "national",
            LIMIT_SEARCH,
            clients["national"],
            members + "?q=nguyen+van+h",
        )
        bench.page(
            "GET members:list?q=hung",
            "national",
            LIMIT_SEARCH,
            clients["national"],
            members + "?q=hung",
        )
        bench.page(
            "GET members:list?q=hung",
            "commune",
            LIMIT_SEARCH,
            clients["commune"],
            members + "?q=hung",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rss-rounds", type=int, default=200)
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds per case before stopping at 5 runs"
    )
    parser.add_argument("--only", help="regular expression: run only the cases it matches")
    parser.add_argument(
        "--out", default="foundation", help="name of the output files in bench/out/"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL (DATABASE_URL=postgresql://…)")

    env = environment()
    print(json.dumps(env, indent=1, ensure_ascii=False), flush=True)
    province = (
        Organization.objects.filter(depth=1, code__regex=r"^S[0-9]+$")
        .order_by("-member_count")
        .first()
    )
    if province is None:
        sys.exit("no synth province: run bench/synth.sh first")
    commune = (
        Organization.objects.filter(path__startswith=province.path, kind=OrgKind.DANG_BO_XA)
        .order_by("-member_count")
        .first()
    )
    users = {
        "national": bench_user("bench_root"),
        "province": bench_user("bench_tinh", Role.COMMITTEE_STAFF, province),
        "commune": bench_user("bench_xa", Role.COMMITTEE_STAFF, commune),
    }
    places = {"province": province, "commune": commune}
    print(
        f"province {province.code} ({province.member_count} members), "
        f"commune {commune.code} {commune.name} ({commune.member_count} members)",
        flush=True,
    )

    rss_start = rss_mb()
    bench = Bench(args.runs, args.warmup, budget_s=args.budget)
    if args.only:
        bench.only = re.compile(args.only)
    run_cases(bench, users, places)
    rss_after_bench = rss_mb()

    # (e) the same process keeps serving: every case again, --rss-rounds times (except the
    # pathological ones, which would take hours; the report lists them). The timed runs'
    # query log goes first: a worker keeps none.
    connection.queries_log.clear()
    slow = frozenset((r.name, r.scope) for r in bench.results if r.median > 5000)
    quiet = Bench(1, 0, explain=False, skip=slow, capture=False)
    quiet.only = bench.only
    started = time.monotonic()
    for _ in range(args.rss_rounds):
        quiet.results.clear()
        with open(os.devnull, "w") as devnull:
            stdout, sys.stdout = sys.stdout, devnull
            try:
                run_cases(quiet, users, places)
            finally:
                sys.stdout = stdout
    rss_end = rss_mb()
    memory = {
        "rss_start_mb": rss_start[0],
        "rss_after_bench_mb": rss_after_bench[0],
        "rss_after_rounds_mb": rss_end[0],
        "peak_rss_mb": rss_end[1],
        "rounds": args.rss_rounds,
        "skipped_in_rounds": sorted(f"{name} [{scope}]" for name, scope in slow),
        "rounds_seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(memory), flush=True)

    report = {
        "environment": env,
        "places": {
            "province": [province.code, province.name, province.member_count],
            "commune": [commune.code, commune.name, commune.member_count],
        },
        "synth": synth_figures(),
        "memory": memory,
        "results": [r.summary() for r in bench.results],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    json_path, md_path = OUT / f"{args.out}.json", OUT / f"{args.out}.md"
    json_path.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    md_path.write_text(markdown(report, bench.results))
    print(f"wrote {json_path} and {md_path}")


def markdown(report: dict, results: list[Result]) -> str:
    env, memory, synth = report["environment"], report["memory"], report["synth"]
    lines = [
        f"# Foundation benchmark — raw output ({env['date']})",
        "",
        f"- machine: {env['machine']}; load average at start {env['load_average']}",
        f"- PostgreSQL {env['postgresql']}; {env['pg_settings']}",
        f"- Python {env['python']}, Django {env['django']}, git {env['git']}",
        f"- data: {env['members']:,} members, {env['organizations']:,} organizations; "
        f"sizes {env['sizes']}",
        f"- province {report['places']['province']}, commune {report['places']['commune']}",
        "",
        "| case | scope | runs | median ms | p95 ms | limit ms | queries | SQL ms | ok |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.scope} | {len(r.runs)} | {r.median:.1f} | {r.p95:.1f} | "
            f"{r.limit_ms:.0f} | "
            f"{r.queries if r.queries is not None else ''} | {r.sql_ms:.1f} | "
            f"{'yes' if r.ok else 'NO'}{' — ' + r.error if r.error else ''} |"
        )
    lines += [
        "",
        f"Worker memory: RSS {memory['rss_start_mb']:.0f} MB at start, "
        f"{memory['rss_after_bench_mb']:.0f} MB after the timed runs, "
        f"{memory['rss_after_rounds_mb']:.0f} MB after {memory['rounds']} more rounds of every case "
        f"(peak {memory['peak_rss_mb']:.0f} MB; limit {LIMIT_WORKER_MB} MB); "
        f"not repeated (median > 5 s): {', '.join(memory['skipped_in_rounds']) or 'none'}.",
        "",
    ]
    if synth:
        lines += [
            f"Synth: wall {synth.get('wall')}, user {synth.get('user_s')} s, "
            f"system {synth.get('system_s')} s, peak RSS {synth.get('max_rss_mb', 0):.0f} MB.",
            "",
        ]
        lines += [f"    {line}" for line in synth.get("log", [])]
        lines.append("")
    lines.append("## EXPLAIN ANALYZE (ORM queries, slowest first)")
    for r in sorted((r for r in results if r.explain), key=lambda r: r.median, reverse=True):
        lines += ["", f"### {r.name} — {r.scope} (median {r.median:.1f} ms)", "", "```"]
        lines += [r.sql, "", r.explain, "```"]
    lines.append("")
    lines.append("## SQL of the pages")
    for r in results:
        if r.kind == "page" and r.sql:
            lines += [
                "",
                f"### {r.name} — {r.scope} ({r.queries} queries)",
                "",
                "```",
                r.sql,
                "```",
            ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
