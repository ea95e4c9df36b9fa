from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet

from .choices import OPEN_STATUSES, ConcernStatus


class ConcernCategory(models.Model):
    """Lĩnh vực of a concern (đất đai, chính sách, môi trường, hạ tầng…), configurable."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lĩnh vực kiến nghị")
        verbose_name_plural = _("lĩnh vực kiến nghị")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ConcernQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)

    def raised_in(self, start, end):
        return self.filter(raised_on__gte=start, raised_on__lte=end)


class Concern(models.Model):
    """Tâm tư, nguyện vọng, kiến nghị raised at a cell meeting.

    Attributed to the meeting (so the cell and locality) and to the committee member who
    received it — never to a named citizen.
    """

    SCOPE_PATH = "cell_path"

    meeting = models.ForeignKey(
        "meetings.CellMeeting",
        on_delete=models.PROTECT,
        related_name="concerns",
        verbose_name=_("buổi sinh hoạt"),
    )
    cell_path = models.CharField(max_length=255, editable=False)
    raised_on = models.DateField(_("ngày nêu"), editable=False)
    received_by = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_received",
        verbose_name=_("cấp ủy viên tiếp nhận"),
    )
    category = models.ForeignKey(
        ConcernCategory, on_delete=models.PROTECT, verbose_name=_("lĩnh vực")
    )
    summary = models.TextField(_("nội dung"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.MOI
    )
    answer = models.TextField(_("trả lời, hướng dẫn"), blank=True)
    agency = models.CharField(_("cơ quan được chuyển"), max_length=255, blank=True)
    due_on = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    resolved_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConcernQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["cell_path"])

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(
                fields=["cell_path", "raised_on"],
                name="concern_path_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["status", "due_on"], name="concern_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="chuyen") | (~Q(agency="") & Q(due_on__isnull=False)),
                name="concern_forwarded_has_agency_and_due",
                violation_error_message=_(
                    "Chuyển cơ quan chức năng phải có tên cơ quan và hạn giải quyết."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.summary[:80]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("concerns:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        """Still open after its due date (hạn giải quyết)."""
        return self.is_open and self.due_on is not None and self.due_on < today


class ConcernEvent(models.Model):
    """One step of a concern's handling: who, when, from which status to which, and a note."""

    SCOPE_PATH = "concern__cell_path"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=ConcernStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ConcernStatus.choices)
    note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("diễn biến xử lý kiến nghị")
        verbose_name_plural = _("diễn biến xử lý kiến nghị")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
