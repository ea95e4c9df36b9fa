"""Review results import: a 100.000-row results spreadsheet, end to end, against python-calamine
reading the same file alone, in the same run; and the peak memory of the import.

Generates its own PostgreSQL database (``capuy_bench_reviews_import``, migrated on first use):
one province → 1 district → 100 grassroots organizations → 1.000 cells of 100 party members
(100.000 members), a 2019 cycle opened over it, and the results workbook
``bench/out/review_results_100k.xlsx`` (one row per member: self-assessed level with two
manifestations, the cell's proposal and the grassroots committee's decision, a text date;
levels spelled as codes, full names and short names; within the 20 % quota).

    CAPUY_ENV=development .venv/bin/python bench/bench_review_import.py [--runs 3] [--national]

``--national`` puts the same province inside the national database of
``bench_review_stats.py`` (generate that first), with the file
``bench/out/review_results_100k_national.xlsx`` and ``review_import_national.json``.

Each run resets the cycle's reviews to "not reviewed", then in one child process: reads the file
with python-calamine alone (every row, every cell) twice, runs the whole import
(``review_import_commit``: read, validate every row, save everything in one transaction),
reads the file with calamine once more, and reports the import's time against the median of
the three calamine reads (each one is in ``calamine_reads_s``) and the peak resident memory of
that process (``ru_maxrss``). Writes ``bench/out/review_import.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

from benchdb import OUT, database_url, ensure_database, setup_django, use_database

# --national: the same province, file and runs inside bench_review_stats.py's national
# database (11,8 million reviews of other provinces and years), so that every plan and index
# the import uses is the one it gets at national scale
NATIONAL = "--national" in sys.argv
DB_NAME = "capuy_bench_reviews" if NATIONAL else "capuy_bench_reviews_import"
DB_URL = database_url(DB_NAME)
SUFFIX = "_national" if NATIONAL else ""
FILE = OUT / f"review_results_100k{SUFFIX}.xlsx"

use_database(DB_URL)

GRASSROOTS = 100
CELLS = 10  # per grassroots organization
MEMBERS = 100  # per cell
LIMIT_S = 5.0
LIMIT_RATIO = 5.0
LIMIT_MB = 500


def generate() -> None:
    """The tree, the members, the cycle and the workbook (skipped when already there)."""
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from capuy.accounts.choices import Role
    from capuy.accounts.models import RoleGrant
    from capuy.members.choices import Gender, MemberStatus
    from capuy.members.models import Member
    from capuy.organizations.choices import OrgKind, UnitType
    from capuy.organizations.models import Organization
    from capuy.reviews.models import ReviewCycle, RuleSet
    from capuy.reviews.services import cycle_open

    if ReviewCycle.objects.filter(name="Bench import").exists() and FILE.exists():
        return
    print("generating the tree and 100.000 members…", flush=True)
    province = Organization.objects.add_root(
        {"code": "BI", "name": "Đảng bộ tỉnh Thử Nhập", "kind": OrgKind.DANG_BO_TINH}
    )
    district = Organization.objects.add_child(
        province,
        {"code": "BI-H01", "name": "Đảng bộ huyện Thử Nhập", "kind": OrgKind.DANG_BO_HUYEN},
    )
    ho = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    dem = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu"]
    ten = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Tâm", "Thảo", "Vinh"]
    rng = random.Random(4)
    serial = 0
    members = []
    for g in range(GRASSROOTS):
        district.refresh_from_db()
        grassroots = Organization.objects.add_child(
            district,
            {
                "code": f"BI-H01-X{g:03d}",
                "name": f"Đảng bộ xã Thử {g:03d}",
                "kind": OrgKind.DANG_BO_CO_SO,
                "unit_type": UnitType.XA_PHUONG,
            },
        )
        for c in range(CELLS):
            grassroots.refresh_from_db()
            cell = Organization.objects.add_child(
                grassroots,
                {
                    "code": f"BI-H01-X{g:03d}-C{c:02d}",
                    "name": f"Chi bộ thôn {c:02d} xã Thử {g:03d}",
                    "kind": OrgKind.CHI_BO_TRUC_THUOC,
                },
            )
            for _ in range(MEMBERS):
                serial += 1
                member = Member(
                    ho=rng.choice(ho),
                    ten_dem=rng.choice(dem),
                    ten=rng.choice(ten),
                    birth_date=date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1),
                    gender=Gender.NAM,
                    card_number=f"BI.{serial:06d}",
                    admitted_on=date(2005, 5, 19),
                    official_on=date(2006, 5, 19),
                    status=MemberStatus.CHINH_THUC,
                    cell=cell,
                    org_path=cell.path,
                )
                member.fill_derived()
                members.append(member)
        Member.objects.bulk_create(members, batch_size=5000)
        members.clear()
    from capuy.organizations.services import recount_members

    recount_members()
    User = get_user_model()
    office, _ = User.objects.get_or_create(username="bench-import-office")
    RoleGrant.objects.get_or_create(user=office, role=Role.OFFICE, organization=province)
    print("opening the cycle…", flush=True)
    cycle_open(
        acting_user=office,
        rule_set=RuleSet.objects.get(code="qd132-hd21"),
        organization=province,
        year=2019,
        name="Bench import",
    )
    write_workbook()


SPELLINGS = {
    "HTXSNV": ("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", "xuất sắc"),
    "HTTNV": ("HTTNV", "Hoàn thành tốt nhiệm vụ", "Tốt"),
    "HTNV": ("HTNV", "Hoàn thành nhiệm vụ", "hoàn thành"),
    "KHTNV": ("KHTNV", "Không hoàn thành nhiệm vụ", "Không hoàn thành"),
}


def write_workbook() -> None:
    """The results file as the template looks once filled in (openpyxl, write-only)."""
    from openpyxl import Workbook

    from capuy.reviews.imports import COLUMNS
    from capuy.reviews.models import Review

    print("writing the 100.000-row workbook…", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    cycle_id = cycle().pk
    rows = (
        Review.objects.filter(cycle_id=cycle_id, subject_kind="member")
        .order_by("org_path", "member__sort_key", "id")
        .values_list("member__card_number", "member__full_name", "organization__name")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kết quả xếp loại")
    sheet.append(["KẾT QUẢ KIỂM ĐIỂM, XẾP LOẠI ĐẢNG VIÊN NĂM 2019"])
    sheet.append([])
    sheet.append([str(c.label) for c in COLUMNS])
    rng = random.Random(7)
    for number, (card, name, cell) in enumerate(rows.iterator(chunk_size=5000), start=1):
        # per 100: 10 HTXSNV, 70 HTTNV, 15 HTNV, 5 KHTNV (10 ≤ 20 % of 70 in every group)
        k = number % 100
        level = "HTXSNV" if k < 10 else "HTTNV" if k < 80 else "HTNV" if k < 95 else "KHTNV"
        spell = SPELLINGS[level]
        sheet.append(
            [
                number,
                card,
                name,
                cell,
                rng.choice(spell),
                f"{rng.randint(1, 3)}.{rng.randint(1, 4)}, A{rng.randint(5, 9)}",
                "",
                rng.choice(spell),
                rng.choice(spell),
                "Thành tích nổi bật" if level == "HTXSNV" else "",
                "20/12/2019",
                "",
            ]
        )
    book.save(FILE)


def cycle():
    from capuy.reviews.models import ReviewCycle

    return ReviewCycle.objects.select_related("rule_set", "organization").get(name="Bench import")


def reset() -> None:
    """Every member review of the cycle back to "not reviewed", without events or links."""
    from django.db import connection

    c = cycle()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reviews_reviewevent WHERE review_id IN "
            "(SELECT id FROM reviews_review WHERE cycle_id = %s)",
            [c.pk],
        )
        cursor.execute("DELETE FROM reviews_historicalreview WHERE cycle_id = %s", [c.pk])
        cursor.execute(
            "UPDATE reviews_review SET status = 'pending', self_level = '', proposed_level = '', "
            "decided_level = '', derived_level = '', locked = false, manifestations_text = '', "
            "manifestations_linked = false, manifestation_ids = '[]' "
            "WHERE cycle_id = %s AND subject_kind = 'member'",
            [c.pk],
        )
    connection.close()
    with connection.cursor() as cursor:
        for table in (
            "reviews_review",
            "reviews_reviewevent",
            "reviews_historicalreview",
            "reviews_reviewtally",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        # each run writes ~330 MB of WAL: start every run from a checkpoint, so that one run
        # does not pay for the previous run's checkpoint
        cursor.execute("CHECKPOINT")


def measure() -> dict:
    """In a fresh process: calamine alone, then the whole import; peak memory."""
    import resource

    from django.contrib.auth import get_user_model
    from python_calamine import CalamineWorkbook

    from capuy.reviews.imports import review_import_commit

    data = FILE.read_bytes()
    import io

    def calamine() -> tuple[float, int, int]:
        start = time.perf_counter()
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows = cells = 0
        for values in sheet.iter_rows():
            rows += 1
            cells += len(values)
        return time.perf_counter() - start, rows, cells

    # calamine read twice before the import and once after it: this machine's speed drifts
    # within a run (other virtual machines on the host), so the ratio is taken against the
    # median of the three reads, and all three are reported
    reads = [calamine(), calamine()]
    user = get_user_model().objects.get(username="bench-import-office")
    c = cycle()
    start = time.perf_counter()
    result = review_import_commit(acting_user=user, cycle=c, upload=data, filename=FILE.name)
    import_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reads.append(calamine())
    calamine_s = statistics.median(r[0] for r in reads)
    _seconds, rows, cells = reads[0]
    errors = [str(e) for e in result.errors.sorted()[:5]]
    return {
        "rows_in_file": rows - 3,
        "cells_read_by_calamine": cells,
        "saved": result.saved,
        "errors": errors,
        "calamine_s": round(calamine_s, 3),
        "calamine_reads_s": [round(r[0], 3) for r in reads],
        "import_s": round(import_s, 3),
        "ratio": round(import_s / calamine_s, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def sql_floor() -> dict:
    """The writes alone: the same rows as the import (100.000 reviews updated, 200.000 links
    on them, their history rows, 300.000 events with the same texts) written by hand-written
    SQL in one transaction, with no file, no Python and no checks. Whatever the import does,
    it cannot be faster than calamine plus this on the same machine."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from capuy.reviews.imports import _history_columns
    from capuy.reviews.models import Manifestation, Review

    c = cycle()
    user = get_user_model().objects.get(username="bench-import-office")
    history_table, columns = _history_columns(Review)
    a1, b2 = (Manifestation.objects.get(group=g, number=n).pk for g, n in (("A", 1), ("B", 2)))
    plain = "{}"  # services._snapshot of a review without ratings, scores or conditions
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE floor_levels ON COMMIT DROP AS SELECT id, CASE "
            "WHEN n %% 100 < 10 THEN 'HTXSNV' WHEN n %% 100 < 80 THEN 'HTTNV' "
            "WHEN n %% 100 < 95 THEN 'HTNV' ELSE 'KHTNV' END AS level, n FROM ("
            "SELECT id, row_number() OVER (ORDER BY org_path, id) AS n FROM reviews_review "
            "WHERE cycle_id = %s AND subject_kind = 'member') AS numbered",
            [c.pk],
        )
        cursor.execute("ANALYZE floor_levels")
        returned = ", ".join(f"r.{col}" for col in columns)
        cursor.execute(
            "WITH changed AS (UPDATE reviews_review AS r SET self_level = v.level, "
            "proposed_level = v.level, decided_level = v.level, derived_level = '', "
            "status = 'decided', locked = true, manifestations_linked = true, "
            "manifestation_ids = jsonb_build_array(%s, %s) "
            f"FROM floor_levels AS v WHERE r.id = v.id RETURNING {returned}) "
            f"INSERT INTO {history_table} ({', '.join(columns)}, history_date, history_type, "
            f"history_user_id, history_change_reason) SELECT {', '.join(columns)}, now(), '~', "
            "%s, NULL FROM changed",
            [a1, b2, user.pk],
        )
        cursor.execute(
            "INSERT INTO reviews_reviewevent (review_id, step, level, derived_level, "
            "override_reason, note, data, warnings, by_id, at, held_on) "
            "SELECT v.id, e.step, v.level, '', '', "
            "'Nhập từ tệp «review_results_100k.xlsx», dòng ' || (v.n + 3), "
            "%s::jsonb || e.extra, '[]'::jsonb, %s, now(), DATE '2019-12-20' "
            "FROM floor_levels AS v "
            'CROSS JOIN (VALUES (\'self\', \'{"manifestations": ["A1", "B2"]}\'::jsonb), '
            "('propose', '{}'::jsonb), ('decide', '{}'::jsonb)) AS e(step, extra)",
            [plain, user.pk],
        )
    return {"sql_floor_s": round(time.perf_counter() - start, 3)}


def counts() -> dict:
    from django.db.models import Func, IntegerField, Sum

    from capuy.reviews.models import Review, ReviewEvent

    c = cycle()
    length = Func("manifestation_ids", function="jsonb_array_length", output_field=IntegerField())
    return {
        "decided": Review.objects.filter(cycle=c, status="decided").count(),
        "events": ReviewEvent.objects.filter(review__cycle=c).count(),
        "links": Review.objects.filter(cycle=c).aggregate(n=Sum(length))["n"],
        "history": Review.history.filter(cycle_id=c.pk).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the writes-alone SQL run after each run"
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="run inside the national database of bench_review_stats.py (generate it first)",
    )
    args = parser.parse_args()
    if args.measure:
        setup_django()
        print(json.dumps(measure()))
        return
    ensure_database(DB_NAME)
    setup_django()
    if args.national:
        from capuy.reviews.models import Review

        if not Review.objects.filter(pk__gt=1_000_000).exists():
            sys.exit("no national data: run bench/bench_review_stats.py --generate first")
    generate()
    runs = []
    for number in range(args.runs):
        reset()
        child = subprocess.run(
            [sys.executable, __file__, "--measure", *(["--national"] if args.national else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        figures.update(counts())
        if not args.no_floor:
            reset()
            figures.update(sql_floor())
            floor_counts = counts()
            assert floor_counts == {k: figures[k] for k in floor_counts}, floor_counts
        runs.append(figures)
        print(f"run {number + 1}: {figures}", flush=True)
    summary = {
        "file_bytes": FILE.stat().st_size,
        "runs": runs,
        "median_import_s": statistics.median(r["import_s"] for r in runs),
        "median_calamine_s": statistics.median(r["calamine_s"] for r in runs),
        "median_ratio": statistics.median(r["ratio"] for r in runs),
        "median_sql_floor_s": statistics.median(r.get("sql_floor_s", 0) for r in runs),
        "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "load_1min": [r["load_1min"] for r in runs],
        "limits": {"import_s": LIMIT_S, "ratio": LIMIT_RATIO, "peak_mb": LIMIT_MB},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"review_import{SUFFIX}.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False)
    )
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
