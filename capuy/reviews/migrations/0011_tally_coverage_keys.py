"""The tally counts by the coverage's keys too (who decides, whether decided), so that the
cycle page's coverage of a province, a district or the country sums tally rows instead of
grouping the reviews: the trigger function is replaced and the tally rebuilt from the rows."""

from django.db import migrations, models


def rebuild(keys):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # no tally on SQLite: the coverage and the report count the rows live
        from capuy.reviews import tally

        with schema_editor.connection.cursor() as cursor:
            tally.install(cursor, keys=keys() if keys else None)
            (delete, insert), params = tally.recount_sql(keys=keys() if keys else None)
            cursor.execute(delete, params)
            cursor.execute(insert, params)

    return run


def _keys_0003():
    # migrating back: the rows counted by 0003's keys (the new columns take their database
    # defaults until they are dropped)
    from capuy.reviews import tally

    return tally.KEYS_0003


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_review_manifestation_ids"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reviewtally",
            name="reviewtally_one_per_group",
        ),
        migrations.AddField(
            model_name="reviewtally",
            name="decided",
            field=models.BooleanField(default=False, db_default=False),
        ),
        migrations.AddField(
            model_name="reviewtally",
            name="decision_level",
            field=models.CharField(default="", db_default="", max_length=10),
        ),
        migrations.AddConstraint(
            model_name="reviewtally",
            constraint=models.UniqueConstraint(
                fields=(
                    "cycle",
                    "depth",
                    "prefix",
                    "own",
                    "subject_kind",
                    "category",
                    "sub",
                    "outcome",
                    "reason",
                    "linked",
                    "decision_level",
                    "decided",
                ),
                name="reviewtally_one_per_group",
                violation_error_message="Nhóm này đã có trong bảng đếm.",
            ),
        ),
        migrations.RunPython(rebuild(None), rebuild(_keys_0003)),
    ]
