"""The review tally: kept exact by the database's triggers through every write path (opening,
the services, bulk updates, deletes), rebuilt from the rows on demand, and read by the report
with the same figures as counting the rows."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from capuy.reports.xep_loai import LIVE, TALLY, build_report, tally_plan
from capuy.reviews import services, tally
from capuy.reviews.choices import Exemption
from capuy.reviews.models import Review, ReviewTally
from capuy.reviews.testing import manifestation, open_cycle, review_of

triggers = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the tally is kept by PostgreSQL triggers; on SQLite the report counts rows live",
)


def live_groups() -> dict[tuple, int]:
    """The tally as it should be, counted in Python from the rows and the key SQL."""
    keys = ", ".join(f"{tally.key_sql(k)} AS {k}" for k in tally.TALLIED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cycle_id, org_path, subject_kind, {keys} FROM reviews_review")
        rows = cursor.fetchall()
    booleans = [1 + list(tally.TALLIED).index(k) for k in tally.BOOLEAN_KEYS]
    expected: dict[tuple, int] = {}
    for cycle_id, path, *group in rows:
        for i in booleans:
            group[i] = bool(group[i])
        for depth in range(1, tally.DEPTH + 1):
            if len(path) < depth * tally.STEP:
                break
            prefix = path[: depth * tally.STEP]
            key = (cycle_id, depth, prefix, path == prefix, *group)
            expected[key] = expected.get(key, 0) + 1
    return expected


def tally_groups() -> dict[tuple, int]:
    fields = ["cycle_id", "depth", "prefix", "own", *tally.GROUP]
    return {
        tuple(row[:-1]): row[-1]
        for row in ReviewTally.objects.values_list(*fields, "n")
        if row[-1]  # the triggers leave no zero; a rebuild neither
    }


def assert_exact() -> None:
    assert ReviewTally.objects.filter(n__lte=0).count() == 0
    assert tally_groups() == live_groups()


@pytest.fixture
def cycle(world):
    return open_cycle(world)


@triggers
def test_the_triggers_are_installed(db):
    assert tally.triggers_installed()


@triggers
def test_opening_a_cycle_fills_the_tally(world, cycle):
    assert ReviewTally.objects.filter(cycle=cycle).exists()
    province = ReviewTally.objects.filter(cycle=cycle, prefix=world.province.path)
    total = sum(province.values_list("n", flat=True))
    assert total == Review.objects.filter(cycle=cycle).count()
    assert_exact()


@triggers
def test_every_step_of_a_review_keeps_the_tally_exact(world, cycle):
    office = world.users["office"]
    review = review_of(cycle, world.members["hung"])
    services.review_self_assess(
        acting_user=office, review=review, level="HTTNV", manifestations=[manifestation("A1")]
    )
    assert_exact()
    services.review_propose(acting_user=office, review=review, level="HTTNV")
    assert_exact()
    services.review_decide(acting_user=office, review=review, level="HTTNV")
    assert_exact()
    assert ReviewTally.objects.filter(outcome="HTTNV", linked=True, depth=1).get().n == 1
    services.review_reopen(acting_user=office, review=review, reason="Xem lại")
    assert_exact()
    assert not ReviewTally.objects.filter(outcome="HTTNV").exists()  # zero groups removed
    services.review_set_exemption(
        acting_user=office,
        review=review_of(cycle, world.members["lan"]),
        exemption=Exemption.MIEN_SINH_HOAT,
    )
    assert_exact()
    assert ReviewTally.objects.filter(outcome="x", reason="mien_sinh_hoat", depth=1).get().n == 1


@triggers
def test_bulk_updates_deletes_and_a_second_cycle(world, cycle):
    Review.objects.filter(cycle=cycle, subject_kind="member").update(
        status="decided", decided_level="HTNV", manifestations_linked=True
    )
    assert_exact()
    Review.objects.filter(cycle=cycle, subject_kind="member").update(self_text="x")  # no key
    assert_exact()
    Review.objects.filter(cycle=cycle, member=world.members["an"]).update(
        org_path=world.other_cell.path  # moved under another branch
    )
    assert_exact()
    second = open_cycle(world, year=2020)
    assert_exact()
    Review.objects.filter(cycle=cycle, subject_kind="member").delete()
    assert_exact()
    second.delete()  # reviews cascade, then the cycle
    assert not ReviewTally.objects.filter(cycle_id=second.pk).exists()
    assert_exact()


def test_the_rebuild_recounts_from_the_rows(world, cycle):
    Review.objects.filter(cycle=cycle, subject_kind="organization").update(
        status="decided", decided_level="HTTNV"
    )
    ReviewTally.objects.all().delete()
    ReviewTally.objects.create(
        cycle=cycle, depth=1, prefix="ZZZZ", own=True, subject_kind="member", category="",
        sub="", outcome="p", reason="", linked=False, n=5,
    )  # fmt: skip
    assert tally.recount_review_tally(cycle) > 0
    assert_exact()
    call_command("recount_review_tally", verbosity=0)
    assert_exact()


def figures_by_both_paths(user, **kwargs):
    if connection.vendor != "postgresql":
        tally.recount_review_tally()  # no triggers: fill it from the rows
    from_tally = build_report(user, today=date(2020, 3, 25), source=TALLY, **kwargs)
    live = build_report(user, today=date(2020, 3, 25), source=LIVE, **kwargs)
    return from_tally, live


def test_the_report_reads_the_same_figures_from_the_tally_as_from_the_rows(world, cycle):
    office = world.users["office"]
    for review in Review.objects.filter(cycle=cycle).order_by("pk")[::2]:
        Review.objects.filter(pk=review.pk).update(
            status="decided", decided_level="HTXSNV", manifestations_linked=True
        )
    Review.objects.filter(cycle=cycle, member=world.members["lan"]).update(
        status="exempt", exemption="dinh_chi"
    )
    open_cycle(world, year=2020)
    cases = [
        (office, {"year": 2019, "org": world.province}),
        (office, {"year": 2020, "org": world.province}),
        (office, {"year": 2020, "org": world.district}),
        (office, {"year": 2020}),
        (world.users["staff"], {"year": 2019}),
        (world.users["staff"], {"year": 2019, "org": world.district}),
        (world.users["staff"], {"year": 2019, "org": world.province}),  # above her grant
        (world.users["admin"], {"year": 2019}),
    ]
    for user, kwargs in cases:
        assert tally_plan(user, kwargs.get("org")) is not None
        from_tally, live = figures_by_both_paths(user, **kwargs)
        assert from_tally["coverage"]["total"] > 0
        assert from_tally == live, (user, kwargs)
    # a grassroots organization, or a grant on a cell, is deeper than the tally: counted live
    # whatever the source
    assert tally_plan(office, world.grassroots) is None
    from_tally, live = figures_by_both_paths(office, year=2019, org=world.grassroots)
    assert from_tally == live
    secretary = world.users["secretary"]
    assert tally_plan(secretary, None) is None
    from_tally, live = figures_by_both_paths(secretary, year=2019)
    assert from_tally == live and from_tally["coverage"]["total"] > 0


def test_the_cycle_coverage_reads_the_same_counts_from_the_tally_as_from_the_rows(
    world, cycle, monkeypatch
):
    """Exempt, not reviewed, reviewed, decided — and reviewed without a level, decided or not
    (the tally's outcome alone does not tell those apart) — per branch and per deciding level,
    for users granted above, at and below the node."""
    from capuy.reviews import selectors

    reviews = list(Review.objects.filter(cycle=cycle).order_by("pk"))
    for n, review in enumerate(reviews):
        change = [
            {"status": "self_reviewed"},
            {"status": "decided", "decided_level": "HTTNV"},
            {"status": "decided", "classify": False},
            {"status": "proposed", "classify": False},
            {"status": "exempt", "exemption": "dinh_chi"},
            {},
        ][n % 6]
        Review.objects.filter(pk=review.pk).update(**change)
    if connection.vendor != "postgresql":
        tally.recount_review_tally()  # no triggers: fill it from the rows
    staff = world.users["staff"]  # granted on the district
    cases = [
        (world.users["office"], world.province),
        (world.users["office"], world.district),
        (staff, world.district),
        (staff, world.province),  # above her grant: her branch alone
        (world.users["admin"], world.province),
    ]

    def coverage(plan) -> dict:
        monkeypatch.setattr(selectors, "_tally_plan", plan)
        found = {None: [vars(row) for row in selectors.coverage_by_level(cycle)]}
        for user, root in cases:
            assert tally.tally_plan(user, root) is not None
            found[(user.username, root.path)] = (
                [vars(row) for row in selectors.cycle_coverage(user, cycle, root)],
                [vars(row) for row in selectors.coverage_by_level(cycle, user)],
            )
        return found

    from_tally = coverage(tally.tally_plan)  # on SQLite too, from the rebuilt tally
    from_rows = coverage(lambda user, org: None)
    rows = from_tally[("office", world.province.path)][0]
    assert sum(row["total"] for row in rows) == len(reviews)
    assert sum(row["decided"] for row in rows) > 0 and sum(row["exempt"] for row in rows) > 0
    assert from_tally == from_rows
