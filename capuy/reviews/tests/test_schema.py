"""The review table's shape that keeps a review step cheap at national scale (see the comment on
``Review``): no index holds what a step changes, and on PostgreSQL half of each page is left
for the rows' next versions, so that a step is a HOT update on the row's own page."""

import pytest
from django.db import connection
from django.db.models import Q

from capuy.reviews.models import Review

# What self-review, proposal, decision, reopening and exemption write (services, imports).
STEP_COLUMNS = {
    "status",
    "exemption",
    "exemption_note",
    "classify",
    "ratings",
    "score_general",
    "score_tasks",
    "conditions",
    "self_text",
    "manifestations_text",
    "manifestations_linked",
    "manifestation_ids",
    "self_level",
    "proposed_level",
    "decided_level",
    "derived_level",
    "locked",
}


def _condition_fields(condition) -> set[str]:
    if condition is None:
        return set()
    fields = set()
    for child in condition.children:
        if isinstance(child, Q):
            fields |= _condition_fields(child)
        else:
            fields.add(child[0].split("__")[0])
    return fields


def test_no_index_of_the_reviews_holds_a_column_a_review_step_changes():
    indexed = set()
    for index in Review._meta.indexes:
        indexed |= set(index.fields) | _condition_fields(index.condition)
    for constraint in Review._meta.constraints:
        if hasattr(constraint, "fields") and constraint.fields:  # unique: backed by an index
            indexed |= set(constraint.fields) | _condition_fields(constraint.condition)
    assert {f.name for f in Review._meta.concrete_fields} >= STEP_COLUMNS
    assert not indexed & STEP_COLUMNS


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage parameter")
def test_the_review_table_leaves_half_of_each_page_for_the_next_versions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [Review._meta.db_table]
        )
        assert "fillfactor=50" in cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index definitions")
def test_every_index_of_the_reviews_in_the_database_avoids_the_step_columns():
    # what the database holds, migrations included, not only what the model declares
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND (a.attnum = ANY(i.indkey) OR pg_get_expr(i.indpred, i.indrelid) LIKE "
            "'%%' || a.attname || '%%') WHERE i.indrelid = %s::regclass AND a.attnum > 0",
            [Review._meta.db_table],
        )
        columns = {row[0] for row in cursor.fetchall()}
    assert columns and not columns & STEP_COLUMNS


@pytest.mark.django_db
def test_the_review_history_is_indexed_by_review_alone():
    """Its rows are read per review; an import of 100.000 rows writes 100.000 of them."""
    table = Review.history.model._meta.db_table
    with connection.cursor() as cursor:
        indexed = {
            tuple(info["columns"])
            for info in connection.introspection.get_constraints(cursor, table).values()
            if info["index"] or info["primary_key"] or info["unique"]
        }
    assert indexed == {("history_id",), ("id",)}


@pytest.mark.django_db
def test_a_deleted_user_s_review_history_keeps_the_user_and_shows_the_user_as_gone(world):
    from django.contrib.auth import get_user_model

    from capuy.core.history import history_rows
    from capuy.reviews import services
    from capuy.reviews.testing import manifestation, open_cycle, review_of

    cycle = open_cycle(world)
    review = review_of(cycle, world.members["hung"])
    clerk = get_user_model().objects.create(username="tam-thoi")
    services.review_self_assess(
        acting_user=world.users["office"],
        review=review,
        level="HTTNV",
        manifestations=[manifestation("A1")],
    )
    Review.history.filter(id=review.pk).update(history_user=clerk)
    clerk_id = clerk.pk
    clerk.delete()
    assert set(Review.history.filter(id=review.pk).values_list("history_user_id", flat=True)) == {
        clerk_id
    }
    assert {row.who for row in history_rows(review)} == {f"người dùng #{clerk_id} (đã xóa)"}


@pytest.mark.django_db(transaction=True)
def test_migrating_moves_each_review_s_links_onto_the_review(world):
    """Migration 0010: the links of the table Django made for the many-to-many field become
    the review's ``manifestation_ids``, ascending, before the table is dropped."""
    from django.db.migrations.executor import MigrationExecutor

    from capuy.reviews.testing import ensure_shipped, manifestation, open_cycle, review_of

    ensure_shipped()  # an earlier transactional test may have flushed the shipped rows
    cycle = open_cycle(world)
    hung, lan, an = (review_of(cycle, world.members[k]).pk for k in ("hung", "lan", "an"))
    b2, a1, c9 = (manifestation(code).pk for code in ("B2", "A1", "C9"))
    Review.objects.filter(pk=an).update(manifestation_ids=[a1])
    before = [("reviews", "0009_review_history_unindexed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT review_id, manifestation_id FROM reviews_review_manifestations")
            assert cursor.fetchall() == [(an, a1)]  # copied back, migrating backwards
            cursor.executemany(
                "INSERT INTO reviews_review_manifestations (review_id, manifestation_id) "
                "VALUES (%s, %s)",
                [(hung, b2), (hung, a1), (lan, c9)],
            )
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest
    linked = dict(Review.objects.filter(cycle=cycle).values_list("id", "manifestation_ids"))
    assert linked[hung] == sorted([a1, b2]) and linked[lan] == [c9] and linked[an] == [a1]
    assert sum(1 for ids in linked.values() if ids) == 3
    assert "reviews_review_manifestations" not in connection.introspection.table_names()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index definitions")
def test_the_tally_reads_the_nodes_under_a_path_by_an_index_range():
    # ``prefix LIKE 'P%'`` (a node's coverage, the report's regions) ranges over an index only
    # with the pattern operator class: the unique constraint's index compares by collation
    from capuy.reviews.models import ReviewTally

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
            [ReviewTally._meta.db_table, "reviewtally_under_path"],
        )
        (definition,) = cursor.fetchone()
    assert "(cycle_id, depth, prefix varchar_pattern_ops)" in definition
