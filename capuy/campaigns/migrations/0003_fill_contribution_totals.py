from django.db import migrations


def fill(apps, schema_editor):
    """Sum the receipts already recorded (databases that had campaigns before 0002)."""
    quote = schema_editor.connection.ops.quote_name
    totals = quote(apps.get_model("campaigns", "ContributionTotal")._meta.db_table)
    contributions = quote(apps.get_model("campaigns", "Contribution")._meta.db_table)
    schema_editor.execute(
        f"INSERT INTO {totals} (campaign_id, org_path, received, contributions) "
        f"SELECT campaign_id, org_path, SUM(amount), COUNT(*) FROM {contributions} "
        "WHERE status = 'valid' GROUP BY campaign_id, org_path"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_contribution_totals"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
