"""Tin bài: the communiqué the press office drafts from the record, edits and publishes.

A published item is public (no login), shows its publication date and time and a view counter
counted once per visitor per day (``NewsView``: one row per item, visitor and day; the counter
moves only when that row is new). Drafts and withdrawn items are never public.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet

from .choices import NewsEventKind, NewsStatus  # noqa: F401 — NewsEvent.kind values


class NewsItemQuerySet(ScopedQuerySet):
    def published(self):
        """What the public may read: published, and not dated in the future."""
        return self.filter(status=NewsStatus.PUBLISHED, published_at__lte=timezone.now())


class NewsItem(models.Model):
    """Tin bài. ``lead`` is the sapo printed after the source tag: "(BNP) - Sáng 25/3, …"."""

    SCOPE_PATH = "org_path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="news_items",
        verbose_name=_("cơ quan đăng tin"),
    )
    org_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("tiêu đề"), max_length=300)
    lead = models.TextField(_("sapo (đoạn mở đầu)"))
    body = models.TextField(_("nội dung"), blank=True)
    author_initials = models.CharField(
        _("bút danh tác giả"), max_length=30, blank=True, help_text=_("Ví dụ: S.T")
    )
    source_tag = models.CharField(_("nguồn"), max_length=20, default="BNP")
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=NewsStatus.choices, default=NewsStatus.DRAFT
    )
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True)
    view_count = models.PositiveBigIntegerField(_("số lượt xem"), default=0, editable=False)
    # The conference the draft was written from (capuy.conferences), kept as an id and a label
    # so the news app does not depend on the conference model's shape.
    source_conference_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    source_label = models.CharField(_("soạn từ"), max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["org_path", "view_count", "updated_at"])

    class Meta:
        verbose_name = _("tin bài")
        verbose_name_plural = _("tin bài")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="news_public_order"),
            models.Index(
                fields=["org_path"], name="news_org_path", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=NewsStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="news_published_has_time",
                violation_error_message=_("Tin đã đăng phải có thời điểm đăng."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("news:manage_detail", args=[self.pk])

    def get_public_url(self) -> str:
        from django.urls import reverse

        return reverse("news:public_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == NewsStatus.PUBLISHED

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def news_photo_path(instance, filename: str) -> str:
    """A generated name: nothing of what the uploader called the file reaches the disk."""
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return timezone.now().strftime("news/%Y/%m/") + uuid.uuid4().hex + extension


class NewsPhoto(models.Model):
    """Ảnh kèm tin, with its caption (chú thích), re-encoded by Pillow when uploaded."""

    SCOPE_PATH = "item__org_path"

    item = models.ForeignKey(
        NewsItem, on_delete=models.CASCADE, related_name="photos", verbose_name=_("tin bài")
    )
    image = models.ImageField(
        _("ảnh"), upload_to=news_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("chú thích"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ảnh kèm tin")
        verbose_name_plural = _("ảnh kèm tin")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or _("Ảnh %(id)s") % {"id": self.pk}


class NewsRevision(models.Model):
    """Một lần sửa tin đã đăng: the note the editor must give, and what the text was before."""

    SCOPE_PATH = "item__org_path"

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="revisions")
    note = models.TextField(_("lý do sửa"))
    changed_fields = models.JSONField(default=list)
    previous = models.JSONField(default=dict)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần sửa tin đã đăng")
        verbose_name_plural = _("các lần sửa tin đã đăng")
        ordering = ["item", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="news_revision_has_note",
                violation_error_message=_("Sửa tin đã đăng phải ghi lý do sửa."),
            )
        ]

    def __str__(self) -> str:
        return self.note[:80]


class NewsEvent(models.Model):
    """A state change of a news item (created, published, revised, withdrawn…), append-only."""

    SCOPE_PATH = "item__org_path"

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=16, choices=NewsEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện tin bài")
        verbose_name_plural = _("sự kiện tin bài")
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.note}"


class NewsView(models.Model):
    """One visitor's view of one item on one day. ``visitor_hash`` is a keyed hash with a daily
    salt (capuy.news.visitors): it cannot be turned back into an address, nor linked across
    days. The unique row is what makes the counter count a visitor once a day."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="+")
    visitor_hash = models.CharField(max_length=32)
    day = models.DateField()

    class Meta:
        verbose_name = _("lượt xem")
        verbose_name_plural = _("lượt xem")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "visitor_hash", "day"],
                name="news_view_once_a_day",
                violation_error_message=_("Lượt xem này đã được tính."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.day}"
