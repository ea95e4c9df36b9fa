from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    QUEUED = "queued", _("Đang chờ giải")
    SOLVING = "solving", _("Đang giải")
    SOLVED = "solved", _("Đã có phương án")
    INFEASIBLE = "infeasible", _("Không có phương án")
    FAILED = "failed", _("Lỗi khi giải")
    ADOPTED = "adopted", _("Đã áp dụng")


# Plans in these states may still change (leaders, cells, pins, rules) and be solved again.
EDITABLE = (PlanStatus.DRAFT, PlanStatus.SOLVED, PlanStatus.INFEASIBLE, PlanStatus.FAILED)
RUNNING = (PlanStatus.QUEUED, PlanStatus.SOLVING)


class SolverStatus(models.TextChoices):
    OPTIMAL = "OPTIMAL", _("Tối ưu (đã chứng minh)")
    FEASIBLE = "FEASIBLE", _("Khả thi (chưa chứng minh tối ưu)")
    INFEASIBLE = "INFEASIBLE", _("Không có phương án")
    UNKNOWN = "UNKNOWN", _("Chưa tìm được phương án")


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("Lập kế hoạch")
    SOLVE_REQUESTED = "solve_requested", _("Yêu cầu giải")
    SOLVED = "solved", _("Đã giải")
    INFEASIBLE = "infeasible", _("Không có phương án")
    FAILED = "failed", _("Lỗi khi giải")
    PINNED = "pinned", _("Ghim phân công")
    UNPINNED = "unpinned", _("Bỏ ghim")
    ADOPTED = "adopted", _("Áp dụng")
