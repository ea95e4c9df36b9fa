"""The many-to-many table of Review.manifestations becomes an explicit model, unchanged in the
database (same table, columns, indexes and constraints), so that the next migration can drop
its foreign-key constraint on ``review``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_review_tally"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReviewManifestation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="reviews.review",
                            ),
                        ),
                        (
                            "manifestation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="reviews.manifestation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reviews_review_manifestations",
                        "unique_together": {("review", "manifestation")},
                        "verbose_name": "liên hệ biểu hiện",
                        "verbose_name_plural": "liên hệ biểu hiện",
                    },
                ),
                migrations.AlterField(
                    model_name="review",
                    name="manifestations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="reviews",
                        through="reviews.ReviewManifestation",
                        to="reviews.manifestation",
                        verbose_name="liên hệ biểu hiện",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
