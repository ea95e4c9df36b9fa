from django.db import models
from django.utils.translation import gettext_lazy as _


class ContributorKind(models.TextChoices):
    """Who gives: a unit of the tree, or a party member in person."""

    ORGANIZATION = "organization", _("Tổ chức, đơn vị")
    MEMBER = "member", _("Cá nhân (đảng viên)")


class ContributionStatus(models.TextChoices):
    VALID = "valid", _("Hợp lệ")
    VOIDED = "voided", _("Đã hủy")


class PledgeStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hiệu lực")
    CANCELLED = "cancelled", _("Đã hủy")


class CampaignEventKind(models.TextChoices):
    CREATED = "created", _("Tạo cuộc vận động")
    UPDATED = "updated", _("Sửa thông tin")
    PLEDGED = "pledged", _("Ghi đăng ký ủng hộ")
    PLEDGE_CANCELLED = "pledge_cancelled", _("Hủy đăng ký")
    RECEIVED = "received", _("Ghi nhận đóng góp")
    VOIDED = "voided", _("Hủy biên lai")
