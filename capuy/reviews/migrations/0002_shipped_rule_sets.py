"""The rule sets QĐ 132 + HD 21, QĐ 124 + HD 25, QĐ 366 + HD 43 and the 27-manifestations
catalogue (capuy/reviews/shipped.py). The office edits them afterwards; the reverse removes
only rows no cycle or review uses."""

from django.db import migrations


def load(apps, schema_editor):
    from capuy.reviews.shipped import MANIFESTATIONS, RULE_SETS

    RuleSet = apps.get_model("reviews", "RuleSet")
    Manifestation = apps.get_model("reviews", "Manifestation")
    for data in RULE_SETS:
        fields = {key: value for key, value in data.items() if key != "code"}
        RuleSet.objects.get_or_create(code=data["code"], defaults=fields)
    for group, number, text, confirmed, source in MANIFESTATIONS:
        Manifestation.objects.get_or_create(
            group=group,
            number=number,
            defaults={"text": text, "confirmed": confirmed, "source": source},
        )


def unload(apps, schema_editor):
    from capuy.reviews.shipped import RULE_SETS

    RuleSet = apps.get_model("reviews", "RuleSet")
    Manifestation = apps.get_model("reviews", "Manifestation")
    ReviewCycle = apps.get_model("reviews", "ReviewCycle")
    used = ReviewCycle.objects.values("rule_set_id")
    RuleSet.objects.filter(code__in=[r["code"] for r in RULE_SETS]).exclude(pk__in=used).exclude(
        overlays__isnull=False
    ).delete()
    Manifestation.objects.filter(reviews__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
