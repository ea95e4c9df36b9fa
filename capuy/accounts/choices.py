from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    OFFICE = "office", _("Văn phòng / Ban Tổ chức")
    COMMITTEE_STAFF = "committee_staff", _("Cán bộ cấp ủy cấp dưới")
    CELL_SECRETARY = "cell_secretary", _("Bí thư chi bộ")
    COMMITTEE_MEMBER = "committee_member", _("Cấp ủy viên")
    INSPECTOR = "inspector", _("Kiểm tra (chỉ xem)")
