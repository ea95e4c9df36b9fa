"""Where a new cycle's reviews are written (PostgreSQL): on pages of their own, not one per
page across the earlier cycles' pages that keep a little more than the half free that
fillfactor 50 asks. Scattered, each later import or page step would dirty a page per review."""

import pytest
from django.db import connection

from capuy.reviews import opening
from capuy.reviews.models import Review
from capuy.reviews.testing import big_grassroots, open_cycle

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's heap pages"),
]


def pages(cycle) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT (ctid::text::point)[0]::bigint FROM {Review._meta.db_table} "
            "WHERE cycle_id = %s",
            [cycle.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def fillfactor() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = %s::regclass",
            [Review._meta.db_table],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def earlier_cycle(world, monkeypatch):
    """A cycle whose pages each keep 55 % free: more than the half the table asks of an
    insert, less than what an opening asks."""
    big_grassroots(world, members=400)
    monkeypatch.setattr(opening, "OPENING_FILLFACTOR", 45)
    cycle = open_cycle(world, year=2019)
    monkeypatch.undo()
    return cycle


def test_a_new_cycle_fills_pages_of_its_own(world, earlier_cycle):
    new = open_cycle(world, year=2023, code="qd124-hd25")

    assert len(pages(earlier_cycle)) > 10
    assert len(pages(new) & pages(earlier_cycle)) <= 1  # at most the page the last one ended on


def test_the_openings_inserts_ask_sixty_percent_of_a_page_free(world):
    # what keeps the earlier cycles' half-free pages out of reach, whatever else the
    # free-space map offers (the layout test above cannot tell, where other rows left
    # emptier pages)
    big_grassroots(world, members=10)
    seen = []
    with opening.reporting(lambda step, counts: seen.append((step, fillfactor()))):
        open_cycle(world, year=2019)

    # read before any row is written; then each kind of subject inserted at 40
    assert seen == [
        ("organizations_read", "fillfactor=50"),
        ("organization", "fillfactor=40"),
        ("member", "fillfactor=40"),
        ("collective", "fillfactor=40"),
        ("leader", "fillfactor=40"),
    ]


def test_the_table_keeps_its_setting_after_an_opening(world):
    open_cycle(world, year=2019)

    assert fillfactor() == "fillfactor=50"
