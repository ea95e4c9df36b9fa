"""Kế hoạch luân phiên dự sinh hoạt chi bộ: which committee member attends which cell meeting
in a period, planned with CP-SAT (capuy.rotation.solver) under the attendance regulation.

Every row hangs off a ``RotationPlan`` and is scoped by the plan's organization.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet

from .choices import EDITABLE, PlanEventKind, PlanStatus, SolverStatus


class RotationPlan(models.Model):
    """Kế hoạch luân phiên: a period, the leaders to rotate, the cells to cover and the rules;
    after solving, the solver's figures (objective, proven bound, gap, times)."""

    SCOPE_PATH = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="rotation_plans",
        verbose_name=_("cấp ủy lập kế hoạch"),
    )
    name = models.CharField(_("tên kế hoạch"), max_length=255)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    committee = models.ForeignKey(
        "committees.Committee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cấp ủy có các đồng chí luân phiên"),
    )
    # The rules (domain.md §6; the regulation in force gives the defaults).
    max_per_month = models.PositiveSmallIntegerField(
        _("số buổi tối đa mỗi đồng chí một tháng"), default=2
    )
    min_months_between = models.PositiveSmallIntegerField(
        _("không dự lại cùng chi bộ trong vòng (tháng)"), default=3
    )
    cover_priority = models.BooleanField(
        _("mỗi chi bộ ưu tiên có ít nhất một lượt dự trong kỳ"), default=True
    )
    min_per_leader = models.PositiveSmallIntegerField(
        _("số lượt tối thiểu mỗi đồng chí trong kỳ"), default=1
    )
    max_leaders_per_meeting = models.PositiveSmallIntegerField(
        _("số đồng chí tối đa dự một buổi"), default=1
    )
    balance_weight = models.PositiveSmallIntegerField(
        _("trọng số cân bằng tải"),
        default=10,
        help_text=_(
            "Một lượt lệch khỏi mức bình quân được cân với bao nhiêu điểm trọng số chi bộ. "
            "Số lượt của người nhiều nhất luôn được giảm trước."
        ),
    )
    time_limit = models.PositiveSmallIntegerField(_("thời gian giải tối đa (giây)"), default=30)
    default_meeting_day = models.PositiveSmallIntegerField(
        _("ngày sinh hoạt dự kiến của chi bộ chưa có lịch"),
        null=True,
        blank=True,
        help_text=_(
            "Chi bộ chưa có buổi sinh hoạt nào trong kỳ và chưa có lịch định kỳ sẽ được tạo "
            "buổi sinh hoạt thường kỳ vào ngày này hằng tháng. Để trống: không tạo."
        ),
    )

    status = models.CharField(
        _("tình trạng"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("lần giải"), default=0)
    solver_status = models.CharField(
        _("kết quả giải"), max_length=12, choices=SolverStatus.choices, blank=True
    )
    objective = models.BigIntegerField(_("giá trị mục tiêu"), null=True, blank=True)
    best_bound = models.BigIntegerField(_("cận dưới đã chứng minh"), null=True, blank=True)
    gap = models.FloatField(_("khoảng cách tới cận (tỷ lệ)"), null=True, blank=True)
    proven_optimal = models.BooleanField(_("đã chứng minh tối ưu"), default=False)
    wall_time = models.FloatField(_("thời gian giải (giây)"), null=True, blank=True)
    greedy_objective = models.BigIntegerField(
        _("mục tiêu của phương án tham lam"), null=True, blank=True
    )
    summary = models.JSONField(_("số liệu lần giải"), default=dict, blank=True)
    infeasibility = models.TextField(_("lý do không có phương án"), blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ giải (%)"), default=0)
    progress_message = models.CharField(_("thông báo tiến độ giải"), max_length=255, blank=True)
    solve_started_at = models.DateTimeField(_("bắt đầu giải lúc"), null=True, blank=True)
    solved_at = models.DateTimeField(_("giải xong lúc"), null=True, blank=True)
    changed_at = models.DateTimeField(
        _("thay đổi dữ liệu lúc"),
        null=True,
        blank=True,
        help_text=_("Lần cuối thay đổi dữ liệu đầu vào hoặc ghim."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người áp dụng"),
    )
    adopted_at = models.DateTimeField(_("áp dụng lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["progress", "progress_message", "summary", "changed_at"]
    )

    class Meta:
        verbose_name = _("kế hoạch luân phiên")
        verbose_name_plural = _("kế hoạch luân phiên")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="rotation_plan_period",
                violation_error_message=_("Ngày kết thúc kỳ phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(max_per_month__gte=1),
                name="rotation_plan_max_per_month",
                violation_error_message=_("Mỗi tháng phải cho phép ít nhất một buổi."),
            ),
            models.CheckConstraint(
                condition=Q(max_leaders_per_meeting__gte=1),
                name="rotation_plan_leaders_per_meeting",
                violation_error_message=_("Mỗi buổi phải cho phép ít nhất một đồng chí."),
            ),
            models.CheckConstraint(
                condition=Q(default_meeting_day__isnull=True)
                | Q(default_meeting_day__gte=1) & Q(default_meeting_day__lte=28),
                name="rotation_plan_meeting_day",
                violation_error_message=_("Ngày sinh hoạt dự kiến từ 1 đến 28."),
            ),
            models.CheckConstraint(
                condition=Q(time_limit__gte=1) & Q(time_limit__lte=600),
                name="rotation_plan_time_limit",
                violation_error_message=_("Thời gian giải từ 1 đến 600 giây."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rotation:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else self.gap * 100

    @property
    def needs_replan(self) -> bool:
        """Inputs or pins changed since the last solve."""
        return bool(
            self.solved_at and self.changed_at and self.changed_at > self.solved_at
        ) and self.status in (PlanStatus.SOLVED, PlanStatus.INFEASIBLE)


class RotationLeader(models.Model):
    """Đồng chí luân phiên: a committee member in the plan, with the seat they attend under and
    the attendances they still owe under the regulation (quota shortfall)."""

    SCOPE_PATH = "plan__organization__path"

    plan = models.ForeignKey(
        RotationPlan, on_delete=models.CASCADE, related_name="leaders", verbose_name=_("kế hoạch")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("đồng chí")
    )
    seat = models.ForeignKey(
        "committees.Seat", on_delete=models.PROTECT, related_name="+", verbose_name=_("chức vụ")
    )
    shortfall = models.PositiveSmallIntegerField(
        _("số lượt còn thiếu phải bù"),
        default=0,
        help_text=_("So với định mức của quy định tính đến ngày bắt đầu kỳ."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đồng chí luân phiên")
        verbose_name_plural = _("đồng chí luân phiên")
        ordering = ["plan", "member__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "member"],
                name="rotation_leader_once",
                violation_error_message=_("Đồng chí này đã có trong kế hoạch."),
            )
        ]

    def __str__(self) -> str:
        return self.member.full_name


class RotationCell(models.Model):
    """Chi bộ trong kế hoạch: a cell to cover, its weight and whether it is a priority
    (a locality flagged "địa bàn khó khăn" or "tình hình phức tạp")."""

    SCOPE_PATH = "plan__organization__path"

    plan = models.ForeignKey(
        RotationPlan, on_delete=models.CASCADE, related_name="cells", verbose_name=_("kế hoạch")
    )
    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chi bộ"),
    )
    weight = models.PositiveSmallIntegerField(_("trọng số"), default=1)
    priority = models.BooleanField(_("ưu tiên"), default=False)
    reason = models.CharField(_("lý do ưu tiên"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chi bộ trong kế hoạch")
        verbose_name_plural = _("chi bộ trong kế hoạch")
        ordering = ["plan", "-priority", "-weight", "cell__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "cell"],
                name="rotation_cell_once",
                violation_error_message=_("Chi bộ này đã có trong kế hoạch."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10),
                name="rotation_cell_weight",
                violation_error_message=_("Trọng số từ 1 đến 10."),
            ),
        ]

    def __str__(self) -> str:
        return self.cell.name


class RotationUnavailability(models.Model):
    """Lịch vắng: dates a leader cannot attend (a mission, leave, a conference)."""

    SCOPE_PATH = "plan__organization__path"

    plan = models.ForeignKey(
        RotationPlan,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("kế hoạch"),
    )
    leader = models.ForeignKey(
        RotationLeader,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("đồng chí"),
    )
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lịch vắng")
        verbose_name_plural = _("lịch vắng")
        ordering = ["plan", "start_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="rotation_unavailability_range",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} {self.start_on:%d/%m/%Y}–{self.end_on:%d/%m/%Y}"


class RotationAssignment(models.Model):
    """Phân công: one leader at one scheduled cell meeting, with the reason in plain words.

    ``pinned`` assignments are kept by every re-plan; ``kept`` says the assignment was already in
    the previous solution (minimal change); ``attendance`` is the planned attendance created when
    the plan was adopted.
    """

    SCOPE_PATH = "plan__organization__path"

    plan = models.ForeignKey(
        RotationPlan,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("kế hoạch"),
    )
    leader = models.ForeignKey(
        RotationLeader,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("đồng chí"),
    )
    cell = models.ForeignKey(
        RotationCell,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("chi bộ"),
    )
    meeting = models.ForeignKey(
        "meetings.CellMeeting",
        on_delete=models.PROTECT,
        related_name="rotation_assignments",
        verbose_name=_("buổi sinh hoạt"),
    )
    date = models.DateField(_("ngày"))
    pinned = models.BooleanField(_("ghim"), default=False)
    kept = models.BooleanField(_("giữ từ phương án trước"), default=False)
    explanation = models.TextField(_("lý do phân công"), blank=True)
    attendance = models.ForeignKey(
        "meetings.Attendance",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lượt dự sinh hoạt chi bộ"),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["plan", "date", "id"]
        indexes = [models.Index(fields=["plan", "leader", "date"], name="rotation_assign_leader")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "leader", "meeting"],
                name="rotation_assignment_once",
                violation_error_message=_("Đồng chí đã được phân công dự buổi này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.cell} {self.date:%d/%m/%Y}"


class RotationPlanEvent(models.Model):
    """A plan's state changes: created, solved, pinned, adopted… (who, when, note)."""

    SCOPE_PATH = "plan__organization__path"

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=PlanEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("diễn biến kế hoạch")
        verbose_name_plural = _("diễn biến kế hoạch")
        ordering = ["plan", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class RotationFeedToken(models.Model):
    """Đường dẫn lịch: a secret URL a leader's calendar app subscribes to (no login).

    Only the SHA-256 of the token is stored; the URL is shown once when issued. Revoking stops
    the feed at once; issuing a new one revokes the old.
    """

    SCOPE_PATH = "organization__path"
    PREFIX = "lich_"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cấp ủy cấp"),
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("đồng chí")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("đường dẫn lịch")
        verbose_name_plural = _("đường dẫn lịch")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member} {self.hint}…"

    @classmethod
    def new_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
