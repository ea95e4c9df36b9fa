"""Default lĩnh vực of concerns; the office edits them afterwards (admin)."""

from django.db import migrations

DEFAULTS = (
    ("dat_dai", "Đất đai"),
    ("chinh_sach", "Chính sách"),
    ("moi_truong", "Môi trường"),
    ("ha_tang", "Hạ tầng"),
    ("an_ninh_trat_tu", "An ninh trật tự"),
    ("y_te_giao_duc", "Y tế - giáo dục"),
    ("khac", "Khác"),
)


def create_defaults(apps, schema_editor):
    ConcernCategory = apps.get_model("concerns", "ConcernCategory")
    for order, (code, name) in enumerate(DEFAULTS, start=1):
        ConcernCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove_unused_defaults(apps, schema_editor):
    ConcernCategory = apps.get_model("concerns", "ConcernCategory")
    Concern = apps.get_model("concerns", "Concern")
    used = Concern.objects.values("category_id")
    ConcernCategory.objects.filter(code__in=[c for c, _ in DEFAULTS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("concerns", "0002_initial")]

    operations = [migrations.RunPython(create_defaults, remove_unused_defaults)]
