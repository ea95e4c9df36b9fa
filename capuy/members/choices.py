from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    NAM = "nam", _("Nam")
    NU = "nu", _("Nữ")


class MemberStatus(models.TextChoices):
    DU_BI = "du_bi", _("Dự bị")
    CHINH_THUC = "chinh_thuc", _("Chính thức")
