from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    THUONG_KY = "thuong_ky", _("Thường kỳ")
    CHUYEN_DE = "chuyen_de", _("Chuyên đề")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Đã lên lịch")
    HELD = "held", _("Đã họp")
    CANCELLED = "cancelled", _("Hoãn/hủy")


class AttendanceRole(models.TextChoices):
    DU = "du", _("Dự")
    CHI_DAO = "chi_dao", _("Dự và chỉ đạo")


class AttendanceStatus(models.TextChoices):
    """A planned attendance comes from an adopted rotation plan; a recorded one happened."""

    PLANNED = "planned", _("Theo kế hoạch")
    RECORDED = "recorded", _("Đã dự")


class EnteredBy(models.TextChoices):
    MEMBER = "member", _("Cấp ủy viên tự ghi")
    OFFICE = "office", _("Văn phòng ghi")
    SECRETARY = "secretary", _("Bí thư chi bộ ghi")
    IMPORT = "import", _("Nhập từ Excel")


class Confirmation(models.TextChoices):
    PENDING = "pending", _("Chờ chi bộ xác nhận")
    CONFIRMED = "confirmed", _("Chi bộ đã xác nhận")
    DISPUTED = "disputed", _("Chi bộ không xác nhận")
