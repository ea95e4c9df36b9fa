from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã đăng")
    WITHDRAWN = "withdrawn", _("Đã gỡ")


class NewsEventKind(models.TextChoices):
    CREATED = "created", _("Tạo bản nháp")
    DRAFTED = "drafted", _("Soạn từ hội nghị")
    EDITED = "edited", _("Sửa bản nháp")
    PUBLISHED = "published", _("Đăng tin")
    REVISED = "revised", _("Sửa tin đã đăng")
    WITHDRAWN = "withdrawn", _("Gỡ tin")
    PHOTO_ADDED = "photo_added", _("Thêm ảnh")
    PHOTO_REMOVED = "photo_removed", _("Bỏ ảnh")
