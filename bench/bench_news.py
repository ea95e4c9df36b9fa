"""News benchmark: the public news pages under load, and the view counter staying exact.

Runs gunicorn with production settings on 127.0.0.1 against its own PostgreSQL database
(``capuy_bench_news``) and drives it with wrk on the same machine (the machine has 2 cores,
shared by wrk, gunicorn and PostgreSQL). Every run is bounded (``--seconds``), loopback only.

    CAPUY_ENV=development .venv/bin/python bench/bench_news.py [--seconds 20] [--workers 4]

Cases (each after a short warm-up):

* ``item_new_visitors``: the item page, every request a new visitor (wrk's Lua script sends a
  distinct ``capuy_vid`` cookie per request): each request must add exactly one view;
* ``item_same_visitor``: the item page, every request the same visitor (one cookie): the
  counter must move by exactly one;
* ``item_no_cookie``: the item page without cookies, one address and one User-Agent: one view;
* ``list``: the public list of published items.

For the counter the script compares, after each run, the item's ``view_count`` increase with the
number of new (item, visitor, day) rows in ``news_newsview`` and with the number of distinct
visitors wrk sent (counted by the Lua script). Limits: ≥ 300 requests/s and p95 ≤ 50 ms.
Writes ``bench/out/news.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DB_NAME = "capuy_bench_news"
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
HOST, PORT = "127.0.0.1", 8765
MIN_RPS, MAX_P95_MS = 300, 50
PUBLISHED = 200  # items on the public list (20 a page)

WRK_SCRIPT = r"""
-- One Lua state per wrk thread. ``mode``: "new" sends a fresh visitor cookie every request,
-- "same" one cookie for the whole run, "none" no cookie at all.
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  mode = args[1]
  run = args[2]
  sent = 0
end
function request()
  sent = sent + 1
  if mode == "new" then
    return wrk.format(nil, nil, {Cookie = string.format("capuy_vid=%08x%08x%016x", tonumber(run), tid, sent)})
  elseif mode == "same" then
    return wrk.format(nil, nil, {Cookie = string.format("capuy_vid=%08x%024x", tonumber(run), 0)})
  end
  return wrk.format(nil, nil, {["User-Agent"] = "bench-no-cookie-" .. run})
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("sent") end
  io.write(string.format("SENT %d\n", total))
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
  io.write(string.format("P50_US %d\n", latency:percentile(50)))
  io.write(string.format("P99_US %d\n", latency:percentile(99)))
end
"""


def env_for_server(static_root: Path, media_root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        CAPUY_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DB_URL),
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
    )
    return env


def prepare(env: dict) -> int:
    """Create the database, migrate, collect static files and publish the items."""
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME],
        stderr=subprocess.DEVNULL,
        check=False,
    )
    python = str(ROOT / ".venv" / "bin" / "python")
    manage = [python, "-m", "django"]
    env = {**env, "DJANGO_SETTINGS_MODULE": "capuy.settings"}
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    script = SEED_SCRIPT.format(published=PUBLISHED)
    out = subprocess.run(
        [*manage, "shell", "-c", script], env=env, check=True, cwd=ROOT, capture_output=True
    )
    return int(out.stdout.decode().strip().splitlines()[-1])


SEED_SCRIPT = r"""
from types import SimpleNamespace
from capuy.news import services
from capuy.news.models import NewsItem, NewsView
from capuy.organizations.models import Organization

actor = SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)
root = Organization.objects.filter(code="BENCH-NEWS").first()
if root is None:
    root = Organization.add_root(code="BENCH-NEWS", name="Đảng bộ tỉnh Thử Tải", kind="dang_bo_tinh")
item = NewsItem.objects.filter(organization=root, title__startswith="Hội nghị lần thứ 32").first()
if item is None:
    body = "\n\n".join(
        "Đoạn %d của tin: các đồng chí cấp ủy viên các cấp đã nghiêm túc thực hiện việc đi công "
        "tác cơ sở và dự sinh hoạt chi bộ; nhiều vấn đề bức xúc, tâm tư, nguyện vọng chính đáng "
        "của cán bộ, đảng viên và nhân dân đã được nắm bắt, hướng dẫn, giải quyết tại chỗ." % n
        for n in range(1, 9)
    )
    item = services.news_create(
        acting_user=actor, organization=root,
        title="Hội nghị lần thứ 32 Ban Chấp hành Đảng bộ tỉnh khóa XIX",
        lead="Sáng 25/3, Ban Chấp hành Đảng bộ tỉnh khóa XIX tổ chức Hội nghị lần thứ 32.",
        body=body, author_initials="S.T",
    )
    item = services.news_publish(acting_user=actor, item=item)
    for n in range({published} - 1):
        other = services.news_create(
            acting_user=actor, organization=root, title="Tin thử tải số %d" % n,
            lead="Sapo của tin thử tải số %d." % n, body="Nội dung.", author_initials="T.T",
        )
        services.news_publish(acting_user=actor, item=other)
print(item.pk)
"""


def counters(env: dict, item_pk: int) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        views = conn.execute("SELECT view_count FROM news_newsitem WHERE id = %s", [item_pk])
        view_count = views.fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM news_newsview WHERE item_id = %s", [item_pk])
        return view_count, rows.fetchone()[0]


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime of the process


def cpu_seconds(server_pid: int, env: dict) -> float:
    """CPU used so far by gunicorn (master and workers) and the database's backends."""
    import psycopg

    pids = [server_pid]
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        ).fetchall()
    pids += [pid for (pid,) in rows]
    return sum(_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


def wait_until_up(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError as exc:
            last = exc
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}: {last!r}")


def wrk(url: str, script: Path, seconds: int, connections: int, threads: int, *args) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
        "--",
        *args,
    ]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "sent": int(re.search(r"SENT (\d+)", text).group(1)),
        "p50_ms": int(re.search(r"P50_US (\d+)", text).group(1)) / 1000,
        "p95_ms": int(re.search(r"P95_US (\d+)", text).group(1)) / 1000,
        "p99_ms": int(re.search(r"P99_US (\d+)", text).group(1)) / 1000,
        "errors": 0,
    }
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        result["errors"] += int(match.group(1))
    if match := re.search(r"Socket errors: (.*)", text):
        result["socket_errors"] = match.group(1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="capuy-bench-news-"))
    env = env_for_server(work / "static", work / "media")
    item_pk = prepare(env)
    script = work / "bench.lua"
    script.write_text(WRK_SCRIPT)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "capuy.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    results: dict = {
        "workers": args.workers,
        "connections": args.connections,
        "threads": args.threads,
        "seconds": args.seconds,
        "cores": os.cpu_count(),
    }
    item_url = f"http://{HOST}:{PORT}/tin/{item_pk}/"
    list_url = f"http://{HOST}:{PORT}/tin/"
    try:
        wait_until_up(list_url)
        run_id = int(time.time()) % 10**8
        # warm-up: every worker connects to the database and renders the pages once
        wrk(item_url, script, 3, args.connections, args.threads, "new", str(run_id))
        for case, url, mode in (
            ("item_new_visitors", item_url, "new"),
            ("item_same_visitor", item_url, "same"),
            ("item_no_cookie", item_url, "none"),
            ("list", list_url, "none"),
        ):
            run_id += 1
            before = counters(env, item_pk)
            load_before = os.getloadavg()[0]
            cpu_before = cpu_seconds(server.pid, env)
            wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = wrk(url, script, args.seconds, args.connections, args.threads, mode, str(run_id))
            wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_server = cpu_seconds(server.pid, env) - cpu_before
            time.sleep(0.5)  # let the last in-flight requests finish
            after = counters(env, item_pk)
            cpu_wrk = (wrk_after.ru_utime + wrk_after.ru_stime) - (
                wrk_before.ru_utime + wrk_before.ru_stime
            )
            per_request = (cpu_server + cpu_wrk) / max(r["requests"], 1)
            r["cpu_ms_per_request"] = round(per_request * 1000, 2)
            r["cpu_ms_per_request_server"] = round(cpu_server / max(r["requests"], 1) * 1000, 2)
            # What 2 idle cores would sustain at this CPU cost per request (server + load tool).
            r["capacity_2_cores_rps"] = round(2 / per_request) if per_request else None
            r["view_count_delta"] = after[0] - before[0]
            r["view_rows_delta"] = after[1] - before[1]
            r["load_average_before"] = load_before
            # Every distinct visitor that reached the server is one row and one increment. With
            # new visitors, that is every completed request plus those still in flight when wrk
            # stopped (at most one per connection), and never more than wrk generated.
            counted = r["view_count_delta"]
            if url != item_url:
                expected_ok = counted == 0
            elif mode == "new":
                expected_ok = r["requests"] <= counted <= r["sent"]
            else:
                expected_ok = counted == 1
            r["counter_equals_rows"] = counted == r["view_rows_delta"]
            r["counter_exact"] = r["counter_equals_rows"] and expected_ok
            r["ok"] = r["rps"] >= MIN_RPS and r["p95_ms"] <= MAX_P95_MS and r["errors"] == 0
            results[case] = r
            print(
                f"{case:18s} {r['rps']:7.1f} req/s  p50 {r['p50_ms']:5.1f} ms  p95 "
                f"{r['p95_ms']:5.1f} ms  completed {r['requests']} generated {r['sent']}  "
                f"views +{counted} rows +{r['view_rows_delta']}  counter "
                f"{'exact' if r['counter_exact'] else 'WRONG'}  cpu {r['cpu_ms_per_request']} "
                f"ms/req → {r['capacity_2_cores_rps']} req/s on 2 idle cores  load "
                f"{load_before:.1f}  {'OK' if r['ok'] else 'UNDER LIMITS'}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "news.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
