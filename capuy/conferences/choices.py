from django.db import models
from django.utils.translation import gettext_lazy as _


class ConferenceKind(models.TextChoices):
    THUONG_KY = "thuong_ky", _("Thường kỳ")
    BAT_THUONG = "bat_thuong", _("Bất thường")
    CHUYEN_DE = "chuyen_de", _("Chuyên đề")


class Session(models.TextChoices):
    SANG = "sang", _("Sáng")
    CHIEU = "chieu", _("Chiều")
    CA_NGAY = "ca_ngay", _("Cả ngày")


class AttendanceStatus(models.TextChoices):
    """Điểm danh: where an absentee gave a reason the absence is excused (vắng có lý do)."""

    CO_MAT = "co_mat", _("Có mặt")
    DI_MUON = "di_muon", _("Đến muộn")
    VE_SOM = "ve_som", _("Về sớm")
    VANG_CO_LY_DO = "vang_co_ly_do", _("Vắng có lý do")
    VANG_KHONG_LY_DO = "vang_khong_ly_do", _("Vắng không lý do")


# Counted as present for the quorum: whoever was in the room for part of the session.
PRESENT_STATUSES = frozenset(
    {AttendanceStatus.CO_MAT, AttendanceStatus.DI_MUON, AttendanceStatus.VE_SOM}
)


class AgencyKind(models.TextChoices):
    CO_QUAN_THAM_MUU = "co_quan_tham_muu", _("Cơ quan tham mưu, giúp việc của cấp ủy")
    TO_CHUC_DANG = "to_chuc_dang", _("Tổ chức đảng cấp dưới")
    KHAC = "khac", _("Cơ quan, đơn vị khác")


class TaskState(models.TextChoices):
    GIAO = "giao", _("Đã giao")
    DANG_THUC_HIEN = "dang_thuc_hien", _("Đang thực hiện")
    HOAN_THANH = "hoan_thanh", _("Hoàn thành")
    QUA_HAN = "qua_han", _("Quá hạn")
    CHUYEN_TIEP = "chuyen_tiep", _("Chuyển tiếp")


OPEN_STATES = frozenset(
    {TaskState.GIAO, TaskState.DANG_THUC_HIEN, TaskState.QUA_HAN, TaskState.CHUYEN_TIEP}
)
# States the overdue sweep moves to "quá hạn" once the due date has passed.
OVERDUE_FROM = frozenset({TaskState.GIAO, TaskState.DANG_THUC_HIEN})


class TaskEventKind(models.TextChoices):
    GIAO = "giao", _("Giao nhiệm vụ")
    SUA = "sua", _("Sửa nội dung")
    GIA_HAN = "gia_han", _("Đổi thời hạn")
    TIEN_DO = "tien_do", _("Báo cáo tiến độ")
    QUA_HAN = "qua_han", _("Quá hạn")
    CHUYEN_TIEP = "chuyen_tiep", _("Chuyển tiếp sang hội nghị sau")
