"""The review statistics (báo cáo xếp loại): figures counted from review rows, the excellent-to-
good ratio and percentages, scope, the year before, and every format read back."""

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat
from capuy.core.testing import member_in, sign_in
from capuy.organizations.choices import OrgKind
from capuy.reports.documents import render_docx, render_pdf
from capuy.reports.xep_loai import build_report
from capuy.reports.xep_loai_output import report_document, report_xlsx
from capuy.reviews.models import Review
from capuy.reviews.testing import ensure_shipped, open_cycle, review_of


def decide(review: Review, level: str, *, linked: bool = True) -> None:
    Review.objects.filter(pk=review.pk).update(
        status="decided", decided_level=level, manifestations_linked=linked
    )


def exempt(review: Review, reason: str) -> None:
    Review.objects.filter(pk=review.pk).update(status="exempt", exemption=reason)


@pytest.fixture
def cycles(world):
    """Two yearly cycles over the province with known levels.

    2019 — members of H01's grassroots (cell Đông: Hùng, Lan, Tuấn; cell Tây: An, plus five
    more) and of H02's chi bộ cơ sở (Hưng): HTXSNV 2, HTTNV 5, HTNV 1; one pending, one
    exempt (miễn sinh hoạt), one newly admitted (reviewed, not classified).
    2020 — every member HTTNV except Hùng (HTXSNV).
    """
    ensure_shipped()
    extra = [member_in(world.other_cell, "Vũ", "Văn", f"Thêm{i}") for i in range(5)]
    dubi = member_in(
        world.other_cell,
        "Đào",
        "Thị",
        "Dự",
        status="du_bi",
        admitted_on=date(2019, 3, 1),
        official_on=None,
    )
    btv = Committee.objects.create(term=world.term, kind=CommitteeKind.BTV)
    Seat.objects.create(
        committee=btv,
        member=world.members["hung"],
        role=SeatRole.BI_THU,
        start_on=date(2015, 10, 15),
    )
    m = world.members
    first = open_cycle(world, year=2019)
    levels = {
        m["hung"]: "HTXSNV",
        m["lan"]: "HTXSNV",
        m["tuan"]: "HTTNV",
        m["an"]: "HTTNV",
        extra[0]: "HTTNV",
        extra[1]: "HTTNV",
        extra[2]: "HTTNV",
        extra[3]: "HTNV",
    }
    for member, level in levels.items():
        decide(review_of(first, member), level, linked=member != extra[3])
    exempt(review_of(first, m["hung_outside"]), "mien_sinh_hoat")
    # extra[4] stays pending; the newly admitted member is reviewed, not classified
    Review.objects.filter(cycle=first, member=dubi, subject_kind="member").update(
        status="self_reviewed", classify=False, exemption="moi_ket_nap"
    )
    decide(review_of(first, world.grassroots), "HTXSNV")
    decide(review_of(first, world.outside_cell), "HTTNV")
    decide(review_of(first, world.cell), "HTTNV")
    decide(review_of(first, world.other_cell), "HTNV")
    decide(review_of(first, world.district), "HTTNV")
    Review.objects.filter(cycle=first, subject_kind__in=["collective", "leader"]).update(
        status="decided", decided_level="HTTNV", manifestations_linked=True
    )

    second = open_cycle(world, year=2020)
    for review in Review.objects.filter(cycle=second):
        level = (
            "HTXSNV"
            if review.member_id == m["hung"].pk and review.subject_kind == "member"
            else "HTTNV"
        )
        decide(review, level)
    return first, second, extra, dubi


def report(world, user="office", **kwargs):
    kwargs.setdefault("org", world.province)
    kwargs.setdefault("year", 2019)
    return build_report(world.users[user], today=date(2020, 3, 25), **kwargs)


def table(data, key):
    return next(t for t in data["tables"] if t["key"] == key)


def row(data, table_key, row_key):
    return next(r for r in table(data, table_key)["rows"] if r["key"] == row_key)


def test_members_are_counted_by_level_from_rows(world, cycles):
    data = report(world)
    total = row(data, "dang_vien", "total")
    assert total["total"] == 11
    assert total["required"] == 10  # less the exempt one
    assert total["reviewed"] == 9  # 8 decided, 1 reviewed and not classified
    assert total["not_reviewed"] == 2
    assert total["not_reviewed_reasons"]["pending"] == 1
    assert total["not_reviewed_reasons"]["mien_sinh_hoat"] == 1
    assert total["classified"] == 8
    assert total["not_classified"] == 3
    assert total["not_classified_reasons"]["moi_ket_nap"] == 1
    assert total["not_classified_reasons"]["undecided"] == 0
    counts = {code: level["count"] for code, level in total["levels"].items()}
    assert counts == {"HTXSNV": 2, "HTTNV": 5, "HTNV": 1, "KHTNV": 0}
    assert total["levels"]["HTXSNV"]["pct"] == 25.0
    assert total["levels"]["HTTNV"]["pct"] == 62.5
    assert total["levels"]["HTNV"]["pct"] == 12.5
    assert total["excellent_to_good_pct"] == 40.0  # 2 HTXSNV / 5 HTTNV
    assert total["good_or_above_pct"] == 87.5
    du_bi = row(data, "dang_vien", "du_bi")
    assert (du_bi["total"], du_bi["classified"]) == (1, 0)
    json.dumps(data)


def test_grassroots_subordinate_and_upper_organizations_are_separate_tables(world, cycles):
    data = report(world)
    grassroots = row(data, "to_chuc_co_so_dang", "total")
    assert (grassroots["total"], grassroots["classified"]) == (2, 2)
    assert grassroots["levels"]["HTXSNV"] == {"count": 1, "pct": 50.0}
    assert grassroots["excellent_to_good_pct"] == 100.0
    assert row(data, "to_chuc_co_so_dang", "dang_bo_co_so")["levels"]["HTXSNV"]["count"] == 1
    assert row(data, "to_chuc_co_so_dang", "chi_bo_co_so")["levels"]["HTTNV"]["count"] == 1
    assert row(data, "to_chuc_co_so_dang", "type_xa_phuong")["total"] == 1
    assert row(data, "to_chuc_co_so_dang", "type_su_nghiep")["total"] == 1
    cells = row(data, "chi_bo_truc_thuoc", "total")
    assert {c: v["count"] for c, v in cells["levels"].items()} == {
        "HTXSNV": 0,
        "HTTNV": 1,
        "HTNV": 1,
        "KHTNV": 0,
    }
    assert cells["excellent_to_good_pct"] == 0.0
    upper = row(data, "dang_bo_cap_tren", "total")
    assert (upper["total"], upper["classified"], upper["not_reviewed_reasons"]["pending"]) == (
        2,
        1,
        1,
    )


def test_leader_collectives_and_individual_leaders(world, cycles):
    data = report(world)
    collectives = row(data, "tap_the_lanh_dao", "total")
    assert (collectives["total"], collectives["levels"]["HTTNV"]["count"]) == (1, 1)
    assert row(data, "tap_the_lanh_dao", OrgKind.DANG_BO_TINH)["total"] == 1
    leaders = table(data, "ca_nhan_lanh_dao")
    keys = [r["key"] for r in leaders["rows"]]
    assert keys == ["total", "level_dang_bo_tinh", "role_bi_thu", "role_uy_vien_bch"]
    assert leaders["rows"][0]["total"] == 2
    assert leaders["rows"][0]["excellent_to_good_pct"] == 0.0


def test_the_coverage_lines(world, cycles):
    coverage = report(world)["coverage"]
    assert coverage["total"] == 20  # 6 organizations, 11 members, 1 collective, 2 leaders
    assert coverage["exempt"] == 1
    assert (coverage["required"], coverage["reviewed"], coverage["not_reviewed"]) == (19, 17, 2)
    assert coverage["all_reviewed"] is False
    assert coverage["individuals"] == {
        "required": 12,
        "reviewed": 11,
        "linked_manifestations": 9,
    }
    assert coverage["linked_manifestations_pct"] == 81.82
    assert coverage["collectives"] == {"required": 7, "reviewed": 6}


def test_the_year_before_is_beside_each_row(world, cycles):
    data = report(world, year=2020)
    assert data["previous_year"] == 2019
    total = row(data, "dang_vien", "total")
    assert total["levels"]["HTXSNV"]["count"] == 1
    assert total["classified"] == 11
    assert total["previous"]["classified"] == 8
    assert total["previous"]["levels"]["HTXSNV"]["pct"] == 25.0
    assert total["previous"]["excellent_to_good_pct"] == 40.0
    assert data["coverage"]["all_reviewed"] is True
    assert data["coverage"]["previous"]["not_reviewed"] == 2
    assert report(world)["coverage"]["previous"] is None  # no 2018 cycle


def test_members_by_unit(world, cycles):
    data = report(world)
    units = {r["key"]: r for r in table(data, "dang_vien_theo_don_vi")["rows"]}
    assert units["total"]["total"] == 11
    assert units[world.district.path]["total"] == 10
    assert units[world.other_district.path]["total"] == 1
    assert units[world.other_district.path]["not_reviewed_reasons"]["mien_sinh_hoat"] == 1
    assert world.province.path not in units  # nothing sits on the province itself
    grassroots = {r["key"]: r for r in table(data, "to_chuc_co_so_dang_theo_don_vi")["rows"]}
    assert grassroots[world.district.path]["levels"]["HTXSNV"]["count"] == 1


def test_a_district_user_sees_only_her_subtree(world, cycles, client):
    staff = build_report(world.users["staff"], year=2019, org=world.district)
    assert row(staff, "dang_vien", "total")["total"] == 10
    assert row(staff, "to_chuc_co_so_dang", "total")["total"] == 1
    assert not any(
        t["key"] == "tap_the_lanh_dao" and t["rows"][0]["total"] for t in staff["tables"]
    )
    assert staff["coverage"]["total"] == 14  # H01, X01, two cells; ten members
    sign_in(client, world.users["staff"])
    page = client.get("/bao-cao/xep-loai/", {"year": 2019})
    assert page.status_code == 200
    assert page.context["data"]["organization"]["code"] == "H01"
    assert "Chi bộ Trường Tiểu học Bình Yên" not in page.content.decode()
    assert client.get("/bao-cao/xep-loai/", {"org": world.province.pk}).status_code == 404
    assert (
        client.get("/bao-cao/xep-loai/tai-ve/json/", {"org": world.other_district.pk}).status_code
        == 404
    )
    assert client.get("/api/v1/reports/xep-loai", {"year": 2019, "org": "H02"}).status_code == 404
    api = client.get("/api/v1/reports/xep-loai", {"year": 2019}).json()
    assert api["organization"]["code"] == "H01"
    assert api["coverage"]["total"] == 14


def test_the_cycles_of_a_year_are_not_added_up_twice(world, cycles):
    district_cycle = open_cycle(world, year=2019, org=world.district)
    assert Review.objects.filter(cycle=district_cycle).exists()
    data = report(world)
    assert [c["id"] for c in data["cycles"]] == [cycles[0].pk]
    assert row(data, "dang_vien", "total")["total"] == 11
    own = report(world, org=world.district)
    assert [c["id"] for c in own["cycles"]] == [district_cycle.pk]


def test_the_page_shows_the_tables_with_vietnamese_numbers(world, cycles, as_user):
    client = as_user("office")
    response = client.get("/bao-cao/xep-loai/", {"year": 2020, "org": world.province.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="table-dang_vien"' in html
    assert "25,00%" in html  # 2019 HTXSNV share, under the 2020 one
    assert "9,09%" in html  # 1 of 11 in 2020
    assert 'data-testid="download-xlsx"' in html


def test_every_format_says_the_same(world, cycles):
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    data = report(world, year=2020)
    book = load_workbook(BytesIO(report_xlsx(data)))
    assert book.sheetnames[0] == "Kiểm điểm"
    sheet = book["Đảng viên"]
    header = [cell.value for cell in sheet[4]]
    total = [cell.value for cell in sheet[5]]
    assert total[header.index("Tổng số")] == 11
    assert total[header.index("HTXSNV SL")] == 1
    assert total[header.index("2019: HTXSNV %")] == 25.0

    document = report_document(data, world.province, day=date(2021, 3, 25))
    text = document.plain_text()
    assert "kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2020" in text
    assert "9,09%" in text and "So với năm 2019" in text
    docx = Document(BytesIO(render_docx(document)))
    cells = " ".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "Đảng viên chính thức" in cells and "9,09%" in cells
    pdf = PdfReader(BytesIO(render_pdf(document)))
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    assert "BÁO CÁO" in pdf_text and "9,09%" in pdf_text


def test_the_downloads(world, cycles, as_user):
    client = as_user("office")
    query = {"year": 2019, "org": world.province.pk}
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(f"/bao-cao/xep-loai/tai-ve/{fmt}/", query)
        assert response.status_code == 200
        assert response.content.startswith(magic)
        assert "bao-cao-xep-loai-T01-2019" in response["Content-Disposition"]
    data = client.get("/bao-cao/xep-loai/tai-ve/json/", query).json()
    assert row(data, "dang_vien", "total")["classified"] == 8
    assert client.get("/bao-cao/xep-loai/tai-ve/exe/", query).status_code == 404


def test_the_command_prints_the_json(world, cycles):
    out = StringIO()
    call_command("report", "xep-loai", "--year", "2019", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == 2019
    assert set(data["coverage"]) >= {
        "required",
        "reviewed",
        "not_reviewed",
        "linked_manifestations_pct",
    }
    assert (data["coverage"]["required"], data["coverage"]["reviewed"]) == (19, 17)
    assert isinstance(data["tables"], list) and data["tables"]
    by_org = StringIO()
    call_command("report", "xep-loai", "--year", "2019", "--org", "H01", stdout=by_org)
    assert json.loads(by_org.getvalue())["coverage"]["total"] == 14


def test_the_api_answers_with_the_same_figures(world, cycles, client):
    sign_in(client, world.users["office"])
    response = client.get("/api/v1/reports/xep-loai", {"year": 2019, "org": "T01"})
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2019
    assert data["coverage"]["linked_manifestations_pct"] == 81.82
    assert row(data, "dang_vien", "total")["levels"]["HTXSNV"]["count"] == 2
    assert client.get("/api/v1/reports/xep-loai", {"year": "x"}).status_code == 400
    sign_in(client, world.users["outsider"])
    assert client.get("/api/v1/reports/xep-loai", {"year": 2019, "org": "T01"}).status_code == 404


def test_a_year_without_cycles_is_empty_not_an_error(world, as_user):
    data = report(world, year=2031)
    assert data["cycles"] == [] and data["coverage"]["total"] == 0
    assert data["coverage"]["linked_manifestations_pct"] is None
    assert as_user("office").get("/bao-cao/xep-loai/", {"year": 2031}).status_code == 200


def test_the_cycle_page_links_to_the_report(world, cycles, as_user):
    response = as_user("staff").get(f"/danh-gia/{cycles[0].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/bao-cao/xep-loai/?year=2019&amp;org={world.district.pk}" in html


def test_the_tally_and_the_rows_give_the_same_figures(world, cycles):
    """The report read from the review tally (PostgreSQL: kept by its triggers through the
    fixture's bulk updates; SQLite: rebuilt from the rows here) equals counting the rows."""
    from django.db import connection

    from capuy.reports.xep_loai import LIVE, TALLY
    from capuy.reviews.tally import recount_review_tally

    if connection.vendor != "postgresql":
        recount_review_tally()
    for user, kwargs in (
        ("office", {"year": 2019}),
        ("office", {"year": 2020}),
        ("office", {"year": 2019, "org": None}),
        ("office", {"year": 2020, "org": world.district}),
        ("staff", {"year": 2019, "org": world.district}),
        ("admin", {"year": 2020, "org": None}),
    ):
        from_tally = report(world, user, source=TALLY, **kwargs)
        assert from_tally == report(world, user, source=LIVE, **kwargs), (user, kwargs)
        assert from_tally["coverage"]["total"]


def test_a_unit_dissolved_before_the_period_is_still_a_row_of_the_tables_by_unit(world, cycles):
    """Its reviews keep the path they had when the cycle opened: counted under it, and the unit
    named, whether the groups come from the tally or from the rows."""
    from django.db import connection

    from capuy.organizations.models import Organization
    from capuy.reports.xep_loai import LIVE, TALLY
    from capuy.reviews.tally import recount_review_tally

    Organization.objects.filter(pk=world.other_district.pk).update(
        established_on=date(1997, 1, 1), dissolved_on=date(2018, 12, 31)
    )
    if connection.vendor != "postgresql":
        recount_review_tally()
    for source in (TALLY, LIVE):
        data = report(world, source=source)
        units = {r["key"]: r for r in table(data, "dang_vien_theo_don_vi")["rows"]}
        assert units[world.other_district.path]["label"] == world.other_district.name
        assert units[world.other_district.path]["total"] == 1
        assert units["total"]["total"] == row(data, "dang_vien", "total")["total"] == 11


def test_each_scope_reads_its_own_cycles_and_units(world, cycles):
    """The statement that reads the cycles and the units is compiled once per scope, node and
    period (``reads_sql``): users of different scopes asking for the same node never share it,
    and a grant changed is a new scope."""
    from capuy.accounts.models import RoleGrant
    from capuy.core.scoping import forget_scope

    def members_by_unit(user):
        data = build_report(world.users[user], year=2019, today=date(2020, 3, 25))
        units = table(data, "dang_vien_theo_don_vi")["rows"]
        return {r["key"]: r["total"] for r in units}, [c["id"] for c in data["cycles"]]

    assert members_by_unit("office") == ({"total": 11, world.province.path: 11}, [cycles[0].pk])
    assert members_by_unit("staff") == ({"total": 10, world.district.path: 10}, [cycles[0].pk])
    assert members_by_unit("outsider") == (
        {"total": 1, world.other_district.path: 1},
        [cycles[0].pk],
    )
    assert members_by_unit("root") == ({"total": 11, world.province.path: 11}, [cycles[0].pk])
    staff = world.users["staff"]
    RoleGrant.objects.filter(user=staff).update(organization=world.other_district)
    forget_scope(staff)
    assert members_by_unit("staff") == ({"total": 1, world.other_district.path: 1}, [cycles[0].pk])
    RoleGrant.objects.filter(user=staff).delete()
    forget_scope(staff)
    data = build_report(staff, year=2019, today=date(2020, 3, 25))
    assert data["cycles"] == [] and data["coverage"]["total"] == 0


def test_the_rules_named_follow_their_rule_set_and_its_base(world):
    """The rule set's name and quota are memoised by the values of its row and its base's:
    any change to either shows in the next report, whatever wrote it."""
    from capuy.reviews import services
    from capuy.reviews.models import RuleSet
    from capuy.reviews.testing import rule_set

    ensure_shipped()
    base = rule_set()
    overlay = services.rule_set_create_overlay(
        acting_user=world.users["office"],
        base=base,
        organization=world.province,
        code="rieng-t01",
        name="Quy định riêng tỉnh Thử Nghiệm",
        quota_percent=15,
    )
    cycle = services.cycle_open(
        acting_user=world.users["office"], rule_set=overlay, organization=world.province, year=2019
    )

    def named():
        data = report(world)
        return data["cycles"][0]["rule_set"], data["rules"]

    name, rules = named()
    assert [c["id"] for c in report(world)["cycles"]] == [cycle.pk]
    assert name.startswith("Quy định riêng tỉnh Thử Nghiệm (")
    assert rules["name"] == "Quy định riêng tỉnh Thử Nghiệm"
    assert rules["quota_percent"] == 15.0
    assert rules["quota_denominator"] == base.quota_denominator
    other = "httnv" if base.quota_denominator != "httnv" else "httnv_or_above"
    RuleSet.objects.filter(pk=base.pk).update(quota_denominator=other)  # the base, no save()
    assert named()[1]["quota_denominator"] == other
    RuleSet.objects.filter(pk=overlay.pk).update(config={"quota": {"percent": "12.5"}})
    assert named()[1]["quota_percent"] == 12.5
    RuleSet.objects.filter(pk=overlay.pk).update(name="Tên mới", config={})
    name, rules = named()
    assert name.startswith("Tên mới (") and rules["name"] == "Tên mới"
    assert rules["quota_percent"] == 15.0
    named()[1]["quota_percent"] = 0  # the report's dict is the caller's, not the memo's
    assert named()[1]["quota_percent"] == 15.0


def test_the_report_reads_with_two_statements(world, cycles):
    """The cycles, their rule sets and the units in one statement, the groups in another (the
    tally on PostgreSQL, the rows on SQLite): no transaction or settings of its own around
    the tally's few thousand groups."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report(world)  # the user's grants read and cached on her
    with CaptureQueriesContext(connection) as queries:
        report(world, year=2020)
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements


def test_the_reports_reads_are_prepared_once_per_connection_on_postgresql(world, cycles, settings):
    """Planning them anew each time was a fifth of a province report's time; a pooler that
    keeps no prepared statements gets them unprepared (``CAPUY_PREPARED_READS``)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    settings.CAPUY_PREPARED_READS = False
    before = prepared()
    unprepared = report(world, year=2020)
    assert prepared() == before

    settings.CAPUY_PREPARED_READS = True
    first = report(world, year=2020)
    statements = prepared() - before
    assert len(statements) == 2  # the cycles, rule sets and units; the tally's groups
    assert report(world, year=2020) == first == unprepared
    assert prepared() - before == statements  # the second report reused them
    assert connection.connection.prepare_threshold is None  # Django's setting, as it was


def test_a_prepared_read_takes_any_values_psycopg_writes_in(db):
    from django.db import connection

    from capuy.reports.tuning import prepared_rows

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements (SQLite binds no lists)")
    rows = prepared_rows("SELECT %s, %s", [[1, 2], "ký tự"])  # a list is not hashable

    assert [tuple(row) for row in rows] == [([1, 2], "ký tự")]
    assert connection.connection.prepare_threshold is None


def test_counting_the_rows_runs_with_the_analytic_settings(world, cycles):
    """The large aggregate (the rows, where no tally is kept) gets its memory and no JIT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from capuy.reports.xep_loai import LIVE

    with CaptureQueriesContext(connection) as queries:
        report(world, year=2020, source=LIVE)
    settings = [q["sql"] for q in queries if q["sql"].startswith("SET LOCAL")]
    if connection.vendor == "postgresql":
        assert settings == ["SET LOCAL work_mem = '64MB'; SET LOCAL jit = off"]
    else:
        assert settings == []
