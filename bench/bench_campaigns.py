"""Campaign benchmark: totals rolled up the tree for a campaign with 1 million contributions.

Generates its own PostgreSQL database (COPY, no ORM): a national tree (one root, 63 provinces,
11 district-level units each, 15 communes each, 4 cells each: ~42.000 cells, ~53.000 nodes),
60.000 members, one campaign with 1.000.000 contributions (85 % by units at every level, 15 % by
members; 1 % voided) and a pledge from every district and commune (~11.000).

    CAPUY_ENV=development .venv/bin/python bench/bench_campaigns.py --generate
    CAPUY_ENV=development .venv/bin/python bench/bench_campaigns.py [--runs 30]

Measured, through ``capuy.campaigns.selectors.campaign_rollup`` (the page's and the API's
code: one aggregate statement, then the children's names):

* ``province``: totals of one province and of each of its district-level units (limit 100 ms);
* ``country``: the whole-country roll-up, root → 63 provinces (limit 500 ms).

Also checked: the sums equal a plain ``SUM`` over the table, and receipt numbers stay unique and
gap-free when 6 threads record contributions into one campaign at the same time (the campaign
row lock). Each case runs twice to warm up, then ``--runs`` times; figures are the median and
p95 (nearest rank) in milliseconds. Writes ``bench/out/campaigns.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import threading
import time
from datetime import date, timedelta

from benchdb import OUT, database_url, use_database

DB_NAME = "capuy_bench_campaigns"
DB_URL = database_url(DB_NAME)

use_database(DB_URL)

LIMITS_MS = {"province": 100, "country": 500}
PROVINCES = 63
DISTRICTS = 11
COMMUNES = 15
CELLS = 4
MEMBERS = 60_000
CONTRIBUTIONS = 1_000_000
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
START = date(2020, 3, 25)


def step(n: int) -> str:
    digits = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    return digits


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE campaigns_campaignevent, campaigns_contributionshare, "
            "campaigns_contribution, campaigns_pledge, campaigns_campaign, members_member, "
            "organizations_organization RESTART IDENTITY CASCADE"
        )
    raw = connection.connection  # psycopg 3
    nodes = []  # (id, path, depth, numchild, code, name, kind)
    cells, communes, districts, provinces = [], [], [], []
    next_id = 1

    def add(path, depth, children, code, name, kind):
        nonlocal next_id
        nodes.append((next_id, path, depth, children, code, name, kind))
        next_id += 1
        return next_id - 1, path, name

    root = add(step(1), 1, PROVINCES, "TW", "Đảng bộ toàn quốc (thử tải)", "dang_bo_tinh")
    for p in range(1, PROVINCES + 1):
        pp = root[1] + step(p)
        province = add(pp, 2, DISTRICTS, f"P{p}", f"Đảng bộ tỉnh Thử {p}", "dang_bo_tinh")
        provinces.append(province)
        for d in range(1, DISTRICTS + 1):
            dp = pp + step(d)
            district = add(
                dp, 3, COMMUNES, f"P{p}D{d}", f"Đảng bộ huyện Thử {p}-{d}", "dang_bo_huyen"
            )
            districts.append(district)
            for c in range(1, COMMUNES + 1):
                cp = dp + step(c)
                commune = add(
                    cp, 4, CELLS, f"P{p}D{d}C{c}", f"Đảng bộ xã Thử {p}-{d}-{c}", "dang_bo_co_so"
                )
                communes.append(commune)
                for k in range(1, CELLS + 1):
                    cells.append(
                        add(
                            cp + step(k),
                            5,
                            0,
                            f"P{p}D{d}C{c}K{k}",
                            f"Chi bộ Thử {p}-{d}-{c}-{k}",
                            "chi_bo_truc_thuoc",
                        )
                    )
    with raw.cursor() as cursor:
        copy_rows(
            cursor,
            "organizations_organization",
            [
                "id",
                "path",
                "depth",
                "numchild",
                "code",
                "name",
                "kind",
                "unit_type",
                "member_count",
                "search_text",
            ],
            (
                (i, path, depth, n, code, name, kind, "", 0, name.lower())
                for i, path, depth, n, code, name, kind in nodes
            ),
        )
        members = []
        for m in range(1, MEMBERS + 1):
            cell = cells[rng.randrange(len(cells))]
            members.append((m, cell))
        copy_rows(
            cursor,
            "members_member",
            [
                "id",
                "ho",
                "ten_dem",
                "ten",
                "full_name",
                "birth_date",
                "gender",
                "admitted_on",
                "official_on",
                "status",
                "org_path",
                "sort_key",
                "search_text",
                "given_search",
                "cell_id",
            ],
            (
                (
                    m,
                    "Nguyễn",
                    "Văn",
                    f"Thử{m}",
                    f"Nguyễn Văn Thử{m}",
                    date(1980, 1, 1),
                    "nam",
                    date(2005, 1, 1),
                    date(2006, 1, 1),
                    "chinh_thuc",
                    cell[1],
                    f"k{m:08d}",
                    f"nguyen van thu{m}",
                    f"thu{m}",
                    cell[0],
                )
                for m, cell in members
            ),
        )
        cursor.execute(
            "INSERT INTO campaigns_campaign (organization_id, org_path, title, launched_by, purpose,"
            " start_on, end_on, goal, next_receipt_no, created_at) VALUES (%s, %s, %s, %s, %s, %s,"
            " %s, %s, %s, now()) RETURNING id",
            [
                root[0],
                root[1],
                "Ủng hộ phòng, chống dịch Covid-19 (thử tải)",
                "Ủy ban Trung ương MTTQ Việt Nam",
                "Thử tải",
                START,
                date(2020, 12, 31),
                10**13,
                CONTRIBUTIONS + 1,
            ],
        )
        campaign_id = cursor.fetchone()[0]

        def contributions():
            for n in range(1, CONTRIBUTIONS + 1):
                roll = rng.random()
                day = START + timedelta(days=rng.randrange(200))
                amount = rng.choice((100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000))
                status, reason = ("voided", "Ghi nhầm") if rng.random() < 0.01 else ("valid", "")
                if roll < 0.15:
                    m, cell = members[rng.randrange(len(members))]
                    yield (
                        campaign_id,
                        n,
                        "member",
                        cell[0],
                        m,
                        f"Nguyễn Văn Thử{m}",
                        cell[1],
                        amount,
                        day,
                        status,
                        reason,
                        "",
                        "now",
                    )
                    continue
                unit = (
                    cells[rng.randrange(len(cells))]
                    if roll < 0.75
                    else communes[rng.randrange(len(communes))]
                    if roll < 0.95
                    else districts[rng.randrange(len(districts))]
                )
                yield (
                    campaign_id,
                    n,
                    "organization",
                    unit[0],
                    None,
                    unit[2],
                    unit[1],
                    amount,
                    day,
                    status,
                    reason,
                    "",
                    "now",
                )

        copy_rows(
            cursor,
            "campaigns_contribution",
            [
                "campaign_id",
                "receipt_no",
                "kind",
                "organization_id",
                "member_id",
                "contributor_name",
                "org_path",
                "amount",
                "received_on",
                "status",
                "void_reason",
                "note",
                "recorded_at",
            ],
            contributions(),
        )
        copy_rows(
            cursor,
            "campaigns_pledge",
            [
                "campaign_id",
                "kind",
                "organization_id",
                "contributor_name",
                "org_path",
                "amount",
                "received",
                "pledged_on",
                "status",
                "cancel_reason",
                "note",
                "recorded_at",
            ],
            (
                (
                    campaign_id,
                    "organization",
                    unit[0],
                    unit[2],
                    unit[1],
                    rng.choice((5, 10, 20, 50)) * 1_000_000,
                    0,
                    START,
                    "active",
                    "",
                    "",
                    "now",
                )
                for unit in districts + communes
            ),
        )
        # What each unit paid itself counts against its pledge (as the services would link it).
        cursor.execute(
            "UPDATE campaigns_pledge p SET received = s.total FROM (SELECT organization_id, "
            "SUM(amount) AS total FROM campaigns_contribution WHERE status = 'valid' AND kind = "
            "'organization' GROUP BY organization_id) s WHERE s.organization_id = p.organization_id"
        )
        # The per-node sums the services keep receipt by receipt, computed once after COPY.
        cursor.execute(
            "INSERT INTO campaigns_contributiontotal (campaign_id, org_path, received, "
            "contributions) SELECT campaign_id, org_path, SUM(amount), COUNT(*) FROM "
            "campaigns_contribution WHERE status = 'valid' GROUP BY campaign_id, org_path"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('organizations_organization', 'id'),"
            " (SELECT max(id) FROM organizations_organization))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('members_member', 'id'),"
            " (SELECT max(id) FROM members_member))"
        )
    raw.commit()
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generated {len(nodes):,} nodes, {MEMBERS:,} members, {CONTRIBUTIONS:,} contributions")


def timed(fn, runs: int) -> dict:
    for _ in range(2):
        fn()
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append(time.perf_counter() - started)
    return {
        "median_ms": ms(statistics.median(values)),
        "p95_ms": ms(percentile(values, 95)),
        "max_ms": ms(max(values)),
        "runs": runs,
    }


def concurrent_receipts(root, threads: int = 6, each: int = 40) -> dict:
    """Record contributions from several threads into one new campaign; check the numbers."""
    from types import SimpleNamespace

    from django.db import connection

    from capuy.campaigns import services
    from capuy.campaigns.models import Campaign, Contribution
    from capuy.organizations.models import Organization

    actor = SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)
    campaign = services.campaign_create(
        acting_user=actor,
        organization=root,
        title="Thử biên lai đồng thời",
        launched_by="Thử",
        purpose="Thử",
        start_on=START,
    )
    units = list(Organization.objects.filter(depth=3).order_by("path")[: threads * 3])
    errors: list[str] = []

    def work(t: int) -> None:
        try:
            for i in range(each):
                services.contribution_record(
                    acting_user=actor,
                    campaign=campaign,
                    organization=units[(t * 3 + i) % len(units)],
                    amount=1_000 + i,
                    received_on=START,
                )
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    numbers = sorted(
        Contribution.objects.filter(campaign=campaign).values_list("receipt_no", flat=True)
    )
    expected = list(range(1, threads * each + 1))
    campaign.refresh_from_db()
    result = {
        "threads": threads,
        "recorded": len(numbers),
        "unique_and_gap_free": numbers == expected,
        "next_receipt_no": campaign.next_receipt_no,
        "errors": errors[:3],
        "per_second": round(len(numbers) / elapsed, 1),
    }
    Contribution.objects.filter(campaign=campaign).delete()
    Campaign.objects.filter(pk=campaign.pk).delete()
    return result


def run(runs: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    from capuy.campaigns.models import Campaign
    from capuy.campaigns.selectors import _ROLLUP_SQL, campaign_rollup
    from capuy.organizations.models import Organization

    campaign = Campaign.objects.exclude(title__startswith="Thử biên lai").get()
    root = campaign.organization
    province = Organization.objects.filter(depth=2).order_by("path")[PROVINCES // 2]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), SUM(amount) FILTER (WHERE status = 'valid') FROM "
            "campaigns_contribution WHERE campaign_id = %s",
            [campaign.pk],
        )
        count, valid_sum = cursor.fetchone()
        cursor.execute(
            "SELECT SUM(amount) FROM campaigns_contribution WHERE campaign_id = %s AND status = "
            "'valid' AND org_path LIKE %s",
            [campaign.pk, province.path + "%"],
        )
        province_sum = cursor.fetchone()[0]
        cursor.execute("SET work_mem = '32MB'")  # as the selector does for its statement
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) "
            + _ROLLUP_SQL.format(totals="campaigns_contributiontotal", pledge="campaigns_pledge"),
            {"campaign": campaign.pk, "prefix": root.path + "%", "len": len(root.path) + 4},
        )
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM campaigns_contributiontotal WHERE campaign_id = %s",
            [campaign.pk],
        )
        total_rows = cursor.fetchone()[0]

    country = campaign_rollup(campaign, root)
    one = campaign_rollup(campaign, province)
    assert country.total.received == int(valid_sum), "country total differs from SUM"
    assert one.total.received == int(province_sum), "province total differs from SUM"
    assert len(country.rows) == PROVINCES and len(one.rows) == DISTRICTS
    results = {
        "contributions": count,
        "node_sum_rows": total_rows,
        "province": timed(lambda: campaign_rollup(campaign, province), runs),
        "country": timed(lambda: campaign_rollup(campaign, root), runs),
        "country_received": country.total.received,
        "country_outstanding": country.total.outstanding,
        "plan_country": plan,
        "concurrent_receipts": concurrent_receipts(root),
        "load_average": os.getloadavg(),
    }
    for case, limit in LIMITS_MS.items():
        results[case]["limit_ms"] = limit
        results[case]["ok"] = results[case]["p95_ms"] <= limit
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="store_true", help="(re)create the data first")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    if args.generate:
        started = time.perf_counter()
        generate(args.seed)
        print(f"generation: {time.perf_counter() - started:.0f} s")
    if not args.generate:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # 0003 fills the per-node sums of older data
        from django.db import connection

        with connection.cursor() as cursor:  # as autovacuum would after the fill
            cursor.execute("ANALYZE campaigns_contributiontotal")
    results = run(args.runs)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "campaigns.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    for case in LIMITS_MS:
        r = results[case]
        print(
            f"{case:9s} median {r['median_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
            f"max {r['max_ms']:7.1f} ms  limit {r['limit_ms']} ms  {'OK' if r['ok'] else 'OVER'}"
        )
    print("concurrent receipts:", results["concurrent_receipts"])
    print("load average:", results["load_average"])


if __name__ == "__main__":
    main()
