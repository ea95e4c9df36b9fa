"""Reviews benchmark: the statistics tables of the annual review (báo cáo xếp loại) for the whole
country and for one province, each against hand-written SQL for the same numbers, at national
scale.

Generates its own PostgreSQL database in the 2019 shape (COPY for the tree and the committees,
``INSERT … SELECT`` on the server for the reviews): 63 provinces → 693 district-level units →
~52.000 grassroots organizations (60 % đảng bộ cơ sở with 4–12 cells, 40 % chi bộ cơ sở) →
~250.000 cells; 63 provincial review cycles per year for two years (the report's year and the
one before, for the year-over-year columns), each year holding ~5,6 million member reviews,
~300.000 organization reviews (~52.000 grassroots, ~250.000 cells), ~53.000 leader collectives
and ~29.500 individual leaders' posts. Levels follow Hải Dương 2019 (members 90,3 % HTTNV or
above; grassroots 23,8 % HTXSNV), with exempt, not classified, pending and undecided subjects.
Reviews carry their ratings as the services store them (the table is as wide as in use).

    CAPUY_ENV=development .venv/bin/python bench/bench_review_stats.py --generate
    CAPUY_ENV=development .venv/bin/python bench/bench_review_stats.py [--runs 15]

Each case runs twice to warm up, then ``--runs`` times; figures are the median and p95 (nearest
rank) in milliseconds. The report's figures (``capuy.reports.xep_loai.build_report``) and the
hand-written SQL run in the same process on the same database, alternating. Writes
``bench/out/review_stats.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import date, datetime

from benchdb import OUT, database_url, ensure_database, setup_django, use_database

DB_NAME = "capuy_bench_reviews"
DB_URL = database_url(DB_NAME)

use_database(DB_URL)

LIMITS_MS = {"country": 500, "province": 100}
YEAR = 2020  # the report's year; YEAR - 1 gives the year-over-year columns
YEARS = (YEAR - 1, YEAR)
PROVINCES = int(os.environ.get("BENCH_PROVINCES", "63"))
DISTRICTS_PER_PROVINCE = 11
GRASSROOTS_PER_DISTRICT = 75
CHI_BO_CO_SO_SHARE = 0.4
CELLS_PER_DANG_BO = (4, 12)
# members per cell: 10 + (id * 7919) % 22, ~20,5 on average
UNIT_TYPES = [("xa_phuong", 70), ("co_quan", 12), ("doanh_nghiep", 8), ("su_nghiep", 8)]
UNIT_TYPES += [("luc_luong_vu_trang", 2)]
PROVINCE_BCH, DISTRICT_BCH = 50, 38
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RATINGS = json.dumps(
    {
        "tu_tuong_chinh_tri": "tot",
        "dao_duc_loi_song": "tot",
        "to_chuc_ky_luat": "tot",
        "tac_phong_le_loi": "tot",
        "khac_phuc_khuyet_diem": "tot",
        "ket_qua_nhiem_vu": "tot",
    }
)


def step(position: int) -> str:
    digits = ""
    while position:
        position, rest = divmod(position, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


# --- generation -------------------------------------------------------------------------------


def copy_rows(connection, table: str, columns: list[str], rows) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequence(connection, table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
        )


# One review per subject per cycle; ``r`` draws the status, ``r2`` the level, ``r3`` the
# member's status, ``r4`` the link to the manifestations. Members (HD 21): 1,2 % miễn sinh
# hoạt and 0,05 % đình chỉ (not reviewed), 1 % newly admitted (reviewed, not classified),
# 0,3 % still pending, 0,3 % reviewed and not yet decided; the rest decided.
MEMBER_SELECT = """
SELECT cycle_id, 'member', org_id, member_id, org_path, competent, 'co_so',
       'member:' || competent,
       CASE WHEN r3 < 0.04 OR (r >= 0.0125 AND r < 0.0225) THEN 'du_bi' ELSE 'chinh_thuc' END,
       '', unit_type, kind,
       CASE WHEN r < 0.0125 THEN 'exempt' WHEN r < 0.0225 THEN 'self_reviewed'
            WHEN r < 0.0255 THEN 'pending' WHEN r < 0.0285 THEN 'proposed' ELSE 'decided' END,
       CASE WHEN r < 0.012 THEN 'mien_sinh_hoat' WHEN r < 0.0125 THEN 'dinh_chi'
            WHEN r < 0.0225 THEN 'moi_ket_nap' ELSE '' END,
       '', NOT (r >= 0.0125 AND r < 0.0225),
       CASE WHEN r >= 0.0255 THEN %(ratings)s::jsonb ELSE '{}'::jsonb END, '{}'::jsonb,
       CASE WHEN r4 < 0.3 AND r >= 0.0125 THEN 'Bản tự kiểm điểm đã nộp cho chi bộ.' ELSE '' END,
       '', r >= 0.0125 AND NOT (r >= 0.0225 AND r < 0.0255) AND r4 < 0.995,
       CASE WHEN r >= 0.0255 THEN lvl ELSE '' END,
       CASE WHEN r >= 0.0255 THEN lvl ELSE '' END,
       CASE WHEN r >= 0.0285 THEN lvl ELSE '' END,
       CASE WHEN r >= 0.0255 THEN lvl ELSE '' END,
       r >= 0.0285
FROM (
  SELECT c.id AS cycle_id, o.id AS org_id, o.id * 64 + i AS member_id, o.path AS org_path,
         CASE WHEN o.depth = 4 THEN substr(o.path, 1, 12) ELSE o.path END AS competent,
         o.unit_type, o.kind, random() AS r, random() AS r3, random() AS r4,
         CASE WHEN r2 < 0.14 THEN 'HTXSNV' WHEN r2 < 0.903 THEN 'HTTNV'
              WHEN r2 < 0.9943 THEN 'HTNV' ELSE 'KHTNV' END AS lvl
  FROM organizations_organization o
  JOIN organizations_organization p ON p.path = substr(o.path, 1, 4)
  JOIN reviews_reviewcycle c ON c.organization_id = p.id AND c.year = %(year)s
  CROSS JOIN LATERAL generate_series(1, 10 + (o.id * 7919) %% 22) i
  CROSS JOIN LATERAL (SELECT random() + i * 0 AS r2) x
  WHERE o.kind IN ('chi_bo_truc_thuoc', 'chi_bo_co_so')
) m
"""
# Organizations (districts, grassroots, cells): decided by the parent; grassroots at the
# Hải Dương 2019 shares (23,8 % HTXSNV, 67,4 % HTTNV, 8,8 % HTNV), cells a little lower.
ORG_SELECT = """
SELECT cycle_id, 'organization', org_id, NULL::bigint, org_path, parent,
       CASE length(parent) WHEN 4 THEN 'tinh' WHEN 8 THEN 'huyen' ELSE 'co_so' END,
       'organization:' || parent, '', '', unit_type, kind,
       CASE WHEN r < 0.004 THEN 'exempt' WHEN r < 0.008 THEN 'pending'
            WHEN r < 0.012 THEN 'proposed' ELSE 'decided' END,
       CASE WHEN r < 0.004 THEN 'moi_thanh_lap' ELSE '' END, '', r >= 0.004,
       CASE WHEN r >= 0.008 THEN %(ratings)s::jsonb ELSE '{}'::jsonb END, '{}'::jsonb,
       '', '', false,
       CASE WHEN r >= 0.008 THEN lvl ELSE '' END, CASE WHEN r >= 0.008 THEN lvl ELSE '' END,
       CASE WHEN r >= 0.012 THEN lvl ELSE '' END, CASE WHEN r >= 0.008 THEN lvl ELSE '' END,
       r >= 0.012
FROM (
  SELECT c.id AS cycle_id, o.id AS org_id, o.path AS org_path,
         substr(o.path, 1, length(o.path) - 4) AS parent, o.unit_type, o.kind, random() AS r,
         CASE WHEN r2 < (CASE WHEN o.depth = 4 THEN 0.18 ELSE 0.238 END) THEN 'HTXSNV'
              WHEN r2 < 0.912 THEN 'HTTNV' WHEN r2 < 0.998 THEN 'HTNV' ELSE 'KHTNV' END AS lvl
  FROM organizations_organization o
  JOIN organizations_organization p ON p.path = substr(o.path, 1, 4)
  JOIN reviews_reviewcycle c ON c.organization_id = p.id AND c.year = %(year)s
  CROSS JOIN LATERAL (SELECT random() + o.id * 0 AS r2) x
  WHERE o.depth > 1
) s
"""
# Leader collectives (the BTV, else the BCH, of every organization with a committee) and the
# individual leaders' posts (provincial and district BCH members).
COLLECTIVE_SELECT = """
SELECT c.id, 'collective', o.id, cm.id, NULL::bigint, o.path,
       CASE WHEN o.depth = 1 THEN o.path ELSE substr(o.path, 1, length(o.path) - 4) END,
       CASE WHEN o.depth <= 2 THEN 'tinh' ELSE 'huyen' END,
       'collective:' || o.path, '', o.unit_type, o.kind,
       CASE WHEN random() < 0.01 THEN 'proposed' ELSE 'decided' END, '',
       %(ratings)s::jsonb, lvl
FROM organizations_organization o
JOIN committees_term t ON t.organization_id = o.id
JOIN committees_committee cm ON cm.term_id = t.id
     AND (cm.kind = 'btv' OR NOT EXISTS (SELECT 1 FROM committees_committee b
                                         WHERE b.term_id = t.id AND b.kind = 'btv'))
JOIN organizations_organization p ON p.path = substr(o.path, 1, 4)
JOIN reviews_reviewcycle c ON c.organization_id = p.id AND c.year = %(year)s
CROSS JOIN LATERAL (SELECT CASE WHEN r2 < 0.2 THEN 'HTXSNV' WHEN r2 < 0.92 THEN 'HTTNV'
                                WHEN r2 < 0.998 THEN 'HTNV' ELSE 'KHTNV' END AS lvl
                    FROM (SELECT random() + o.id * 0 AS r2) y) x
"""
LEADER_SELECT = """
SELECT c.id, 'leader', o.id, s.member_id, s.id, o.path,
       CASE WHEN o.depth = 1 THEN o.path ELSE substr(o.path, 1, length(o.path) - 4) END,
       'tinh', 'leader:' || o.path, s.role, o.unit_type, o.kind,
       CASE WHEN random() < 0.01 THEN 'proposed' ELSE 'decided' END, '',
       %(ratings)s::jsonb, lvl
FROM committees_seat s
JOIN committees_committee cm ON cm.id = s.committee_id
JOIN committees_term t ON t.id = cm.term_id
JOIN organizations_organization o ON o.id = t.organization_id
JOIN organizations_organization p ON p.path = substr(o.path, 1, 4)
JOIN reviews_reviewcycle c ON c.organization_id = p.id AND c.year = %(year)s
CROSS JOIN LATERAL (SELECT CASE WHEN r2 < 0.16 THEN 'HTXSNV' WHEN r2 < 0.95 THEN 'HTTNV'
                                WHEN r2 < 0.999 THEN 'HTNV' ELSE 'KHTNV' END AS lvl
                    FROM (SELECT random() + s.id * 0 AS r2) y) x
"""
REVIEW_COLUMNS = (
    "cycle_id, subject_kind, organization_id, member_id, org_path, competent_path, "
    "decision_level, quota_group, member_status, seat_role, unit_type, org_kind, status, "
    "exemption, exemption_note, classify, ratings, conditions, self_text, manifestations_text, "
    "manifestations_linked, self_level, proposed_level, decided_level, derived_level, locked"
)
COMMITTEE_REVIEW_COLUMNS = (
    "cycle_id, subject_kind, organization_id, {fk}, org_path, competent_path, "
    "decision_level, quota_group, seat_role, unit_type, org_kind, status, exemption, ratings, "
    "self_level"
)


def _wrap_committee(select: str, fk: str) -> str:
    """Collectives and leaders: the level is self-assessed, proposed and (when decided)
    decided alike."""
    cols = COMMITTEE_REVIEW_COLUMNS.format(fk=fk)
    names = "cycle_id, kind, org_id, fk1, fk2, org_path, competent, dlevel, qgroup, role, "
    names += "unit_type, org_kind, status, exemption, ratings, lvl"
    return (
        f"WITH src ({names}) AS ({select}) "
        f"INSERT INTO reviews_review ({cols}, proposed_level, decided_level, derived_level, "
        f"locked) SELECT src.*, lvl, CASE WHEN status = 'decided' THEN lvl ELSE '' END, "
        f"lvl, status = 'decided' FROM src"
    )


def generate(seed: int = 2019) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from capuy.accounts.models import RoleGrant
    from capuy.core.vntext import search_key, sort_key
    from capuy.reviews.models import RuleSet

    rng = random.Random(seed)
    started = time.monotonic()
    timings: dict[str, float] = {}
    mark = time.monotonic()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        timings[name] = round(now - mark, 1)
        mark = now

    call_command("migrate", verbosity=0)
    lap("migrate")
    counts: dict[str, int] = {}

    orgs: list[tuple] = []
    provinces, districts, grassroots = [], [], []
    next_id = 1

    def add(path, code, name, kind, numchild, unit_type=""):
        nonlocal next_id
        row = (
            next_id,
            path,
            len(path) // 4,
            numchild,
            code,
            name,
            kind,
            unit_type,
            date(1997, 1, 1),
            None,
            search_key(f"{name} {code}")[:255],
            0,
        )
        orgs.append(row)
        next_id += 1
        return row

    types = [name for name, weight in UNIT_TYPES for _ in range(weight)]
    for p in range(1, PROVINCES + 1):
        ppath = step(p)
        provinces.append(add(ppath, f"P{p:02d}", f"Đảng bộ tỉnh Mẫu {p:02d}", "dang_bo_tinh", 11))
        for d in range(1, DISTRICTS_PER_PROVINCE + 1):
            dpath = ppath + step(d)
            districts.append(
                add(
                    dpath,
                    f"P{p:02d}-H{d:02d}",
                    f"Đảng bộ huyện Mẫu {p:02d}-{d:02d}",
                    "dang_bo_huyen",
                    GRASSROOTS_PER_DISTRICT,
                )
            )
            for g in range(1, GRASSROOTS_PER_DISTRICT + 1):
                gpath = dpath + step(g)
                unit_type = rng.choice(types)
                if rng.random() < CHI_BO_CO_SO_SHARE:
                    grassroots.append(
                        add(
                            gpath,
                            f"P{p:02d}-H{d:02d}-X{g:02d}",
                            f"Chi bộ cơ sở Mẫu {p}-{d}-{g}",
                            "chi_bo_co_so",
                            0,
                            unit_type,
                        )
                    )
                    continue
                n_cells = rng.randint(*CELLS_PER_DANG_BO)
                grassroots.append(
                    add(
                        gpath,
                        f"P{p:02d}-H{d:02d}-X{g:02d}",
                        f"Đảng bộ cơ sở Mẫu {p}-{d}-{g}",
                        "dang_bo_co_so",
                        n_cells,
                        unit_type,
                    )
                )
                for c in range(1, n_cells + 1):
                    add(
                        gpath + step(c),
                        f"P{p:02d}-H{d:02d}-X{g:02d}-C{c}",
                        f"Chi bộ Mẫu {p}-{d}-{g}-{c}",
                        "chi_bo_truc_thuoc",
                        0,
                        unit_type,
                    )
    org_columns = [
        "id",
        "path",
        "depth",
        "numchild",
        "code",
        "name",
        "kind",
        "unit_type",
        "established_on",
        "dissolved_on",
        "search_text",
        "member_count",
    ]
    with transaction.atomic():
        counts["organizations"] = copy_rows(
            connection, "organizations_organization", org_columns, orgs
        )
    reset_sequence(connection, "organizations_organization")
    lap("organizations")

    # terms and committees: provinces and districts have a BCH and a BTV, grassroots a BCH;
    # leaders hold seats on the provincial and district BCH.
    term_rows, committee_rows, member_rows, seat_rows = [], [], [], []
    roles = ["bi_thu", "pho_bi_thu_thuong_truc", "pho_bi_thu"]
    member_id = seat_id = committee_id = 0
    first_cell = {}
    for row in orgs:
        if row[6] in ("chi_bo_truc_thuoc", "chi_bo_co_so"):
            first_cell.setdefault(row[1][:4], row)
            first_cell.setdefault(row[1][:8], row)
    for term_id, org in enumerate([*provinces, *districts, *grassroots], start=1):
        term_rows.append((term_id, org[0], "XIX", date(2015, 10, 15), date(2020, 10, 15)))
        committee_id += 1
        committee_rows.append((committee_id, term_id, "bch"))
        bch = committee_id
        if org[6] in ("dang_bo_tinh", "dang_bo_huyen"):
            committee_id += 1
            committee_rows.append((committee_id, term_id, "btv"))
            size, btv = (PROVINCE_BCH, 15) if org[6] == "dang_bo_tinh" else (DISTRICT_BCH, 13)
            home = first_cell[org[1]]
            for index in range(size):
                member_id += 1
                seat_id += 1
                ten = rng.choice(["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh", "Nam"])
                full = f"Nguyễn Văn {ten}"
                member_rows.append(
                    (
                        member_id,
                        "Nguyễn",
                        "Văn",
                        ten,
                        full,
                        date(1970, 1, 1),
                        "nam",
                        None,
                        date(1995, 5, 19),
                        date(1996, 5, 19),
                        "chinh_thuc",
                        home[0],
                        home[1],
                        sort_key(ten, "Nguyễn", "Văn")[:200],
                        search_key(full),
                        search_key(ten),
                    )
                )
                role = (
                    roles[index] if index < 3 else ("uy_vien_btv" if index < btv else "uy_vien_bch")
                )
                seat_rows.append(
                    (seat_id, bch, member_id, role, date(2015, 10, 15), date(2020, 10, 15), "")
                )
    with transaction.atomic():
        copy_rows(
            connection,
            "members_member",
            [
                "id",
                "ho",
                "ten_dem",
                "ten",
                "full_name",
                "birth_date",
                "gender",
                "card_number",
                "admitted_on",
                "official_on",
                "status",
                "cell_id",
                "org_path",
                "sort_key",
                "search_text",
                "given_search",
            ],
            member_rows,
        )
        copy_rows(
            connection,
            "committees_term",
            ["id", "organization_id", "name", "start_on", "end_on"],
            term_rows,
        )
        copy_rows(connection, "committees_committee", ["id", "term_id", "kind"], committee_rows)
        counts["seats"] = copy_rows(
            connection,
            "committees_seat",
            ["id", "committee_id", "member_id", "role", "start_on", "end_on", "note"],
            seat_rows,
        )
    for table in ("members_member", "committees_term", "committees_committee", "committees_seat"):
        reset_sequence(connection, table)
    lap("committees")

    rule_set = RuleSet.objects.get(code="qd132-hd21")
    cycle_rows = []
    cycle_id = 0
    for year in YEARS:
        for province in provinces:
            cycle_id += 1
            cycle_rows.append(
                (
                    cycle_id,
                    rule_set.pk,
                    province[0],
                    f"Kiểm điểm, xếp loại năm {year} — {province[5]}",
                    "year",
                    year,
                    None,
                    date(year, 1, 1),
                    date(year, 12, 31),
                    "{}",
                    "[]",
                )
            )
    with transaction.atomic():
        copy_rows(
            connection,
            "reviews_reviewcycle",
            [
                "id",
                "rule_set_id",
                "organization_id",
                "name",
                "period_kind",
                "year",
                "quarter",
                "period_start",
                "period_end",
                "deadlines",
                "closed_levels",
            ],
            cycle_rows,
        )
    reset_sequence(connection, "reviews_reviewcycle")
    lap("cycles")

    # The reviews: secondary indexes dropped around the inserts and re-created from their own
    # definitions (as capuy synth does for members).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reviews_review' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE contype = 'p' AND conrelid = 'reviews_review'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(0.2019)")
        params_base = {"ratings": RATINGS}
        for year in YEARS:
            params = {**params_base, "year": year}
            cursor.execute(f"INSERT INTO reviews_review ({REVIEW_COLUMNS}) {MEMBER_SELECT}", params)
            counts[f"member_{year}"] = cursor.rowcount
            lap(f"members_{year}")
            cursor.execute(f"INSERT INTO reviews_review ({REVIEW_COLUMNS}) {ORG_SELECT}", params)
            counts[f"organization_{year}"] = cursor.rowcount
            cursor.execute(_wrap_committee(COLLECTIVE_SELECT, "committee_id, seat_id"), params)
            counts[f"collective_{year}"] = cursor.rowcount
            cursor.execute(_wrap_committee(LEADER_SELECT, "member_id, seat_id"), params)
            counts[f"leader_{year}"] = cursor.rowcount
            lap(f"others_{year}")
        for _name, definition in indexes:
            cursor.execute(definition)
        lap("indexes")

    User = get_user_model()
    if not User.objects.filter(username="bench-root").exists():
        User.objects.create_superuser("bench-root", password="bench-mat-khau-dai")
    office = User.objects.filter(username="bench-office").first() or User.objects.create_user(
        "bench-office", password="bench-mat-khau-dai"
    )
    RoleGrant.objects.get_or_create(
        user=office, role="committee_staff", organization_id=provinces[0][0]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('reviews_review'))")
        counts["review_table_size"] = cursor.fetchone()[0]
    lap("vacuum_analyze")
    counts["timings_s"] = timings
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


# --- hand-written SQL ---------------------------------------------------------------------------

REVIEWED = "('self_reviewed', 'proposed', 'decided')"
EXEMPTIONS = ("mien_sinh_hoat", "dinh_chi", "moi_ket_nap", "moi_thanh_lap", "khac")


def _hand_filters() -> str:
    parts = [
        f"count(*) FILTER (WHERE status IN {REVIEWED}) AS reviewed",
        "count(*) FILTER (WHERE status = 'pending') AS pending",
        f"count(*) FILTER (WHERE status IN {REVIEWED} AND classify AND decided_level = '') "
        "AS undecided",
        f"count(*) FILTER (WHERE status IN {REVIEWED} AND manifestations_linked "
        "AND subject_kind IN ('member', 'leader')) AS linked",
    ]
    for code in EXEMPTIONS:
        parts.append(
            f"count(*) FILTER (WHERE status = 'exempt' AND exemption = '{code}') AS x_{code}"
        )
        parts.append(
            f"count(*) FILTER (WHERE status IN {REVIEWED} AND NOT classify "
            f"AND exemption = '{code}') AS n_{code}"
        )
    for level in ("HTXSNV", "HTTNV", "HTNV", "KHTNV"):
        parts.append(
            f"count(*) FILTER (WHERE status = 'decided' AND classify "
            f"AND decided_level = '{level}') AS {level.lower()}"
        )
    return ",\n  ".join(parts)


# The same table rows written by hand: one pass, one row per (year's cycle, unit, kind,
# category, sub-category) with a conditional count per column of the form.
HAND_SQL = f"""
SELECT cycle_id, substr(org_path, 1, %(child)s) AS branch, subject_kind,
  CASE subject_kind WHEN 'member' THEN member_status WHEN 'leader' THEN seat_role
       ELSE org_kind END AS category,
  CASE WHEN subject_kind = 'organization' AND org_kind IN ('dang_bo_co_so', 'chi_bo_co_so')
       THEN unit_type WHEN subject_kind = 'leader' THEN org_kind ELSE '' END AS sub,
  count(*) AS total,
  {_hand_filters()}
FROM reviews_review
WHERE cycle_id = ANY(%(cycles)s) {{under}}
GROUP BY 1, 2, 3, 4, 5
"""
HAND_SQL_UNITS = """SELECT id, path, name FROM organizations_organization
    WHERE path LIKE %(like)s AND depth = %(depth)s
      AND (established_on IS NULL OR established_on <= %(end)s)
      AND (dissolved_on IS NULL OR dissolved_on >= %(start)s)
    ORDER BY path"""
HAND_SQL_CYCLES = """SELECT c.id, c.year FROM reviews_reviewcycle c
    JOIN organizations_organization o ON o.id = c.organization_id
    WHERE c.period_kind = 'year' AND c.year IN (%(year)s, %(previous)s)
      AND (o.path LIKE %(like)s OR %(path)s LIKE o.path || '%%')"""


def hand_params(org) -> dict:
    """The parameters of the hand-written statements for ``org`` (None: the whole country)."""
    return {
        "year": YEAR,
        "previous": YEAR - 1,
        "like": (org.path if org else "") + "%",
        "path": org.path if org else "",
        "child": (len(org.path) + 4) if org else 4,
        "depth": (org.depth + 1) if org else 1,
        "start": date(YEAR - 1, 1, 1),
        "end": date(YEAR, 12, 31),
    }


def hand_written(org) -> list:
    """The hand-written SQL for the report's tables: the year's (and the year before's) cycles,
    the units, and the one grouped pass; the rows are fetched, not summed further."""
    from django.db import connection

    from capuy.reports.tuning import analytic_reads

    params = hand_params(org)
    with analytic_reads(), connection.cursor() as cursor:
        cursor.execute(HAND_SQL_CYCLES, params)
        params["cycles"] = [row[0] for row in cursor.fetchall()]
        cursor.execute(HAND_SQL_UNITS, params)
        cursor.fetchall()
        under = "AND org_path LIKE %(like)s" if org else ""  # the whole country: no prefix
        cursor.execute(HAND_SQL.replace("{under}", under), params)
        return cursor.fetchall()


def hand_written_grouped(org) -> list:
    """The report's own shape written by hand (GROUP BY the outcome keys, no FILTERs)."""
    from django.db import connection

    from capuy.reports.tuning import analytic_reads

    like = (org.path if org else "") + "%"
    child = (len(org.path) + 4) if org else 4
    sql = f"""
SELECT cycle_id, substr(org_path, 1, %s), subject_kind,
  CASE subject_kind WHEN 'member' THEN member_status WHEN 'leader' THEN seat_role
       ELSE org_kind END,
  CASE WHEN subject_kind = 'organization' AND org_kind IN ('dang_bo_co_so', 'chi_bo_co_so')
       THEN unit_type WHEN subject_kind = 'leader' THEN org_kind ELSE '' END,
  CASE WHEN status = 'exempt' THEN 'x' WHEN status = 'pending' THEN 'p'
       WHEN NOT classify THEN 'n' WHEN decided_level <> '' THEN decided_level ELSE 'u' END,
  CASE WHEN status = 'exempt' OR (status IN {REVIEWED} AND NOT classify) THEN exemption
       ELSE '' END,
  status IN {REVIEWED} AND subject_kind IN ('member', 'leader') AND manifestations_linked,
  count(*)
FROM reviews_review WHERE cycle_id = ANY(%s) {"AND org_path LIKE %s" if org else ""}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""
    with analytic_reads(), connection.cursor() as cursor:
        cursor.execute(
            HAND_SQL_CYCLES,
            {
                "year": YEAR,
                "previous": YEAR - 1,
                "like": like,
                "path": org.path if org else "",
            },
        )
        cycles = [row[0] for row in cursor.fetchall()]
        cursor.execute(sql, [child, cycles, like] if org else [child, cycles])
        return cursor.fetchall()


# The same groups written by hand over the tally (capuy/reviews/tally.py): the children's rows
# at the branch's depth, and the node's own rows.
HAND_TALLY_SQL = """
SELECT cycle_id, CASE WHEN depth = %(depth)s THEN prefix ELSE %(path)s END, subject_kind,
  category, sub, outcome, reason, linked, sum(n)
FROM reviews_reviewtally
WHERE cycle_id = ANY(%(cycles)s) AND n > 0
  AND depth = %(depth)s AND prefix LIKE %(like)s
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""
HAND_TALLY_OWN = """
SELECT cycle_id, prefix, subject_kind, category, sub, outcome, reason, linked, n
FROM reviews_reviewtally
WHERE cycle_id = ANY(%(cycles)s) AND n > 0 AND depth = %(depth)s - 1 AND prefix = %(path)s
  AND own"""


def hand_written_tally(org) -> list:
    """The report's groups read by hand from the tally: cycles, units, one grouped read."""
    from django.db import connection

    from capuy.reports.tuning import analytic_reads

    params = {
        "year": YEAR,
        "previous": YEAR - 1,
        "like": (org.path if org else "") + "%",
        "path": org.path if org else "",
        "depth": (org.depth + 1) if org else 1,
        "start": date(YEAR - 1, 1, 1),
        "end": date(YEAR, 12, 31),
    }
    with analytic_reads(), connection.cursor() as cursor:
        cursor.execute(HAND_SQL_CYCLES, params)
        params["cycles"] = [row[0] for row in cursor.fetchall()]
        cursor.execute(HAND_SQL_UNITS, params)
        cursor.fetchall()
        cursor.execute(HAND_TALLY_SQL, params)
        rows = cursor.fetchall()
        if org is not None:  # the node's own rows
            cursor.execute(HAND_TALLY_OWN, params)
            rows += cursor.fetchall()
        return rows


# The numbers the tables show, summed by hand from the tally by year (not by cycle: the tables
# add the year's cycles up), in one statement with two groupings of the same rows: by category
# (kind, category, sub-category) for the tables by category and the coverage lines, and by unit
# for members and grassroots organizations (the tables by unit); by outcome and reason in both,
# since every column of the form is a sum of those (and by linked for the coverage lines). The
# children's rows at the branch's depth and, for a node, its own rows.
HAND_TALLY_YEARS_SQL = """
SELECT y, subject_kind, category, sub, outcome, reason, linked, sum(n)::bigint, branch,
  GROUPING(category)
FROM (
  SELECT CASE WHEN cycle_id = ANY(%(current)s) THEN %(year)s ELSE %(previous)s END AS y,
    subject_kind, category, sub, outcome, reason, linked, n,
    CASE WHEN subject_kind = 'member' OR (subject_kind = 'organization'
              AND category IN ('dang_bo_co_so', 'chi_bo_co_so'))
         THEN substr(prefix, 1, %(child)s) END AS branch
  FROM reviews_reviewtally
  WHERE cycle_id = ANY(%(cycles)s) AND n > 0 AND ({regions})
) r
GROUP BY GROUPING SETS ((y, subject_kind, category, sub, outcome, reason, linked),
                        (y, subject_kind, branch, outcome, reason))"""


def hand_written_tally_years(org, sql: str = HAND_TALLY_YEARS_SQL) -> list:
    """The groups the tables add up, read by hand from the tally: cycles, units, one
    statement."""
    from django.db import connection

    from capuy.reports.tuning import analytic_reads

    params = hand_params(org)
    regions = "depth = %(depth)s"  # the whole country: every province's rows
    if org is not None:
        regions = (
            "(depth = %(depth)s AND prefix LIKE %(like)s)"
            " OR (depth = %(depth)s - 1 AND prefix = %(path)s AND own)"
        )
    with analytic_reads(), connection.cursor() as cursor:
        cursor.execute(HAND_SQL_CYCLES, params)
        cycles = cursor.fetchall()
        params["cycles"] = [pk for pk, _year in cycles]
        params["current"] = [pk for pk, year in cycles if year == YEAR]
        cursor.execute(HAND_SQL_UNITS, params)
        cursor.fetchall()
        cursor.execute(sql.replace("{regions}", regions), params)
        return cursor.fetchall()


# The tables' numbers themselves computed by hand in SQL: one row per table row (kind, the
# group of organization kinds, category, sub-category or unit) and year, a conditional sum per
# column of the form. Slower than summing the groups by outcome (HAND_TALLY_YEARS_SQL) and
# adding a few of them up: measured for comparison.
HAND_TALLY_TABLES_SQL = """
SELECT y, subject_kind, grp, category, sub, branch, GROUPING(category, sub, branch),
  sum(n)::bigint,
  (sum(n) FILTER (WHERE outcome = 'x'))::bigint,
  (sum(n) FILTER (WHERE outcome NOT IN ('x', 'p')))::bigint,
  (sum(n) FILTER (WHERE outcome = 'p'))::bigint,
  (sum(n) FILTER (WHERE outcome = 'u'))::bigint,
  (sum(n) FILTER (WHERE linked))::bigint,
  {levels},
  {reasons}
FROM (
  SELECT CASE WHEN cycle_id = ANY(%(current)s) THEN %(year)s ELSE %(previous)s END AS y,
    subject_kind, category, sub, outcome, reason, linked, n,
    CASE WHEN subject_kind <> 'organization' THEN ''
         WHEN category IN ('dang_bo_co_so', 'chi_bo_co_so') THEN 'g'
         WHEN category IN ('dang_bo_bo_phan', 'chi_bo_truc_thuoc') THEN 's' ELSE 'u' END AS grp,
    substr(prefix, 1, %(child)s) AS branch
  FROM reviews_reviewtally
  WHERE cycle_id = ANY(%(cycles)s) AND n > 0 AND ({regions})
) r
GROUP BY GROUPING SETS ((y, subject_kind, grp), (y, subject_kind, grp, category),
                        (y, subject_kind, grp, sub), (y, subject_kind, grp, branch))""".replace(
    "{levels}",
    ",\n  ".join(
        f"(sum(n) FILTER (WHERE outcome = '{level}'))::bigint"
        for level in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
    ),
).replace(
    "{reasons}",
    ",\n  ".join(
        f"(sum(n) FILTER (WHERE outcome = '{outcome}' AND reason {test}))::bigint"
        for outcome in ("x", "n")
        for test in [f"= '{code}'" for code in EXEMPTIONS[:-1]] + ["IN ('khac', '')"]
    ),
)


def hand_written_tally_tables(org) -> list:
    """The tables' numbers computed by hand in SQL from the tally: cycles, units, one
    statement."""
    return hand_written_tally_years(org, HAND_TALLY_TABLES_SQL)


# Which rows of HAND_TALLY_TABLES_SQL each table of the report reads: (kind, group of
# organization kinds), and the grouping its row keys name.
TABLE_ROWS = {
    "dang_vien": ("member", ""),
    "to_chuc_co_so_dang": ("organization", "g"),
    "chi_bo_truc_thuoc": ("organization", "s"),
    "dang_bo_cap_tren": ("organization", "u"),
    "tap_the_lanh_dao": ("collective", ""),
    "ca_nhan_lanh_dao": ("leader", ""),
    "dang_vien_theo_don_vi": ("member", ""),
    "to_chuc_co_so_dang_theo_don_vi": ("organization", "g"),
}


def tables_numbers(data: dict) -> list[tuple]:
    """The report's table rows as HAND_TALLY_TABLES_SQL computes them: ``((year, kind, group,
    category, sub, branch), numbers)`` (a table by unit's total row is its table's)."""
    numbers = []
    for table in data["tables"]:
        kind, group = TABLE_ROWS[table["key"]]
        for row in table["rows"]:
            key, category, sub, branch = row["key"], None, None, None
            if key.startswith("type_"):
                sub = "" if key == "type_none" else key[5:]
            elif key.startswith("level_"):
                sub = key[6:]
            elif key.startswith("role_"):
                category = key[5:]
            elif table["by_unit"] and key != "total":
                branch = key
            elif key != "total":
                category = key
            numbers.append(((data["year"], kind, group, category, sub, branch), _numbers(row)))
    return numbers


def _numbers(row: dict) -> tuple:
    """``(total, exempt, reviewed, pending, undecided, levels…, exempt by reason…, not
    classified by reason…)``: HAND_TALLY_TABLES_SQL's columns less ``linked``."""
    not_reviewed, not_classified = row["not_reviewed_reasons"], row["not_classified_reasons"]
    levels = row["levels"]
    return (
        row["total"],
        row["total"] - row["required"],
        row["reviewed"],
        not_reviewed["pending"],
        not_classified["undecided"],
        *(levels[level]["count"] for level in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")),
        *(not_reviewed[code] for code in EXEMPTIONS),
        *(not_classified[code] for code in EXEMPTIONS),
    )


def same_tables(data: dict, rows: list) -> bool:
    """Whether HAND_TALLY_TABLES_SQL's rows give every number of the report's tables (of the
    report's year; its rows for the table rows the report leaves out or does not have are
    not compared)."""
    computed, zeros = {}, None
    for y, kind, group, category, sub, branch, _grouping, total, *rest in rows:
        exempt, reviewed, pending, undecided, _linked, *levels_and_reasons = rest
        values = (total, exempt, reviewed, pending, undecided, *levels_and_reasons)
        computed[(y, kind, group, category, sub, branch)] = tuple(v or 0 for v in values)
        zeros = (0,) * len(values)
    # a row the report shows at zero (a fixed row nothing counts in) has no group in SQL
    return all(computed.get(key, zeros) == value for key, value in tables_numbers(data))


def same_groups_by_cycle(ours: list, rows: list, year_of: dict) -> bool:
    """Whether HAND_TALLY_SQL's groups (by cycle and unit) add up to capuy's groups by category
    (by year)."""
    summed: dict = {}
    for cycle, _branch, *keys, n in rows:
        key = (year_of[cycle], *keys)
        summed[key] = summed.get(key, 0) + n
    by_category = {tuple(row[:7]): row[7] for row in ours if not row[9]}
    return summed == by_category


def write_cost(province, runs: int) -> dict:
    """What the tally's triggers add to a write: one review updated (a service's save), every
    member of one province's cycle updated in one statement (the Excel import's bulk UPDATE)
    and one province's reviews inserted in one statement (the opener's INSERT … SELECT), each
    with the triggers and with them disabled, rolled back every time."""
    from django.db import connection, transaction

    from capuy.reviews.models import Review, ReviewCycle

    cycle = ReviewCycle.objects.get(organization=province, year=YEAR)
    one = Review.objects.filter(cycle=cycle, subject_kind="member").order_by("pk").first()
    flip = "manifestations_linked = NOT manifestations_linked"  # changes a key of the tally
    columns = [f.column for f in Review._meta.concrete_fields if f.column != "id"]
    copied = ", ".join("%s" if c == "cycle_id" else c for c in columns)
    cases = {
        "one_review": ("UPDATE reviews_review SET " + flip + " WHERE id = %s", [one.pk]),
        # the opener's INSERT … SELECT: the province's reviews again, under another cycle id
        "open_province": (
            f"INSERT INTO reviews_review ({', '.join(columns)})"
            f" SELECT {copied} FROM reviews_review WHERE cycle_id = %s",
            [-cycle.pk, cycle.pk],
        ),
        "province_members": (
            "UPDATE reviews_review SET " + flip + " WHERE cycle_id = %s AND subject_kind = %s",
            [cycle.pk, "member"],
        ),
    }

    class Rollback(Exception):
        pass

    def timed(sql, params, triggers: bool) -> float:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if not triggers:
                    cursor.execute("ALTER TABLE reviews_review DISABLE TRIGGER USER")
                start = time.perf_counter()
                cursor.execute(sql, params)
                elapsed = (time.perf_counter() - start) * 1000
                raise Rollback
        except Rollback:
            return elapsed

    results = {"rows": {"one_review": 1}}
    results["rows"]["open_province"] = Review.objects.filter(cycle=cycle).count()
    results["rows"]["province_members"] = Review.objects.filter(
        cycle=cycle, subject_kind="member"
    ).count()
    for name, (sql, params) in cases.items():
        n = runs if name == "one_review" else max(2, runs // 5)
        with_t, without_t = [], []
        for _ in range(n):
            with_t.append(timed(sql, params, True))
            without_t.append(timed(sql, params, False))
        results[name] = {
            "with_triggers": _summary(sorted(with_t)),
            "without_triggers": _summary(sorted(without_t)),
        }
    return results


# --- measuring ----------------------------------------------------------------------------------


def paired(first, second, runs: int) -> tuple[dict, dict]:
    """Time two functions alternately, so that both see the same load on a shared machine."""
    for _ in range(2):
        first()
        second()
    times: tuple[list, list] = ([], [])
    for _ in range(runs):
        for fn, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return tuple(_summary(sorted(t)) for t in times)


def _summary(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(round(0.95 * len(times))) - 1)], 1),
        "runs": len(times),
    }


def explain(sql: str, params) -> str:
    from django.db import connection

    from capuy.reports.tuning import analytic_reads

    with analytic_reads(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def interleaved(functions, runs: int, warmup: int = 1) -> list[dict]:
    """Time several functions in turn, run after run, so that all see the same load."""
    for _ in range(warmup):
        for fn in functions:
            fn()
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for fn, bucket in zip(functions, times, strict=True):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return [_summary(sorted(t)) for t in times]


def measure(runs: int, country_runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from capuy.core.testing import sign_in
    from capuy.organizations.models import Organization
    from capuy.reports.documents import render_docx, render_pdf
    from capuy.reports.xep_loai import (
        AUTO,
        LIVE,
        TALLY,
        build_report,
        grouped_query,
        report_reads,
        tally_plan,
        tally_sql,
    )
    from capuy.reports.xep_loai_output import report_document, report_xlsx
    from capuy.reviews.models import ReviewTally

    User = get_user_model()
    root = User.objects.get(username="bench-root")
    office = User.objects.get(username="bench-office")
    province = Organization.objects.get(code="P01")
    results: dict[str, dict] = {}
    today = date(YEAR + 1, 3, 25)

    def report(org, source=AUTO):
        return build_report(root, year=YEAR, org=org, today=today, source=source)

    data = {"country": report(None), "province": report(province)}
    for name, org, n, raw_n in (
        ("country", None, runs, country_runs),
        ("province", province, runs, runs),
    ):
        # the tally: capuy against the same numbers read by hand, three ways, in turn
        ours, by_year, by_cycle, as_tables = interleaved(
            [
                lambda org=org: report(org),
                lambda org=org: hand_written_tally_years(org),
                lambda org=org: hand_written_tally(org),
                lambda org=org: hand_written_tally_tables(org),
            ],
            n,
        )
        results[f"report_{name}"] = ours
        results[f"sql_tally_years_{name}"] = by_year
        results[f"sql_tally_{name}"] = by_cycle
        results[f"sql_tally_tables_{name}"] = as_tables
        baselines = {"groups_by_year": by_year, "groups_by_cycle": by_cycle, "tables": as_tables}
        fastest = min(baselines, key=lambda k: baselines[k]["median_ms"])
        results[f"ratio_{name}"] = {
            "to_fastest": round(ours["median_ms"] / baselines[fastest]["median_ms"], 2),
            "fastest": fastest,
            "to_groups_by_year": round(ours["median_ms"] / by_year["median_ms"], 2),
            "to_tables": round(ours["median_ms"] / as_tables["median_ms"], 2),
        }
        with CaptureQueriesContext(connection) as queries:
            report(org)
        results[f"report_{name}"]["queries"] = len(queries)
        cycles = report_reads(
            root, (YEAR, YEAR - 1), org, date(YEAR - 1, 1, 1), date(YEAR, 12, 31)
        ).cycles
        year_of = {c.pk: y for y, cs in cycles.items() for c in cs}
        sql, params = tally_sql(tally_plan(root, org), year_of)
        results[f"plan_{name}"] = {"sql": sql, "explain": explain(sql, params)}
        with connection.cursor() as cursor:  # capuy's statement sums what the hand's does
            cursor.execute(sql, params)
            ours_rows = sorted(map(tuple, cursor.fetchall()), key=repr)
        hand_rows = sorted(map(tuple, hand_written_tally_years(org)), key=repr)
        # each hand-written variant gives capuy's numbers: the same groups by year, the groups
        # by cycle adding up to them, every number of the report's tables
        results[f"same_groups_{name}"] = ours_rows == hand_rows
        results[f"same_groups_by_cycle_{name}"] = same_groups_by_cycle(
            ours_rows, hand_written_tally(org), year_of
        )
        results[f"same_tables_{name}"] = same_tables(data[name], hand_written_tally_tables(org))
        # the rows (before the tally): capuy counting live and both hand-written variants
        live, hand, grouped = interleaved(
            [
                lambda org=org: report(org, LIVE),
                lambda org=org: hand_written(org),
                lambda org=org: hand_written_grouped(org),
            ],
            raw_n,
            warmup=0 if name == "country" else 1,
        )
        results[f"report_live_{name}"] = live
        results[f"sql_filters_{name}"] = hand
        results[f"sql_grouped_{name}"] = grouped
        # the same figures either way
        results[f"same_figures_{name}"] = report(org, TALLY) == report(org, LIVE)
        units = report_reads(
            root, (YEAR, YEAR - 1), org, date(YEAR - 1, 1, 1), date(YEAR, 12, 31)
        ).units
        sql, params = grouped_query(root, org, list(year_of), units).query.sql_with_params()
        results[f"plan_live_{name}"] = {"sql": sql, "explain": explain(sql, params)}
    results["tally_rows"] = ReviewTally.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('reviews_reviewtally'))")
        results["tally_size"] = cursor.fetchone()[0]
    results["write_cost"] = write_cost(province, runs)

    client = Client()
    sign_in(client, office)
    url = f"/bao-cao/xep-loai/?org={province.pk}&year={YEAR}"
    assert client.get(url).status_code == 200

    def page():
        assert client.get(url).status_code == 200

    def api():
        response = client.get(f"/api/v1/reports/xep-loai?org=P01&year={YEAR}")
        assert response.status_code == 200

    results["page_province"], results["api_province"] = paired(page, api, max(5, runs // 3))
    document = report_document(data["province"], province, day=today)
    results["docx_render_province"], results["pdf_render_province"] = paired(
        lambda: render_docx(document), lambda: render_pdf(document), max(5, runs // 3)
    )
    results["xlsx_province"], _unused = paired(
        lambda: report_xlsx(data["province"]), lambda: None, max(5, runs // 3)
    )

    def members(d):
        row = next(t for t in d["tables"] if t["key"] == "dang_vien")["rows"][0]
        return {
            "total": row["total"],
            "classified": row["classified"],
            "levels": {k: v["count"] for k, v in row["levels"].items()},
            "previous_classified": (row["previous"] or {}).get("classified"),
        }

    results["figures"] = {
        name: {
            "coverage": {
                k: d["coverage"][k]
                for k in ("required", "reviewed", "not_reviewed", "linked_manifestations_pct")
            },
            "members": members(d),
        }
        for name, d in data.items()
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="recreate the database first")
    parser.add_argument("--runs", type=int, default=15, help="runs of the province cases")
    parser.add_argument(
        "--country-runs", type=int, default=3, help="runs of the country cases over the rows"
    )
    parser.add_argument("--no-measure", action="store_true")
    args = parser.parse_args()
    if args.generate:
        ensure_database(DB_NAME, fresh=True)
    setup_django()
    out: dict = {"when": datetime.now().isoformat(timespec="seconds")}
    if args.generate:
        out["generated"] = generate()
        print(json.dumps(out["generated"], indent=2), flush=True)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "review_stats_generated.json").write_text(json.dumps(out, indent=2))
    if args.no_measure:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        out["postgres"] = cursor.fetchone()[0].split(" on ")[0]
    out["load_before"] = [round(x, 2) for x in os.getloadavg()]
    out["results"] = measure(args.runs, args.country_runs)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out["limits_ms"] = LIMITS_MS
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "review_stats.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out["results"], indent=2, ensure_ascii=False))
    for name in ("country", "province"):
        r = out["results"]
        ratio = r[f"ratio_{name}"]
        checks = ("same_groups", "same_groups_by_cycle", "same_tables", "same_figures")
        same = ", ".join(f"{check} {r[check + '_' + name]}" for check in checks)
        print(
            f"{name}: capuy {r[f'report_{name}']['median_ms']} ms;"
            f" hand-written: groups by year {r[f'sql_tally_years_{name}']['median_ms']},"
            f" groups by cycle {r[f'sql_tally_{name}']['median_ms']},"
            f" the tables' numbers {r[f'sql_tally_tables_{name}']['median_ms']} ms;"
            f" ratio to the fastest ({ratio['fastest']}) {ratio['to_fastest']},"
            f" to the tables' numbers {ratio['to_tables']};"
            f" {same}"
        )
    print("load average before/after:", out["load_before"], out["load_after"])


if __name__ == "__main__":
    main()
