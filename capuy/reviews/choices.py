from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Mức xếp loại chất lượng (QĐ 132, 124, 366): the same four levels for all subjects."""

    HTXSNV = "HTXSNV", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "HTTNV", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "HTNV", _("Hoàn thành nhiệm vụ")
    KHTNV = "KHTNV", _("Không hoàn thành nhiệm vụ")


LEVEL_RANK = {Level.HTXSNV: 4, Level.HTTNV: 3, Level.HTNV: 2, Level.KHTNV: 1}


class Rating(models.TextChoices):
    """Per-criterion rating (HD 21, QĐ 124)."""

    XUAT_SAC = "xuat_sac", _("Xuất sắc")
    TOT = "tot", _("Tốt")
    TRUNG_BINH = "trung_binh", _("Trung bình")
    KEM = "kem", _("Kém")


class Derivation(models.TextChoices):
    RATINGS = "ratings", _("Theo xếp loại từng tiêu chí")
    SCORE = "score", _("Theo thang điểm 100")


class QuotaDenominator(models.TextChoices):
    HTTNV = "httnv", _("Số được xếp loại HTTNV")
    HTTNV_OR_ABOVE = "httnv_or_above", _("Số được xếp loại HTTNV trở lên")


class QuotaGrouping(models.TextChoices):
    GRASSROOTS = "grassroots", _("Trong từng tổ chức cơ sở đảng")
    SIMILAR_ROLE = "similar_role", _("Trong từng nhóm đối tượng tương đồng")


class Rounding(models.TextChoices):
    FLOOR = "floor", _("Làm tròn xuống")
    HALF_UP = "half_up", _("Làm tròn")
    CEIL = "ceil", _("Làm tròn lên")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Năm")
    QUARTER = "quarter", _("Quý")
    TERM = "term", _("Nhiệm kỳ")


class SubjectKind(models.TextChoices):
    """Đối tượng kiểm điểm, đánh giá, xếp loại."""

    ORGANIZATION = "organization", _("Tổ chức đảng")
    MEMBER = "member", _("Đảng viên")
    COLLECTIVE = "collective", _("Tập thể lãnh đạo, quản lý")
    LEADER = "leader", _("Cá nhân cán bộ lãnh đạo, quản lý")


INDIVIDUAL_KINDS = frozenset({SubjectKind.MEMBER, SubjectKind.LEADER})


class Exemption(models.TextChoices):
    """Why a subject is not reviewed or not classified (domain.md §5.1)."""

    NONE = "", _("Không")
    MIEN_SINH_HOAT = "mien_sinh_hoat", _("Miễn công tác và sinh hoạt đảng")
    DINH_CHI = "dinh_chi", _("Đình chỉ sinh hoạt đảng")
    MOI_KET_NAP = "moi_ket_nap", _("Mới kết nạp dưới 6 tháng")
    MOI_THANH_LAP = "moi_thanh_lap", _("Tổ chức mới thành lập dưới 6 tháng")
    KHAC = "khac", _("Lý do khác")


class ExemptionEffect(models.TextChoices):
    """What an exemption does under a rule set."""

    NOT_REVIEWED = "not_reviewed", _("Không kiểm điểm, không xếp loại")
    NOT_CLASSIFIED = "not_classified", _("Có kiểm điểm, không xếp loại")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Chưa kiểm điểm")
    SELF_REVIEWED = "self_reviewed", _("Đã tự kiểm điểm")
    PROPOSED = "proposed", _("Đã đề xuất mức")
    DECIDED = "decided", _("Đã quyết định")
    EXEMPT = "exempt", _("Không kiểm điểm")


REVIEWED_STATUSES = (ReviewStatus.SELF_REVIEWED, ReviewStatus.PROPOSED, ReviewStatus.DECIDED)


class ReviewStep(models.TextChoices):
    SELF = "self", _("Tự đánh giá, xếp loại")
    PROPOSE = "propose", _("Thẩm định, đề xuất")
    DECIDE = "decide", _("Cấp có thẩm quyền quyết định")
    REOPEN = "reopen", _("Mở lại")
    EXEMPT = "exempt", _("Ghi nhận miễn/không xếp loại")


class DecisionLevel(models.TextChoices):
    """The level of the committee that decides (cấp quyết định); cycles close level by level."""

    CO_SO = "co_so", _("Cấp cơ sở")
    XA = "xa", _("Cấp xã, phường, đặc khu")
    HUYEN = "huyen", _("Cấp huyện và tương đương")
    TINH = "tinh", _("Cấp tỉnh")


# Lower before higher: the order levels close in.
DECISION_LEVEL_ORDER = (
    DecisionLevel.CO_SO,
    DecisionLevel.XA,
    DecisionLevel.HUYEN,
    DecisionLevel.TINH,
)
