from django.db import models
from django.utils.translation import gettext_lazy as _


class ConcernStatus(models.TextChoices):
    """Handling of a concern raised at a cell meeting (tâm tư, nguyện vọng, kiến nghị)."""

    MOI = "moi", _("Mới tiếp nhận")
    GIAI_QUYET_TAI_CHO = "tai_cho", _("Giải quyết tại chỗ")
    HUONG_DAN = "huong_dan", _("Hướng dẫn, giải thích")
    CHUYEN_CO_QUAN = "chuyen", _("Chuyển cơ quan chức năng")
    DANG_GIAI_QUYET = "dang_gq", _("Đang giải quyết")
    DA_GIAI_QUYET = "da_gq", _("Đã giải quyết")
    KHONG_THAM_QUYEN = "ngoai_tq", _("Không thuộc thẩm quyền")


# The lifecycle: which status may follow which. Reopening (the cell reports it is not actually
# resolved) goes back to DANG_GIAI_QUYET.
TRANSITIONS: dict[str, frozenset[str]] = {
    ConcernStatus.MOI: frozenset(
        {
            ConcernStatus.GIAI_QUYET_TAI_CHO,
            ConcernStatus.HUONG_DAN,
            ConcernStatus.CHUYEN_CO_QUAN,
            ConcernStatus.DANG_GIAI_QUYET,
            ConcernStatus.KHONG_THAM_QUYEN,
        }
    ),
    ConcernStatus.CHUYEN_CO_QUAN: frozenset(
        {ConcernStatus.DANG_GIAI_QUYET, ConcernStatus.DA_GIAI_QUYET}
    ),
    ConcernStatus.DANG_GIAI_QUYET: frozenset(
        {ConcernStatus.DA_GIAI_QUYET, ConcernStatus.CHUYEN_CO_QUAN}
    ),
    ConcernStatus.GIAI_QUYET_TAI_CHO: frozenset({ConcernStatus.DANG_GIAI_QUYET}),
    ConcernStatus.HUONG_DAN: frozenset({ConcernStatus.DANG_GIAI_QUYET}),
    ConcernStatus.DA_GIAI_QUYET: frozenset({ConcernStatus.DANG_GIAI_QUYET}),
    ConcernStatus.KHONG_THAM_QUYEN: frozenset({ConcernStatus.DANG_GIAI_QUYET}),
}

OPEN_STATUSES = frozenset(
    {ConcernStatus.MOI, ConcernStatus.CHUYEN_CO_QUAN, ConcernStatus.DANG_GIAI_QUYET}
)
RESOLVED_STATUSES = frozenset(
    {ConcernStatus.GIAI_QUYET_TAI_CHO, ConcernStatus.HUONG_DAN, ConcernStatus.DA_GIAI_QUYET}
)
# Closed: answered at the meeting, explained, resolved, or referred elsewhere. A closed concern
# is reopened (back to DANG_GIAI_QUYET) when the cell reports it is not actually resolved.
CLOSED_STATUSES = frozenset(
    {
        ConcernStatus.GIAI_QUYET_TAI_CHO,
        ConcernStatus.HUONG_DAN,
        ConcernStatus.DA_GIAI_QUYET,
        ConcernStatus.KHONG_THAM_QUYEN,
    }
)
# The handling a concern may already have when it is recorded at the meeting.
RAISE_STATUSES = frozenset({ConcernStatus.MOI, *TRANSITIONS[ConcernStatus.MOI]})

# Lĩnh vực created by the data migration (editable afterwards in the admin): (code, name).
DEFAULT_CATEGORIES = (
    ("dat_dai", "Đất đai"),
    ("chinh_sach", "Chính sách"),
    ("moi_truong", "Môi trường"),
    ("ha_tang", "Hạ tầng"),
    ("an_ninh_trat_tu", "An ninh trật tự"),
    ("y_te_giao_duc", "Y tế - giáo dục"),
    ("khac", "Khác"),
)
