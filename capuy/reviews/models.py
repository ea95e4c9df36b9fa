from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet

from .choices import (
    Derivation,
    Exemption,
    Level,
    PeriodKind,
    QuotaDenominator,
    QuotaGrouping,
    ReviewStatus,
    ReviewStep,
    Rounding,
    SubjectKind,
)


class RuleSet(models.Model):
    """Quy định + hướng dẫn đánh giá, xếp loại of a range of review years (domain.md §2–§5).

    Everything that differs between regimes is data here: how a level is derived, the quota,
    exemptions, disqualifiers, deadlines and form codes. ``config`` holds the structured parts
    (criteria, score bands and conditions, exemption effects, disqualifier list, form codes);
    a provincial overlay points at its ``base`` and overrides only what it names.
    """

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    regulation = models.CharField(_("quy định"), max_length=100, help_text=_("Ví dụ: QĐ 132-QĐ/TW"))
    guidance = models.CharField(_("hướng dẫn"), max_length=100, blank=True)
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    derivation = models.CharField(_("cách xác định mức"), max_length=10, choices=Derivation.choices)
    quota_percent = models.DecimalField(
        _("tỷ lệ HTXSNV tối đa (%)"), max_digits=5, decimal_places=2, default=20
    )
    quota_denominator = models.CharField(
        _("mẫu số của tỷ lệ"),
        max_length=20,
        choices=QuotaDenominator.choices,
        default=QuotaDenominator.HTTNV,
    )
    quota_grouping = models.CharField(
        _("phạm vi tính tỷ lệ"),
        max_length=20,
        choices=QuotaGrouping.choices,
        default=QuotaGrouping.GRASSROOTS,
    )
    quota_rounding = models.CharField(
        _("làm tròn"), max_length=10, choices=Rounding.choices, default=Rounding.FLOOR
    )
    config = models.JSONField(_("cấu hình chi tiết"), default=dict, blank=True)
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overlays",
        verbose_name=_("bộ quy tắc gốc"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("áp dụng riêng cho"),
        help_text=_("Để trống với bộ quy tắc toàn quốc."),
    )
    unconfirmed_notes = models.TextField(_("điểm chưa xác nhận"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ quy tắc đánh giá, xếp loại")
        verbose_name_plural = _("bộ quy tắc đánh giá, xếp loại")
        ordering = ["-first_year", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.regulation}{' + ' + self.guidance if self.guidance else ''})"


class Manifestation(models.Model):
    """One of the 27 manifestations of degradation (NQ 04-NQ/TW): three groups of nine."""

    group = models.CharField(
        _("nhóm"),
        max_length=1,
        choices=[
            ("A", _("Tư tưởng chính trị")),
            ("B", _("Đạo đức, lối sống")),
            ("C", _("Tự diễn biến, tự chuyển hóa")),
        ],
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung"))
    confirmed = models.BooleanField(_("đã đối chiếu văn bản chính thức"), default=False)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biểu hiện suy thoái")
        verbose_name_plural = _("biểu hiện suy thoái")
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="manifestation_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.group}{self.number}. {self.text[:80]}"

    @property
    def code(self) -> str:
        return f"{self.group}{self.number}"


class ReviewCycle(models.Model):
    """Đợt kiểm điểm, đánh giá, xếp loại: a period (year, quarter or term) in a subtree."""

    SCOPE_PATH = "organization__path"

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("bộ quy tắc")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="review_cycles",
        verbose_name=_("phạm vi"),
    )
    name = models.CharField(_("tên đợt"), max_length=255)
    period_kind = models.CharField(
        _("kỳ"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    deadlines = models.JSONField(_("thời hạn theo cấp"), default=dict, blank=True)
    closed_levels = models.JSONField(_("các cấp đã khóa sổ"), default=list, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt đánh giá, xếp loại")
        verbose_name_plural = _("đợt đánh giá, xếp loại")
        ordering = ["-year", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="cycle_period_order",
                violation_error_message=_("Ngày kết thúc kỳ phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewQuerySet(ScopedQuerySet):
    def required(self):
        return self.exclude(status=ReviewStatus.EXEMPT)


class Review(models.Model):
    """Kiểm điểm, đánh giá, xếp loại của một đối tượng trong một đợt: one row per subject.

    The subject is an organization, a member, a leader collective (a committee) or one post of
    an individual leader (a seat: a cadre with two posts is reviewed in each). ``org_path`` is
    where the subject sits in the tree (scope and roll-ups); ``quota_group`` is the key the
    excellent-quota is counted in (per the rule set's grouping).
    """

    SCOPE_PATH = "org_path"

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    subject_kind = models.CharField(_("loại đối tượng"), max_length=12, choices=SubjectKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức"),
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("đảng viên"),
    )
    committee = models.ForeignKey(
        "committees.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tập thể"),
    )
    seat = models.ForeignKey(
        "committees.Seat",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chức vụ"),
    )
    org_path = models.CharField(max_length=255)
    quota_group = models.CharField(max_length=255, blank=True)
    member_status = models.CharField(
        max_length=12, blank=True, help_text="chính thức / dự bị at opening"
    )
    unit_type = models.CharField(max_length=32, blank=True)
    org_kind = models.CharField(max_length=32, blank=True)

    status = models.CharField(
        _("tình trạng"), max_length=15, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    exemption = models.CharField(
        _("không đánh giá/xếp loại vì"),
        max_length=20,
        choices=Exemption.choices,
        blank=True,
        default="",
    )
    exemption_note = models.CharField(_("ghi chú miễn"), max_length=500, blank=True)
    classify = models.BooleanField(
        _("được xếp loại"),
        default=True,
        help_text=_("Có kiểm điểm nhưng không xếp loại (ví dụ mới kết nạp dưới 6 tháng, HD 21)."),
    )

    ratings = models.JSONField(_("xếp loại từng tiêu chí"), default=dict, blank=True)
    score_general = models.DecimalField(
        _("điểm tiêu chí chung (tối đa 30)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_tasks = models.DecimalField(
        _("điểm kết quả nhiệm vụ (tối đa 70)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    conditions = models.JSONField(
        _("điều kiện, tình huống"),
        default=dict,
        blank=True,
        help_text=_(
            "kỷ luật, kết luận suy thoái, % chỉ tiêu, xếp loại công chức, nghỉ ốm, thai sản…"
        ),
    )
    self_text = models.TextField(_("bản tự kiểm điểm"), blank=True)
    manifestations = models.ManyToManyField(
        Manifestation, blank=True, related_name="reviews", verbose_name=_("liên hệ biểu hiện")
    )
    manifestations_text = models.TextField(_("liên hệ biểu hiện khác"), blank=True)
    manifestations_linked = models.BooleanField(default=False, editable=False)

    self_level = models.CharField(_("tự xếp loại"), max_length=6, choices=Level.choices, blank=True)
    proposed_level = models.CharField(
        _("mức đề xuất"), max_length=6, choices=Level.choices, blank=True
    )
    decided_level = models.CharField(
        _("mức quyết định"), max_length=6, choices=Level.choices, blank=True
    )
    derived_level = models.CharField(
        _("mức theo quy tắc"), max_length=6, choices=Level.choices, blank=True
    )
    locked = models.BooleanField(_("đã khóa"), default=False)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["org_path", "quota_group"])

    class Meta:
        verbose_name = _("kiểm điểm, xếp loại")
        verbose_name_plural = _("kiểm điểm, xếp loại")
        indexes = [
            models.Index(
                fields=["cycle", "org_path"],
                name="review_cycle_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["cycle", "quota_group", "decided_level"], name="review_quota"),
            models.Index(fields=["cycle", "subject_kind", "status"], name="review_kind_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "member"],
                condition=Q(subject_kind="member"),
                name="review_one_per_member",
                violation_error_message=_("Đảng viên đã có trong đợt đánh giá này."),
            ),
            models.UniqueConstraint(
                fields=["cycle", "organization"],
                condition=Q(subject_kind="organization"),
                name="review_one_per_org",
                violation_error_message=_("Tổ chức đã có trong đợt đánh giá này."),
            ),
            models.UniqueConstraint(
                fields=["cycle", "committee"],
                condition=Q(subject_kind="collective"),
                name="review_one_per_collective",
            ),
            models.UniqueConstraint(
                fields=["cycle", "seat"],
                condition=Q(subject_kind="leader"),
                name="review_one_per_post",
            ),
        ]

    def __str__(self) -> str:
        subject = self.member or self.committee or self.seat or self.organization
        return f"{self.get_subject_kind_display()}: {subject}"


class ReviewEvent(models.Model):
    """A step of one review: self-assessment, proposal, decision, reopening — who, when, what."""

    SCOPE_PATH = "review__org_path"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=10, choices=ReviewStep.choices)
    level = models.CharField(max_length=6, choices=Level.choices, blank=True)
    derived_level = models.CharField(max_length=6, choices=Level.choices, blank=True)
    override_reason = models.TextField(blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("diễn biến đánh giá")
        verbose_name_plural = _("diễn biến đánh giá")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.level}"
