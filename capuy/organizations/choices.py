from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """Kinds of party organization (domain.md §9)."""

    DANG_BO_TINH = "dang_bo_tinh", _("Đảng bộ tỉnh")
    DANG_BO_HUYEN = "dang_bo_huyen", _("Đảng bộ cấp huyện và tương đương")
    DANG_BO_XA = "dang_bo_xa", _("Đảng bộ xã, phường, đặc khu")
    DANG_BO_CO_SO = "dang_bo_co_so", _("Đảng bộ cơ sở")
    CHI_BO_CO_SO = "chi_bo_co_so", _("Chi bộ cơ sở")
    DANG_BO_BO_PHAN = "dang_bo_bo_phan", _("Đảng bộ bộ phận")
    CHI_BO_TRUC_THUOC = "chi_bo_truc_thuoc", _("Chi bộ trực thuộc")


# Where party members belong: a cell (chi bộ), with or without a grassroots committee above it.
CELL_KINDS = frozenset({OrgKind.CHI_BO_CO_SO, OrgKind.CHI_BO_TRUC_THUOC})
# Tổ chức cơ sở đảng (TCCSĐ).
GRASSROOTS_KINDS = frozenset({OrgKind.DANG_BO_CO_SO, OrgKind.CHI_BO_CO_SO})


class UnitType(models.TextChoices):
    """Loại hình đơn vị of a grassroots organization (domain.md §11 tables)."""

    XA_PHUONG = "xa_phuong", _("Xã, phường, thị trấn")
    CO_QUAN = "co_quan", _("Cơ quan")
    DOANH_NGHIEP = "doanh_nghiep", _("Doanh nghiệp")
    SU_NGHIEP = "su_nghiep", _("Đơn vị sự nghiệp")
    LUC_LUONG_VU_TRANG = "luc_luong_vu_trang", _("Lực lượng vũ trang")
    KHAC = "khac", _("Khác")


class SeatLevel(models.TextChoices):
    """The level of a committee seat, which is the level an attendance counts at (domain.md §0)."""

    TINH = "tinh", _("Tỉnh")
    HUYEN = "huyen", _("Huyện và tương đương")
    XA = "xa", _("Xã, phường, đặc khu")
    CO_SO = "co_so", _("Cơ sở")


LEVEL_OF_KIND = {
    OrgKind.DANG_BO_TINH: SeatLevel.TINH,
    OrgKind.DANG_BO_HUYEN: SeatLevel.HUYEN,
    OrgKind.DANG_BO_XA: SeatLevel.XA,
}


def level_of_kind(kind: str) -> str:
    return LEVEL_OF_KIND.get(kind, SeatLevel.CO_SO)


class FlagKind(models.TextChoices):
    KHO_KHAN = "kho_khan", _("Địa bàn khó khăn")
    PHUC_TAP = "phuc_tap", _("Tình hình phức tạp")
