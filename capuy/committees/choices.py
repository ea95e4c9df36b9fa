from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    BCH = "bch", _("Ban Chấp hành")
    BTV = "btv", _("Ban Thường vụ")


class SeatRole(models.TextChoices):
    """Chức vụ trong cấp ủy."""

    BI_THU = "bi_thu", _("Bí thư")
    PHO_BI_THU_THUONG_TRUC = "pho_bi_thu_thuong_truc", _("Phó Bí thư Thường trực")
    PHO_BI_THU = "pho_bi_thu", _("Phó Bí thư")
    UY_VIEN_BTV = "uy_vien_btv", _("Ủy viên Ban Thường vụ")
    UY_VIEN_BCH = "uy_vien_bch", _("Ủy viên Ban Chấp hành")
    UY_VIEN_DU_KHUYET = "uy_vien_du_khuyet", _("Ủy viên dự khuyết")
