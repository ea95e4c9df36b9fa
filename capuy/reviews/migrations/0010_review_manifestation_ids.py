"""The manifestations a review links move from the link table onto the review
(``Review.manifestation_ids``, ascending ids), copied before the table is dropped (and back,
migrating backwards); the review's history gets the column (empty for the rows written
before)."""

from django.db import migrations, models

COPY_POSTGRESQL = """
UPDATE reviews_review AS r SET manifestation_ids = l.ids
FROM (
    SELECT review_id, jsonb_agg(manifestation_id ORDER BY manifestation_id) AS ids
    FROM reviews_review_manifestations GROUP BY review_id
) AS l
WHERE r.id = l.review_id
"""

COPY_SQLITE = """
UPDATE reviews_review SET manifestation_ids = (
    SELECT json_group_array(manifestation_id) FROM (
        SELECT manifestation_id FROM reviews_review_manifestations AS l
        WHERE l.review_id = reviews_review.id ORDER BY manifestation_id
    )
)
WHERE id IN (SELECT review_id FROM reviews_review_manifestations)
"""


UNCOPY_POSTGRESQL = """
INSERT INTO reviews_review_manifestations (review_id, manifestation_id)
SELECT r.id, l.id::bigint FROM reviews_review AS r
CROSS JOIN LATERAL jsonb_array_elements_text(r.manifestation_ids) AS l(id)
WHERE r.manifestation_ids <> '[]'::jsonb
"""

UNCOPY_SQLITE = """
INSERT INTO reviews_review_manifestations (review_id, manifestation_id)
SELECT r.id, l.value FROM reviews_review AS r, json_each(r.manifestation_ids) AS l
"""


def links_field():
    """``Review.manifestation_ids``, on the review and on its history rows."""
    return models.JSONField(
        blank=True, db_default=[], default=list, verbose_name="liên hệ biểu hiện"
    )


def copy_links(apps, schema_editor):
    sql = COPY_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else COPY_SQLITE
    schema_editor.execute(sql)


def copy_links_back(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(UNCOPY_POSTGRESQL if postgresql else UNCOPY_SQLITE)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_review_history_unindexed"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreview",
            name="manifestation_ids",
            field=links_field(),
        ),
        migrations.AddField(
            model_name="review",
            name="manifestation_ids",
            field=links_field(),
        ),
        migrations.RunPython(copy_links, copy_links_back, elidable=True),
        migrations.RemoveField(
            model_name="review",
            name="manifestations",
        ),
        migrations.DeleteModel(
            name="ReviewManifestation",
        ),
    ]
