"""Grassroots benchmark: the yearly report (country, one province) against hand-written SQL, the
compliance dashboard for one province, and the DOCX/PDF renders, at national scale.

Generates its own PostgreSQL database (COPY, no ORM) in the 2019 shape: 63 provinces → ~690
district-level units → ~52.000 grassroots organizations → ~200.000 cells; ~29.500 upper-level
committee members (provincial and district BCH) with their seats; 2,4 million 2019 cell
meetings (12 per cell); 300.000 attendances (plus 6.000 planned) and 100.000 concerns with
their first event; flags on ~3.000 communes; 20.000 field visits; one 01-QĐ/TU per province.

    createdb -h 127.0.0.1 -U postgres capuy_bench_grassroots   # done by --generate if missing
    CAPUY_ENV=development .venv/bin/python bench/bench_grassroots.py --generate
    CAPUY_ENV=development .venv/bin/python bench/bench_grassroots.py [--runs 15]

Each case runs twice to warm up, then ``--runs`` times; figures are the median and p95 (nearest
rank) in milliseconds. The ORM report and the hand-written SQL for the same numbers run in the
same process on the same database, alternating. Writes ``bench/out/grassroots.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from benchdb import OUT, database_url, ensure_database, setup_django, use_database

DB_NAME = "capuy_bench_grassroots"
DB_URL = database_url(DB_NAME)

use_database(DB_URL)

LIMITS_MS = {
    "report_country": 1000,
    "report_province": 200,
    "dashboard_province": 150,
    "docx_province": 1000,
    "pdf_province": 3000,
}
YEAR = 2019
PROVINCES = 63
DISTRICTS_PER_PROVINCE = 11
GRASSROOTS_PER_DISTRICT = 75
CELLS_PER_GRASSROOTS = (2, 6)  # uniform: ~4 on average, ~200.000 in all
PROVINCE_BCH = 50
DISTRICT_BCH = 38
ATTENDANCES = 300_000
PLANNED = 6_000
CONCERNS = 100_000
FIELD_VISITS = 20_000
FLAGGED = 3_000
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(position: int) -> str:
    digits = ""
    while position:
        position, rest = divmod(position, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


# --- generation -------------------------------------------------------------------------------


class Copier:
    """COPY rows of a model's table from tuples, naming the columns given."""

    def __init__(self, connection):
        self.connection = connection

    def copy(self, model, columns: list[str], rows) -> int:
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        count = 0
        sql = f'COPY "{table}" ({names}) FROM STDIN'
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def reset_sequence(self, model) -> None:
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
            )


def generate(seed: int = 2019) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from capuy.accounts.models import RoleGrant
    from capuy.committees.models import Committee, Seat, Term
    from capuy.concerns.models import Concern, ConcernEvent
    from capuy.concerns.services import ensure_default_categories
    from capuy.core.vntext import search_key, sort_key
    from capuy.meetings.models import (
        Attendance,
        AttendanceQuota,
        AttendanceRule,
        CellMeeting,
        FieldVisit,
    )
    from capuy.members.models import Member
    from capuy.organizations.models import Organization, OrganizationFlag

    rng = random.Random(seed)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    copier = Copier(connection)
    counts: dict[str, int] = {}

    # organizations: (id, path, depth, numchild, code, name, kind, unit_type, est, dis, search)
    orgs: list[tuple] = []
    provinces, districts, grassroots, cells = [], [], [], []
    flaggable = []
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
        )
        orgs.append(row)
        next_id += 1
        return row

    for p in range(1, PROVINCES + 1):
        ppath = step(p)
        province = add(
            ppath, f"P{p:02d}", f"Đảng bộ tỉnh Mẫu {p:02d}", "dang_bo_tinh", DISTRICTS_PER_PROVINCE
        )
        provinces.append(province)
        for d in range(1, DISTRICTS_PER_PROVINCE + 1):
            dpath = ppath + step(d)
            district = add(
                dpath,
                f"P{p:02d}-H{d:02d}",
                f"Đảng bộ huyện Mẫu {p:02d}-{d:02d}",
                "dang_bo_huyen",
                GRASSROOTS_PER_DISTRICT,
            )
            districts.append((district, province))
            for g in range(1, GRASSROOTS_PER_DISTRICT + 1):
                gpath = dpath + step(g)
                n_cells = rng.randint(*CELLS_PER_GRASSROOTS)
                org = add(
                    gpath,
                    f"P{p:02d}-H{d:02d}-X{g:02d}",
                    f"Đảng bộ xã Mẫu {p}-{d}-{g}",
                    "dang_bo_co_so",
                    n_cells,
                    "xa_phuong",
                )
                grassroots.append(org)
                flaggable.append(org)
                for c in range(1, n_cells + 1):
                    cell = add(
                        gpath + step(c),
                        f"P{p:02d}-H{d:02d}-X{g:02d}-C{c}",
                        f"Chi bộ thôn Mẫu {p}-{d}-{g}-{c}",
                        "chi_bo_truc_thuoc",
                        0,
                        "xa_phuong",
                    )
                    cells.append((cell, district, province))
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
    ]
    counts["organizations"] = copier.copy(
        Organization, org_columns + ["member_count"], (r + (0,) for r in orgs)
    )
    copier.reset_sequence(Organization)

    # leaders, their terms, committees and seats
    member_rows, seat_rows, term_rows, committee_rows = [], [], [], []
    leaders_by_province: dict[int, list[tuple]] = {}
    leaders_by_district: dict[int, list[tuple]] = {}
    cells_by_province: dict[int, list[tuple]] = {}
    cells_by_district: dict[int, list[tuple]] = {}
    for cell, district, province in cells:
        cells_by_province.setdefault(province[0], []).append(cell)
        cells_by_district.setdefault(district[0], []).append(cell)
    member_id = seat_id = term_id = 0
    given = [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Giang",
        "Hà",
        "Hùng",
        "Lan",
        "Minh",
        "Nam",
        "Phương",
        "Tuấn",
    ]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]

    def committee(org_row, size, bucket):
        nonlocal member_id, seat_id, term_id
        term_id += 1
        term_rows.append((term_id, org_row[0], "XIX", date(2015, 10, 15), date(2020, 10, 15)))
        committee_rows.append((term_id, term_id, "bch"))
        home = cells_by_province.get(org_row[0]) or cells_by_district[org_row[0]]
        for _ in range(size):
            member_id += 1
            seat_id += 1
            cell = rng.choice(home)
            ho, ten = rng.choice(family), rng.choice(given)
            full = f"{ho} Văn {ten}"
            member_rows.append(
                (
                    member_id,
                    ho,
                    "Văn",
                    ten,
                    full,
                    date(1970, 1, 1),
                    "nam",
                    None,
                    date(1995, 5, 19),
                    date(1996, 5, 19),
                    "chinh_thuc",
                    cell[0],
                    cell[1],
                    sort_key(ten, ho, "Văn")[:200],
                    search_key(full),
                    search_key(ten),
                )
            )
            seat_rows.append(
                (
                    seat_id,
                    term_id,
                    member_id,
                    "uy_vien_bch",
                    date(2015, 10, 15),
                    date(2020, 10, 15),
                    "",
                )
            )
            bucket.setdefault(org_row[0], []).append((member_id, seat_id))

    for province in provinces:
        committee(province, PROVINCE_BCH, leaders_by_province)
    for district, _province in districts:
        committee(district, DISTRICT_BCH, leaders_by_district)
    counts["members"] = copier.copy(
        Member,
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
    copier.copy(Term, ["id", "organization_id", "name", "start_on", "end_on"], term_rows)
    copier.copy(Committee, ["id", "term_id", "kind"], committee_rows)
    counts["seats"] = copier.copy(
        Seat, ["id", "committee_id", "member_id", "role", "start_on", "end_on", "note"], seat_rows
    )
    for model in (Member, Term, Committee, Seat):
        copier.reset_sequence(model)

    # 2019 meetings: id = cell index * 12 + month
    def meetings():
        for index, (cell, _d, _p) in enumerate(cells):
            day = 3 + index % 9
            for month in range(1, 13):
                yield (
                    index * 12 + month,
                    cell[0],
                    date(YEAR, month, day),
                    "thuong_ky",
                    "held",
                    "",
                    "",
                )

    counts["meetings"] = copier.copy(
        CellMeeting, ["id", "cell_id", "date", "kind", "status", "place", "topics"], meetings()
    )
    copier.reset_sequence(CellMeeting)
    cell_index = {cell[0]: i for i, (cell, _d, _p) in enumerate(cells)}

    # attendances: 15 % by provincial members (anywhere in the province), 85 % district
    now = datetime(2020, 1, 15, tzinfo=UTC)
    used: set[tuple[int, int]] = set()
    attendance_rows = []
    attended: list[tuple] = []
    province_list = [p[0] for p in provinces]
    district_list = [d[0][0] for d in districts]
    total = ATTENDANCES + PLANNED
    while len(attendance_rows) < total:
        if rng.random() < 0.15:
            org = rng.choice(province_list)
            member, seat = rng.choice(leaders_by_province[org])
            level, pool = "tinh", cells_by_province[org]
        else:
            org = rng.choice(district_list)
            member, seat = rng.choice(leaders_by_district[org])
            level, pool = "huyen", cells_by_district[org]
        cell = rng.choice(pool)
        month = rng.randint(1, 12)
        meeting = cell_index[cell[0]] * 12 + month
        if (meeting, member) in used:
            continue
        used.add((meeting, member))
        planned = len(attendance_rows) >= ATTENDANCES
        day = date(YEAR, month, 3 + cell_index[cell[0]] % 9)
        confirmed = "confirmed" if rng.random() < 0.9 else "pending"
        attendance_rows.append(
            (
                meeting,
                member,
                seat,
                level,
                day,
                cell[1],
                "du",
                "planned" if planned else "recorded",
                "",
                "office",
                now,
                confirmed,
                "",
            )
        )
        if not planned:
            attended.append((meeting, member, day, cell[1]))
    counts["attendances"] = copier.copy(
        Attendance,
        [
            "meeting_id",
            "member_id",
            "seat_id",
            "level",
            "date",
            "cell_path",
            "role",
            "status",
            "notes",
            "entered_via",
            "entered_at",
            "confirmation",
            "dispute_reason",
        ],
        attendance_rows,
    )

    categories = [c.pk for c in ensure_default_categories()]
    statuses = (
        ["tai_cho"] * 55
        + ["huong_dan"] * 15
        + ["da_gq"] * 20
        + ["chuyen"] * 5
        + ["dang_gq"] * 3
        + ["ngoai_tq"] * 2
    )
    concern_rows, event_rows = [], []
    agencies = ["UBND xã", "UBND huyện", "Phòng Tài nguyên và Môi trường", "Công an xã", "Điện lực"]
    for index in range(1, CONCERNS + 1):
        meeting, member, day, path = rng.choice(attended)
        status = rng.choice(statuses)
        forwarded = status in ("chuyen", "dang_gq", "da_gq")
        agency = rng.choice(agencies) if forwarded or status == "ngoai_tq" else ""
        due = day + timedelta(days=30) if forwarded else None
        resolved = (
            day
            if status in ("tai_cho", "huong_dan", "ngoai_tq")
            else (day + timedelta(days=20) if status == "da_gq" else None)
        )
        concern_rows.append(
            (
                index,
                meeting,
                path,
                day,
                member,
                rng.choice(categories),
                "Kiến nghị mẫu",
                status,
                "",
                agency,
                due,
                resolved,
                now,
            )
        )
        event_rows.append((index, now, "", status, ""))
    counts["concerns"] = copier.copy(
        Concern,
        [
            "id",
            "meeting_id",
            "cell_path",
            "raised_on",
            "received_by_id",
            "category_id",
            "summary",
            "status",
            "answer",
            "agency",
            "due_on",
            "resolved_on",
            "created_at",
        ],
        concern_rows,
    )
    copier.reset_sequence(Concern)
    copier.copy(ConcernEvent, ["concern_id", "at", "from_status", "to_status", "note"], event_rows)

    flagged = rng.sample(flaggable, FLAGGED)
    counts["flags"] = copier.copy(
        OrganizationFlag,
        ["organization_id", "kind", "valid_from", "valid_to", "note"],
        (
            (org[0], "kho_khan" if i % 2 else "phuc_tap", date(2018, 1, 1), None, "")
            for i, org in enumerate(flagged)
        ),
    )
    visit_rows = []
    for _ in range(FIELD_VISITS):
        district, province = rng.choice(districts)
        member, seat = rng.choice(leaders_by_district[district[0]])
        target = rng.choice(cells_by_district[district[0]])
        visit_rows.append(
            (
                member,
                seat,
                "huyen",
                target[0],
                target[1],
                date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364)),
                1,
                "Công tác cơ sở",
            )
        )
    counts["field_visits"] = copier.copy(
        FieldVisit,
        ["member_id", "seat_id", "level", "organization_id", "org_path", "date", "days", "purpose"],
        visit_rows,
    )
    for province in provinces:
        rule = AttendanceRule.objects.create(
            organization_id=province[0],
            number="01-QĐ/TU",
            title="về dự sinh hoạt chi bộ",
            issued_on=date(2011, 6, 30),
            issuing_body="Ban Thường vụ Tỉnh ủy",
            effective_from=date(2011, 6, 30),
        )
        AttendanceQuota.objects.bulk_create(
            [
                AttendanceQuota(rule=rule, level=lvl, min_attendances=n)
                for lvl, n in (("tinh", 2), ("huyen", 6), ("xa", 6))
            ]
        )
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
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


# --- hand-written SQL for the report's numbers ------------------------------------------------

HAND_SQL = [
    # attendances by level, status, confirmation and month (the report's one scan)
    """SELECT level, status, confirmation = 'confirmed', extract(month FROM date), count(*)
       FROM meetings_attendance WHERE date BETWEEN %(start)s AND %(end)s AND cell_path LIKE %(like)s
       GROUP BY 1, 2, 3, 4""",
    # cells of the year and cells visited
    """SELECT count(*) FROM organizations_organization
       WHERE kind IN ('chi_bo_co_so', 'chi_bo_truc_thuoc') AND path LIKE %(like)s
         AND (established_on IS NULL OR established_on <= %(end)s)
         AND (dissolved_on IS NULL OR dissolved_on >= %(start)s)""",
    """SELECT count(*) FROM (SELECT DISTINCT cell_path FROM meetings_attendance
       WHERE status = 'recorded' AND date BETWEEN %(start)s AND %(end)s
         AND cell_path LIKE %(like)s) visited""",
    # flagged localities, and those visited (from the flags' side; a semi-join on the
    # attendance paths cut to commune depth)
    """SELECT count(DISTINCT f.organization_id) FROM organizations_organizationflag f
       JOIN organizations_organization o ON o.id = f.organization_id
       WHERE o.path LIKE %(like)s AND f.kind IN ('kho_khan', 'phuc_tap')
         AND f.valid_from <= %(end)s AND (f.valid_to IS NULL OR f.valid_to >= %(start)s)""",
    """SELECT count(DISTINCT f.organization_id) FROM organizations_organizationflag f
       JOIN organizations_organization o ON o.id = f.organization_id
       WHERE o.path LIKE %(like)s AND f.kind IN ('kho_khan', 'phuc_tap')
         AND f.valid_from <= %(end)s AND (f.valid_to IS NULL OR f.valid_to >= %(start)s)
         AND o.path IN (SELECT substr(cell_path, 1, 12) FROM meetings_attendance
                        WHERE status = 'recorded' AND date BETWEEN %(start)s AND %(end)s
                          AND cell_path LIKE %(like)s)""",
    # concerns raised, by status, open and overdue
    """SELECT status, count(*), count(*) FILTER (WHERE due_on < current_date)
       FROM concerns_concern WHERE raised_on BETWEEN %(start)s AND %(end)s AND cell_path LIKE %(like)s
       GROUP BY 1""",
    # field visits by level
    """SELECT level, count(*), sum(days) FROM meetings_fieldvisit
       WHERE date BETWEEN %(start)s AND %(end)s AND org_path LIKE %(like)s GROUP BY 1""",
]
# Members meeting the quota, per level: the deepest regulation in force over each committee's
# organization; attendances counted per leader (an index probe each) for one province, or by
# one grouped scan joined to the leaders for the whole country.
HAND_SQL_COMPLIANCE = """
WITH seat_orgs AS (
  SELECT id, path, CASE kind WHEN 'dang_bo_tinh' THEN 'tinh' WHEN 'dang_bo_huyen' THEN 'huyen'
                             ELSE 'xa' END AS level
  FROM organizations_organization
  WHERE kind IN ('dang_bo_tinh', 'dang_bo_huyen', 'dang_bo_xa') AND path LIKE %(like)s),
quotas AS (
  SELECT DISTINCT ON (so.id) so.id AS org_id, q.min_attendances AS quota
  FROM seat_orgs so
  JOIN organizations_organization ro ON substr(so.path, 1, length(ro.path)) = ro.path
  JOIN meetings_attendancerule r ON r.organization_id = ro.id AND r.effective_from <= %(end)s
       AND (r.effective_to IS NULL OR r.effective_to >= %(end)s)
  JOIN meetings_attendancequota q ON q.rule_id = r.id AND q.level = so.level
  ORDER BY so.id, length(ro.path) DESC),
leaders AS (
  SELECT s.member_id, so.level, max(qu.quota) AS quota
  FROM committees_seat s JOIN committees_committee c ON c.id = s.committee_id
  JOIN committees_term t ON t.id = c.term_id JOIN seat_orgs so ON so.id = t.organization_id
  LEFT JOIN quotas qu ON qu.org_id = so.id
  WHERE s.start_on <= %(end)s AND (s.end_on IS NULL OR s.end_on >= %(start)s)
  GROUP BY 1, 2)
"""
HAND_SQL_COMPLIANCE_PROVINCE = (
    HAND_SQL_COMPLIANCE
    + """
SELECT level, count(*), count(*) FILTER (WHERE n >= quota) FROM (
  SELECT l.level, l.quota, (SELECT count(*) FROM meetings_attendance a
     WHERE a.member_id = l.member_id AND a.status = 'recorded'
       AND a.date BETWEEN %(start)s AND %(end)s) AS n
  FROM leaders l) x GROUP BY level"""
)
HAND_SQL_COMPLIANCE_COUNTRY = (
    HAND_SQL_COMPLIANCE
    + """
SELECT l.level, count(*), count(*) FILTER (WHERE coalesce(c.n, 0) >= l.quota)
FROM leaders l LEFT JOIN (
  SELECT member_id, count(*) AS n FROM meetings_attendance
  WHERE status = 'recorded' AND date BETWEEN %(start)s AND %(end)s GROUP BY member_id
) c USING (member_id) GROUP BY l.level"""
)
HAND_SQL_UNITS = """SELECT o.id, o.code, o.name, u.tinh, u.huyen, u.xa, u.total, u.cells
    FROM organizations_organization o LEFT JOIN (
      SELECT substr(cell_path, 1, %(child)s) AS path,
        count(*) FILTER (WHERE level = 'tinh') AS tinh,
        count(*) FILTER (WHERE level = 'huyen') AS huyen,
        count(*) FILTER (WHERE level = 'xa') AS xa, count(*) AS total,
        count(DISTINCT cell_path) AS cells
      FROM meetings_attendance WHERE status = 'recorded' AND date BETWEEN %(start)s AND %(end)s
        AND cell_path LIKE %(like)s GROUP BY 1) u ON u.path = o.path
    WHERE o.path LIKE %(like)s AND length(o.path) = %(child)s
      AND (o.established_on IS NULL OR o.established_on <= %(end)s)
      AND (o.dissolved_on IS NULL OR o.dissolved_on >= %(start)s)
    ORDER BY o.path"""
# The regulation the report names: the deepest in force over the organization, with quotas.
HAND_SQL_RULE = """SELECT r.number, r.title, r.issued_on, r.issuing_body, q.level,
      q.min_attendances
    FROM meetings_attendancerule r JOIN organizations_organization ro ON ro.id = r.organization_id
    LEFT JOIN meetings_attendancequota q ON q.rule_id = r.id
    WHERE %(path)s LIKE ro.path || '%%' AND r.effective_from <= %(end)s
      AND (r.effective_to IS NULL OR r.effective_to >= %(end)s)
    ORDER BY length(ro.path) DESC, r.effective_from DESC"""


def hand_written(org) -> None:
    from django.db import connection

    params = {
        "start": date(YEAR, 1, 1),
        "end": date(YEAR, 12, 31),
        "like": (org.path if org else "") + "%",
        "child": (len(org.path) + 4) if org else 4,
        "path": org.path if org else "",
    }
    from capuy.reports.tuning import analytic_reads

    # The same session setting as the report (work_mem for the large groupings).
    with analytic_reads(), connection.cursor() as cursor:
        compliance = HAND_SQL_COMPLIANCE_PROVINCE if org else HAND_SQL_COMPLIANCE_COUNTRY
        for sql in [*HAND_SQL, compliance, *([HAND_SQL_UNITS, HAND_SQL_RULE] if org else [])]:
            cursor.execute(sql, params)
            cursor.fetchall()


# --- measuring ----------------------------------------------------------------------------------


def timed(fn, runs: int) -> dict:
    for _ in range(2):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return _summary(sorted(times))


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


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from capuy.core.testing import sign_in
    from capuy.organizations.models import Organization
    from capuy.reports.documents import render_docx, render_pdf
    from capuy.reports.quy_dinh_01 import build_report, report_document

    User = get_user_model()
    root = User.objects.get(username="bench-root")
    office = User.objects.get(username="bench-office")
    province = Organization.objects.get(code="P01")
    results: dict[str, dict] = {}

    def report(org):
        return build_report(root, year=YEAR, org=org, today=date(2020, 3, 25))

    data_country = report(None)
    data_province = report(province)
    results["report_country"], results["sql_country"] = paired(
        lambda: report(None), lambda: hand_written(None), runs
    )
    results["report_province"], results["sql_province"] = paired(
        lambda: report(province), lambda: hand_written(province), runs
    )
    with CaptureQueriesContext(connection) as queries:
        report(province)
    results["report_province"]["queries"] = len(queries)

    client = Client()
    sign_in(client, office)
    url = f"/cong-tac-co-so/tong-hop/?org={province.pk}&year={YEAR}"
    assert client.get(url).status_code == 200

    def page():
        response = client.get(url)
        assert response.status_code == 200

    results["dashboard_province"] = timed(page, runs)
    with CaptureQueriesContext(connection) as queries:
        page()
    results["dashboard_province"]["queries"] = len(queries)
    reset_queries()

    def docx():
        render_docx(report_document(report(province), province, day=date(2020, 3, 25)))

    def pdf():
        render_pdf(report_document(report(province), province, day=date(2020, 3, 25)))

    results["docx_province"] = timed(docx, max(5, runs // 3))
    results["pdf_province"] = timed(pdf, max(5, runs // 3))
    document = report_document(data_province, province, day=date(2020, 3, 25))
    results["docx_render_only"] = timed(lambda: render_docx(document), max(5, runs // 3))
    results["pdf_render_only"] = timed(lambda: render_pdf(document), max(5, runs // 3))
    for name in ("country", "province"):
        results[f"ratio_{name}"] = round(
            results[f"report_{name}"]["median_ms"] / results[f"sql_{name}"]["median_ms"], 2
        )
    results["figures"] = {
        "country": {i["level"]: i["attendances"] for i in data_country["levels"]},
        "country_concerns": data_country["concerns"]["raised"],
        "province": {i["level"]: i["attendances"] for i in data_province["levels"]},
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="recreate the database first")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.generate:
        ensure_database(DB_NAME, fresh=True)
    setup_django()
    out: dict = {"when": datetime.now().isoformat(timespec="seconds")}
    if args.generate:
        out["generated"] = generate()
        print(json.dumps(out["generated"], indent=2))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        out["postgres"] = cursor.fetchone()[0].split(" on ")[0]
    out["load_before"] = [round(x, 2) for x in os.getloadavg()]
    out["results"] = measure(args.runs)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out["limits_ms"] = LIMITS_MS
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "grassroots.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out["results"], indent=2, ensure_ascii=False))
    print("load average before/after:", out["load_before"], out["load_after"])


if __name__ == "__main__":
    main()
