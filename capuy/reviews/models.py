import json

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import CHANGE, VIEW, ScopedQuerySet, scope_paths, scope_q

from .choices import (
    DecisionLevel,
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


def along_the_branch_q(lookup: str, paths: list[str]) -> Q:
    """Rows whose organization is one of ``paths``, below one, or above one (an ancestor)."""
    q = Q()
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
        q |= Q(**{f"{lookup}__in": [path[:end] for end in range(4, len(path), 4)]})
    return q


def at_a_root(paths: list[str]) -> bool:
    """Whether one of the user's grants sits at a tree root (the province)."""
    return any(len(path) == 4 for path in paths)


class RuleSetQuerySet(models.QuerySet):
    """National rule sets are read by everyone and changed from a tree root; a provincial
    overlay is read along its organization's branch (by those below it, who work under it, and
    above it) and changed by those who may change that organization."""

    def visible_to(self, user, action: str = VIEW):
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        if action == VIEW:
            return self.filter(
                Q(organization__isnull=True) | along_the_branch_q("organization__path", paths)
            )
        national = Q(organization__isnull=True) if at_a_root(paths) else Q(pk=None)
        return self.filter(national | scope_q("organization__path", paths))


class RuleSet(models.Model):
    """Quy định + hướng dẫn đánh giá, xếp loại of a range of review years (domain.md §2–§5).

    Everything that differs between regimes is data here: how a level is derived, the quota,
    exemptions, disqualifiers, deadlines and form codes. ``config`` holds the structured parts
    (see capuy/reviews/rules.py for its schema). A provincial overlay points at its ``base``
    and an ``organization``; it overrides only what it sets (a blank column, a key absent from
    ``config``), and ``capuy.reviews.rulesets.effective_rules`` merges the two.
    """

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    regulation = models.CharField(_("quy định"), max_length=100, help_text=_("Ví dụ: QĐ 132-QĐ/TW"))
    guidance = models.CharField(_("hướng dẫn"), max_length=100, blank=True)
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    derivation = models.CharField(
        _("cách xác định mức"), max_length=10, choices=Derivation.choices, blank=True
    )
    quota_percent = models.DecimalField(
        _("tỷ lệ HTXSNV tối đa (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    quota_denominator = models.CharField(
        _("mẫu số của tỷ lệ"), max_length=20, choices=QuotaDenominator.choices, blank=True
    )
    quota_grouping = models.CharField(
        _("phạm vi tính tỷ lệ"), max_length=20, choices=QuotaGrouping.choices, blank=True
    )
    quota_rounding = models.CharField(
        _("làm tròn"), max_length=10, choices=Rounding.choices, blank=True
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

    objects = RuleSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ quy tắc đánh giá, xếp loại")
        verbose_name_plural = _("bộ quy tắc đánh giá, xếp loại")
        ordering = ["-first_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(base__isnull=True, organization__isnull=True)
                | Q(base__isnull=False, organization__isnull=False),
                name="ruleset_overlay_has_base_and_org",
                violation_error_message=_(
                    "Bộ quy tắc riêng của một tỉnh phải có bộ quy tắc gốc và tổ chức áp dụng."
                ),
            ),
            models.CheckConstraint(
                condition=Q(base__isnull=False)
                | Q(
                    quota_percent__isnull=False,
                    derivation__in=["ratings", "score"],
                    quota_denominator__in=["httnv", "httnv_or_above"],
                    quota_grouping__in=["grassroots", "similar_role"],
                    quota_rounding__in=["floor", "half_up", "ceil"],
                ),
                name="ruleset_national_is_complete",
                violation_error_message=_(
                    "Bộ quy tắc toàn quốc phải có đủ cách xác định mức và cách tính tỷ lệ."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="ruleset_years_order",
                violation_error_message=_("Năm kết thúc phải sau năm bắt đầu áp dụng."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.regulation}{' + ' + self.guidance if self.guidance else ''})"

    @property
    def is_overlay(self) -> bool:
        return self.base_id is not None

    def covers_year(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class ManifestationQuerySet(models.QuerySet):
    """The national catalogue: read by every signed-in user with a role, changed from a root."""

    def visible_to(self, user, action: str = VIEW):
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if action == CHANGE:
            return self if at_a_root(paths) else self.none()
        return self if paths else self.none()

    def delete(self):
        refuse_deleting_linked(self)
        return super().delete()


class Manifestation(models.Model):
    """One of the 27 manifestations of degradation (NQ 04-NQ/TW): three groups of nine.

    ``confirmed`` says whether the wording was checked against the official text; the unchecked
    ones ship as "[chưa đối chiếu] …" and the office corrects them on the catalogue page.
    """

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
    active = models.BooleanField(_("đang dùng"), default=True)
    source = models.CharField(_("nguồn"), max_length=500, blank=True)

    objects = ManifestationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biểu hiện suy thoái")
        verbose_name_plural = _("biểu hiện suy thoái")
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "number"],
                name="manifestation_unique_code",
                violation_error_message=_("Nhóm này đã có biểu hiện mang số thứ tự này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    @property
    def code(self) -> str:
        return f"{self.group}{self.number}"

    def delete(self, *args, **kwargs):
        refuse_deleting_linked([self])
        return super().delete(*args, **kwargs)


def manifestation_codes() -> dict[int, str]:
    """The catalogue's codes by id, in its order (group, number): one query, 27 rows."""
    return {m.pk: m.code for m in Manifestation.objects.only("group", "number")}


def codes_of(ids, catalogue: dict[int, str]) -> list[str]:
    """The codes of the manifestations ``ids`` (a review's links) in the catalogue's order."""
    linked = set(ids or ())
    return [code for pk, code in catalogue.items() if pk in linked]


class ReviewCycleQuerySet(ScopedQuerySet):
    """A cycle is seen along its branch: by those inside its scope (a cell secretary sees the
    province's cycle her members are reviewed in) and above it; it is changed (closed, its
    deadlines set) by those who may change its scope organization."""

    def visible_to(self, user, action: str = VIEW):
        if action != VIEW:
            return super().visible_to(user, action)
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(along_the_branch_q("organization__path", paths))


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
    deadlines = models.JSONField(
        _("thời hạn theo cấp"),
        default=dict,
        blank=True,
        help_text=_("Cấp quyết định → ngày (yyyy-mm-dd)."),
    )
    closed_levels = models.JSONField(_("các cấp đã khóa sổ"), default=list, blank=True)
    opened_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người mở đợt"),
    )
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)

    objects = ReviewCycleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt đánh giá, xếp loại")
        verbose_name_plural = _("đợt đánh giá, xếp loại")
        ordering = ["-year", "-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="cycle_period_order",
                violation_error_message=_("Ngày kết thúc kỳ phải sau ngày bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["organization", "period_start", "period_end"],
                name="cycle_one_per_scope_period",
                violation_error_message=_("Phạm vi này đã có đợt đánh giá cho kỳ này."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reviews:cycle_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def level_closed(self, level: str) -> bool:
        return level in (self.closed_levels or [])


class ReviewQuerySet(ScopedQuerySet):
    def required(self):
        """Subjects that must be reviewed (everyone but the exempt)."""
        return self.exclude(status=ReviewStatus.EXEMPT)


class _ReviewHistory(HistoricalRecords):
    """The review's history rows, indexed by review only.

    They are read per review (``history_rows``: its rows by ``id``, then sorted); an index of
    the date or the user across every review would serve no page, and each one costs an
    import of 100.000 rows ~0,15 s of index writes. The user is kept as it was when a user
    is deleted (no constraint, nothing cascaded: scanning the history for the user's rows
    would take minutes at national scale), and a page shows a missing user as the system.
    """

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        extra["history_date"] = models.DateTimeField(db_index=False)
        return extra

    def _get_history_user_fields(self):
        return {
            "history_user": models.ForeignKey(
                settings.AUTH_USER_MODEL,
                null=True,
                related_name="+",
                on_delete=models.DO_NOTHING,
                db_constraint=False,
                db_index=False,
            )
        }


class Review(models.Model):
    """Kiểm điểm, đánh giá, xếp loại của một đối tượng trong một đợt: one row per subject.

    The subject is an organization, a member, a leader collective (a committee) or one post of
    an individual leader (a seat: a cadre with posts in two organizations is reviewed in each).
    ``organization`` is where the subject sits (the organization itself, the member's cell, the
    committee's or the seat's organization) and ``org_path`` its tree path (scope, roll-ups).
    ``competent_path`` is the organization whose committee decides (cấp có thẩm quyền) and
    ``decision_level`` its level, by which a cycle closes. ``quota_group`` is the key the
    excellent-quota is counted in (per the rule set's grouping). These are fixed when the cycle
    opens, so that counting and checking never walk the tree.
    """

    SCOPE_PATH = "org_path"

    # Opening a national cycle writes 5.6 million rows in one statement, so this table is
    # lean on purpose: few indexes (the composite ones below lead with the columns the checks
    # and reads filter on; the foreign keys get none of their own), and no database-level
    # foreign-key constraint. PostgreSQL checks such a constraint row by row and locks the
    # referenced row each time (FOR KEY SHARE on every member), which made the commit cost
    # twice the insert; on committee and seat it queued a check for every row, NULL or not
    # (~7 s an opening). The opener only inserts ids it has just joined from their tables, and
    # Django still applies on_delete (CASCADE, PROTECT).
    #
    # Each row is then rewritten three or four times (self-review, proposal, decision), and
    # an import rewrites a whole province in one transaction. On PostgreSQL the table is
    # therefore half-filled (fillfactor 50, migration 0006) and no index holds a column those
    # steps change: the new version of a row then stays on its page (a "HOT" update, no index
    # entry to add) instead of landing in whatever hole the free-space map offers across the
    # country's table — measured on 11,8 M reviews, an import's UPDATE dirtied two pages a
    # row and wrote 16 times the WAL.
    cycle = models.ForeignKey(
        ReviewCycle,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("đợt đánh giá"),
        db_index=False,
        db_constraint=False,
    )
    subject_kind = models.CharField(_("loại đối tượng"), max_length=12, choices=SubjectKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức"),
        db_index=False,
        db_constraint=False,
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("đảng viên"),
        db_index=False,
        db_constraint=False,
    )
    committee = models.ForeignKey(
        "committees.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tập thể"),
        db_index=False,
        db_constraint=False,
    )
    seat = models.ForeignKey(
        "committees.Seat",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chức vụ"),
        db_index=False,
        db_constraint=False,
    )
    org_path = models.CharField(_("đường dẫn tổ chức"), max_length=255)
    competent_path = models.CharField(
        _("cấp có thẩm quyền (đường dẫn)"), max_length=255, db_default=""
    )
    decision_level = models.CharField(
        _("cấp quyết định"), max_length=8, choices=DecisionLevel.choices, db_default="co_so"
    )
    quota_group = models.CharField(_("nhóm tính tỷ lệ"), max_length=255, blank=True, db_default="")
    member_status = models.CharField(
        _("tình trạng đảng viên lúc mở đợt"),
        max_length=12,
        blank=True,
        db_default="",
        help_text=_("chính thức hoặc dự bị vào ngày mở đợt"),
    )
    seat_role = models.CharField(_("chức vụ"), max_length=32, blank=True, db_default="")
    unit_type = models.CharField(_("loại hình đơn vị"), max_length=32, blank=True, db_default="")
    org_kind = models.CharField(_("loại tổ chức"), max_length=32, blank=True, db_default="")

    status = models.CharField(
        _("tình trạng"),
        max_length=15,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_default=ReviewStatus.PENDING,
    )
    exemption = models.CharField(
        _("không kiểm điểm/xếp loại vì"),
        max_length=20,
        choices=Exemption.choices,
        blank=True,
        default="",
        db_default="",
    )
    exemption_note = models.CharField(
        _("ghi chú miễn"), max_length=500, blank=True, default="", db_default=""
    )
    classify = models.BooleanField(
        _("được xếp loại"),
        default=True,
        db_default=True,
        help_text=_("Có kiểm điểm nhưng không xếp loại (ví dụ mới kết nạp dưới 6 tháng, HD 21)."),
    )

    ratings = models.JSONField(_("xếp loại từng tiêu chí"), default=dict, blank=True, db_default={})
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
        db_default={},
        help_text=_(
            "kỷ luật, kết luận suy thoái, % chỉ tiêu, xếp loại công chức, nghỉ ốm, thai sản…"
        ),
    )
    self_text = models.TextField(_("bản tự kiểm điểm"), blank=True, default="", db_default="")
    # Liên hệ biểu hiện: the ids of the catalogue's manifestations linked, ascending. A list on
    # the row rather than a table of links: an import links 200.000 at once, and as rows they
    # were a fifth of its writes (0,9 s of 4,6 s); on the row they come with it, into the
    # review's history too. Nothing reads reviews by manifestation; a linked manifestation is
    # deactivated, never deleted (``Manifestation.delete``).
    manifestation_ids = models.JSONField(
        _("liên hệ biểu hiện"), default=list, blank=True, db_default=[]
    )
    manifestations_text = models.TextField(
        _("liên hệ biểu hiện khác"), blank=True, default="", db_default=""
    )
    manifestations_linked = models.BooleanField(
        _("đã liên hệ biểu hiện"), default=False, db_default=False, editable=False
    )

    self_level = models.CharField(
        _("tự xếp loại"), max_length=6, choices=Level.choices, blank=True, db_default=""
    )
    proposed_level = models.CharField(
        _("mức đề xuất"), max_length=6, choices=Level.choices, blank=True, db_default=""
    )
    decided_level = models.CharField(
        _("mức quyết định"), max_length=6, choices=Level.choices, blank=True, db_default=""
    )
    derived_level = models.CharField(
        _("mức theo quy tắc"), max_length=6, choices=Level.choices, blank=True, db_default=""
    )
    locked = models.BooleanField(_("đã khóa"), default=False, db_default=False)

    objects = ReviewQuerySet.as_manager()
    # The history rows are read per review (by ``id``); the other foreign keys copied into
    # them get no index and the user no constraint, for the same reason as ReviewEvent's (an
    # import writes 100.000 of them in one transaction).
    history = _ReviewHistory(
        no_db_index=["cycle", "organization", "member", "committee", "seat"],
        excluded_fields=[
            "org_path",
            "competent_path",
            "quota_group",
            "member_status",
            "seat_role",
            "unit_type",
            "org_kind",
            "decision_level",
        ],
    )

    class Meta:
        verbose_name = _("kiểm điểm, xếp loại")
        verbose_name_plural = _("kiểm điểm, xếp loại")
        indexes = [
            models.Index(
                fields=["cycle", "org_path"],
                name="review_cycle_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # not decided_level: a decision would no longer be a HOT update (see above); a
            # quota group is a grassroots organization's members, read from the heap
            models.Index(fields=["cycle", "quota_group"], name="review_quota"),
            # a cell's party members (the secretary's phone page, its list of cells): by the
            # cell's id, which neither an import nor a step changes (updates stay HOT)
            models.Index(
                fields=["cycle", "organization"],
                name="review_cell_members",
                condition=Q(subject_kind="member"),
            ),
            # the organizations under a node still undecided (order warnings, closing)
            models.Index(
                fields=["cycle", "org_path"],
                name="review_cycle_units",
                opclasses=["int8_ops", "varchar_pattern_ops"],
                condition=Q(subject_kind="organization"),
            ),
        ]
        constraints = [
            # member first: it also serves "the reviews of this member" and deleting one
            models.UniqueConstraint(
                fields=["member", "cycle"],
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
                fields=["committee", "cycle"],
                condition=Q(subject_kind="collective"),
                name="review_one_per_collective",
                violation_error_message=_("Tập thể đã có trong đợt đánh giá này."),
            ),
            models.UniqueConstraint(
                fields=["seat", "cycle"],
                condition=Q(subject_kind="leader"),
                name="review_one_per_post",
                violation_error_message=_("Chức vụ này đã có trong đợt đánh giá này."),
            ),
            models.CheckConstraint(
                condition=Q(subject_kind="organization")
                | Q(subject_kind="member", member__isnull=False)
                | Q(subject_kind="collective", committee__isnull=False)
                | Q(subject_kind="leader", seat__isnull=False, member__isnull=False),
                name="review_subject_named",
                violation_error_message=_("Đối tượng kiểm điểm chưa được xác định."),
            ),
            models.CheckConstraint(
                condition=Q(decided_level="") | Q(status="decided"),
                name="review_decided_level_only_when_decided",
                violation_error_message=_("Chỉ ghi mức quyết định khi đã quyết định."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}: {self.subject_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reviews:review_detail", args=[self.pk])

    @property
    def subject_name(self) -> str:
        """The subject as people name it: the member, "BTV Đảng ủy …", "Bí thư — Đảng ủy …"."""
        if self.subject_kind == SubjectKind.MEMBER:
            return self.member.full_name
        if self.subject_kind == SubjectKind.COLLECTIVE:
            return f"{self.committee.get_kind_display()} {self.organization.name}"
        if self.subject_kind == SubjectKind.LEADER:
            return f"{self.member.full_name} — {self.seat.get_role_display()}"
        return self.organization.name

    @property
    def is_individual(self) -> bool:
        return self.subject_kind in (SubjectKind.MEMBER, SubjectKind.LEADER)

    @property
    def is_reviewed(self) -> bool:
        return self.status in (
            ReviewStatus.SELF_REVIEWED,
            ReviewStatus.PROPOSED,
            ReviewStatus.DECIDED,
        )

    @classmethod
    def history_display(cls, field_name: str, value, memo: dict) -> str | None:
        """How the history page shows a value it cannot read by itself: the links by their
        codes ("A1, B3"), not their ids; the catalogue read once a page (``memo``)."""
        if field_name != "manifestation_ids":
            return None
        if "manifestation_codes" not in memo:
            memo["manifestation_codes"] = manifestation_codes()
        return ", ".join(codes_of(value, memo["manifestation_codes"]))

    def linked_manifestations(self) -> list[Manifestation]:
        """The manifestations linked (``manifestation_ids``), in the catalogue's order."""
        if not self.manifestation_ids:
            return []
        return list(Manifestation.objects.filter(pk__in=self.manifestation_ids))


def reviews_link(manifestation_pk: int) -> bool:
    """Whether any review links the manifestation (a scan of the reviews: deleting one from
    the catalogue is rare, and an index on the links would cost every import its HOT
    updates)."""
    table = Review._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE manifestation_ids @> %s::jsonb)",
                [json.dumps([manifestation_pk])],
            )
        else:
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table}, json_each({table}.manifestation_ids) AS j"
                " WHERE j.value = %s)",
                [manifestation_pk],
            )
        return bool(cursor.fetchone()[0])


def refuse_deleting_linked(manifestations) -> None:
    """A manifestation some review links stays in the catalogue (the office deactivates it):
    refused before anything is deleted, as Django refuses deleting what a PROTECT foreign key
    points to."""
    linked = [m for m in manifestations if reviews_link(m.pk)]
    if linked:
        raise ProtectedError(
            gettext(
                "Biểu hiện %(codes)s đã được liên hệ trong bản kiểm điểm: không xóa được, chỉ "
                "ngừng dùng."
            )
            % {"codes": ", ".join(m.code for m in linked)},
            set(linked),
        )


class ReviewEvent(models.Model):
    """A step of one review: self-assessment, proposal, decision, reopening — who, when, what.

    ``data`` keeps what the step recorded (ratings, scores, conditions, manifestations) and
    ``warnings`` the order warnings shown when it was taken.
    """

    SCOPE_PATH = "review__org_path"

    # No database constraint and no index of its own on ``review`` (``(review, at)`` serves it),
    # nor either on ``by``: an import of 100.000 results writes 300.000 events in one
    # transaction, and PostgreSQL checks a constraint row by row, locking the review it points
    # at (the same review the import has just updated) — that was a third of the import's
    # time; each index costs another tenth. Events are read by review, only written next to
    # it, and Django still applies on_delete (a user is deactivated, not deleted, so clearing
    # ``by`` after a deletion may scan).
    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    step = models.CharField(_("bước"), max_length=10, choices=ReviewStep.choices)
    level = models.CharField(_("mức"), max_length=6, choices=Level.choices, blank=True)
    derived_level = models.CharField(
        _("mức theo quy tắc"), max_length=6, choices=Level.choices, blank=True
    )
    override_reason = models.TextField(_("lý do chọn mức khác"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    at = models.DateTimeField(auto_now_add=True)
    # the day of the meeting where the step was taken (chi bộ's meeting, the committee's
    # session), when it is known: the "Ngày" column of an imported file; ``at`` is when it
    # was recorded
    held_on = models.DateField(_("ngày họp"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("diễn biến đánh giá")
        verbose_name_plural = _("diễn biến đánh giá")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["review", "at"], name="reviewevent_review_at")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.level}"


class ReviewTally(models.Model):
    """Bảng đếm kết quả kiểm điểm, xếp loại: how many reviews of a cycle, under one node of the
    tree (``prefix``, a path of depth 1..``tally.DEPTH``; ``own``: on the node itself), have
    the report's keys (kind, category, sub-category, outcome, reason, linked) and the
    coverage's (deciding level, decided).

    Derived data, never written by Python: PostgreSQL triggers on ``reviews_review`` keep it
    exact for every write (capuy/reviews/tally.py); ``recount_review_tally`` rebuilds it.
    """

    cycle = models.ForeignKey(
        ReviewCycle,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    depth = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=255)
    own = models.BooleanField()
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    category = models.CharField(max_length=32)
    sub = models.CharField(max_length=32)
    outcome = models.CharField(max_length=6)
    reason = models.CharField(max_length=20)
    linked = models.BooleanField()
    # the coverage's keys (migration 0011): who decides, and whether decided
    decision_level = models.CharField(max_length=10, default="", db_default="")
    decided = models.BooleanField(default=False, db_default=False)
    n = models.BigIntegerField()

    class Meta:
        verbose_name = _("bảng đếm kết quả xếp loại")
        verbose_name_plural = _("bảng đếm kết quả xếp loại")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "cycle",
                    "depth",
                    "prefix",
                    "own",
                    "subject_kind",
                    "category",
                    "sub",
                    "outcome",
                    "reason",
                    "linked",
                    "decision_level",
                    "decided",
                ],
                name="reviewtally_one_per_group",
                violation_error_message=_("Nhóm này đã có trong bảng đếm."),
            )
        ]
        # The nodes under a path (``prefix LIKE 'P%'``): the constraint's index compares
        # prefixes by the database's collation, which LIKE cannot range over, so a district's
        # coverage read its province's ~8.500 rows of that depth (5 ms; 2 ms by this index). The
        # triggers change ``n`` only, so updates stay HOT: the index costs new groups alone.
        indexes = [
            models.Index(
                fields=["cycle", "depth", "prefix"],
                name="reviewtally_under_path",
                opclasses=["int8_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.subject_kind} {self.outcome}: {self.n}"
