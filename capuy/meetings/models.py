from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet
from capuy.organizations.choices import SeatLevel

from .choices import (
    AttendanceRole,
    AttendanceStatus,
    Confirmation,
    EnteredBy,
    MeetingKind,
    MeetingStatus,
)


class AttendanceRule(models.Model):
    """Quy định về cấp ủy viên đi công tác cơ sở và dự sinh hoạt chi bộ (e.g. 01-QĐ/TU).

    Compliance is judged against the rule in force on the meeting date (effective_from/to).
    """

    SCOPE_PATH = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="attendance_rules",
        verbose_name=_("phạm vi áp dụng"),
    )
    number = models.CharField(_("số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 01-QĐ/TU"))
    title = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    must_attend_outside_own_cell = models.BooleanField(
        _("phải dự ở chi bộ khác chi bộ mình sinh hoạt"), default=True
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy định dự sinh hoạt chi bộ")
        verbose_name_plural = _("quy định dự sinh hoạt chi bộ")
        ordering = ["organization", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="attrule_effective_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày có hiệu lực."),
            ),
            models.UniqueConstraint(
                fields=["organization", "number"],
                name="attrule_unique_number",
                violation_error_message=_("Tổ chức này đã có quy định cùng số, ký hiệu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class AttendanceQuota(models.Model):
    """Minimum attendances (and grassroots working days) a year for seats of one level."""

    SCOPE_PATH = "rule__organization__path"

    rule = models.ForeignKey(
        AttendanceRule,
        on_delete=models.CASCADE,
        related_name="quotas",
        verbose_name=_("quy định"),
    )
    level = models.CharField(_("cấp"), max_length=8, choices=SeatLevel.choices)
    min_attendances = models.PositiveSmallIntegerField(_("số lượt dự tối thiểu/năm"))
    min_field_days = models.PositiveSmallIntegerField(
        _("số ngày công tác cơ sở tối thiểu/năm"), default=0
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("định mức dự sinh hoạt")
        verbose_name_plural = _("định mức dự sinh hoạt")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "level"],
                name="attquota_unique_level",
                violation_error_message=_("Quy định đã có định mức cho cấp này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: ≥ {self.min_attendances}"


class MeetingSchedule(models.Model):
    """A cell's recurring monthly meeting (e.g. thường kỳ on the 5th), so future meetings exist."""

    SCOPE_PATH = "cell__path"

    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="meeting_schedules",
        verbose_name=_("chi bộ"),
    )
    kind = models.CharField(
        _("loại"), max_length=12, choices=MeetingKind.choices, default=MeetingKind.THUONG_KY
    )
    day_of_month = models.PositiveSmallIntegerField(_("ngày trong tháng"))
    every_months = models.PositiveSmallIntegerField(_("mỗi (tháng)"), default=1)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lịch sinh hoạt định kỳ")
        verbose_name_plural = _("lịch sinh hoạt định kỳ")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=31),
                name="schedule_day_of_month",
                violation_error_message=_("Ngày trong tháng phải từ 1 đến 31."),
            ),
            models.CheckConstraint(
                condition=Q(every_months__gte=1) & Q(every_months__lte=12),
                name="schedule_every_months",
                violation_error_message=_("Chu kỳ phải từ 1 đến 12 tháng."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="schedule_ends_after_start",
                violation_error_message=_("Ngày kết thúc lịch phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(cell)s — %(kind)s ngày %(day)s") % {
            "cell": self.cell,
            "kind": self.get_kind_display(),
            "day": self.day_of_month,
        }


class CellMeetingQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(date__year=year)


class CellMeeting(models.Model):
    """Buổi sinh hoạt chi bộ: one meeting of one cell on one date."""

    SCOPE_PATH = "cell__path"

    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("chi bộ"),
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(
        _("loại"), max_length=12, choices=MeetingKind.choices, default=MeetingKind.THUONG_KY
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
    )
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    topics = models.TextField(_("nội dung"), blank=True)
    schedule = models.ForeignKey(
        MeetingSchedule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("lịch sinh hoạt định kỳ"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người ghi"),
    )

    objects = CellMeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("buổi sinh hoạt chi bộ")
        verbose_name_plural = _("buổi sinh hoạt chi bộ")
        ordering = ["-date", "cell"]
        indexes = [
            models.Index(fields=["cell", "date"], name="meeting_cell_date"),
            models.Index(fields=["date"], name="meeting_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "date", "kind"],
                name="meeting_unique_per_day",
                violation_error_message=_("Chi bộ đã có buổi sinh hoạt cùng loại vào ngày này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cell} — {self.date:%d/%m/%Y} ({self.get_kind_display()})"


class AttendanceQuerySet(ScopedQuerySet):
    def counted(self, *, confirmed_only: bool = False):
        """Attendances that count in reports: recorded (not merely planned), optionally confirmed."""
        qs = self.filter(status=AttendanceStatus.RECORDED)
        if confirmed_only:
            qs = qs.filter(confirmation=Confirmation.CONFIRMED)
        return qs


class Attendance(models.Model):
    """Lượt dự sinh hoạt chi bộ: an upper-level committee member at one cell meeting.

    ``level`` is the level of the seat held on the meeting date, fixed when recorded; ``date``
    and ``cell_path`` copy the meeting's so yearly counts by level and subtree are one indexed
    scan without joins.
    """

    SCOPE_PATH = "cell_path"

    meeting = models.ForeignKey(
        CellMeeting,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("buổi sinh hoạt"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("cấp ủy viên"),
    )
    seat = models.ForeignKey(
        "committees.Seat",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("chức vụ khi dự"),
    )
    level = models.CharField(_("cấp"), max_length=8, choices=SeatLevel.choices, editable=False)
    date = models.DateField(editable=False)
    cell_path = models.CharField(max_length=255, editable=False)
    role = models.CharField(
        _("vai trò"), max_length=10, choices=AttendanceRole.choices, default=AttendanceRole.DU
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.RECORDED,
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    entered_via = models.CharField(_("người ghi"), max_length=10, choices=EnteredBy.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tài khoản ghi"),
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    confirmation = models.CharField(
        _("xác nhận"), max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    dispute_reason = models.CharField(_("lý do không xác nhận"), max_length=500, blank=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["cell_path"])

    class Meta:
        verbose_name = _("lượt dự sinh hoạt chi bộ")
        verbose_name_plural = _("lượt dự sinh hoạt chi bộ")
        ordering = ["-date", "id"]
        indexes = [
            models.Index(fields=["date", "level"], name="attendance_date_level"),
            models.Index(fields=["member", "date"], name="attendance_member_date"),
            models.Index(
                fields=["cell_path", "date"],
                name="attendance_path_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_meeting",
                violation_error_message=_("Cấp ủy viên này đã được ghi dự buổi sinh hoạt này."),
            ),
            models.CheckConstraint(
                condition=~Q(confirmation="disputed") | ~Q(dispute_reason=""),
                name="attendance_dispute_has_reason",
                violation_error_message=_("Không xác nhận thì phải nêu lý do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class FieldVisit(models.Model):
    """Đi công tác cơ sở: a committee member's visit to an organization without a cell meeting."""

    SCOPE_PATH = "org_path"

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="field_visits",
        verbose_name=_("cấp ủy viên"),
    )
    seat = models.ForeignKey(
        "committees.Seat",
        on_delete=models.PROTECT,
        related_name="field_visits",
        verbose_name=_("chức vụ"),
    )
    level = models.CharField(_("cấp"), max_length=8, choices=SeatLevel.choices, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="field_visits",
        verbose_name=_("nơi đến"),
    )
    org_path = models.CharField(max_length=255, editable=False)
    date = models.DateField(_("ngày"))
    days = models.DecimalField(_("số ngày"), max_digits=4, decimal_places=1, default=1)
    purpose = models.CharField(_("mục đích"), max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người ghi"),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("chuyến công tác cơ sở")
        verbose_name_plural = _("chuyến công tác cơ sở")
        ordering = ["-date"]
        indexes = [models.Index(fields=["member", "date"], name="fieldvisit_member_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gt=0),
                name="fieldvisit_days_positive",
                violation_error_message=_("Số ngày công tác phải lớn hơn 0."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.organization} ({self.date:%d/%m/%Y})"
