"""Cuộc vận động ủng hộ: a donation campaign, the pledges and the contributions it collects.

Money is integer đồng. Every pledge and contribution stores the tree path of the contributor
(``org_path``: the unit's own path, or the member's cell), so roll-ups per node are one
``GROUP BY`` on a path prefix, and scoping is one indexed prefix filter.

Counting rule for on-behalf contributions (a unit collecting for its members): the money is one
``Contribution`` credited to the unit; the members it covers are ``ContributionShare`` rows.
Totals add contribution amounts only, so the money is counted once, at the unit; the shares
exist so that the acknowledgement list can name each member ("qua Chi bộ …").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import VIEW, ScopedQuerySet, scope_paths, scope_q

from .choices import CampaignEventKind, ContributionStatus, ContributorKind, PledgeStatus

PATH_STEP = 4  # treebeard's steplen for Organization


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


class CampaignQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = VIEW):
        """A campaign is seen by everyone whose part of the tree it covers, and changed only
        by those whose subtree holds the organization that runs it.

        A district's staff must see the province's campaign to record their units' money;
        they may not edit the campaign itself (``CHANGE`` keeps the plain subtree rule).
        """
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        condition = scope_q("org_path", paths)
        if action == VIEW:
            covering = sorted({a for p in paths for a in ancestor_paths(p)})
            condition |= Q(org_path__in=covering)
        return self.filter(condition)


class Campaign(models.Model):
    """Cuộc vận động ủng hộ, as answered by one organization of the tree and its subtree.

    ``launched_by`` is who called for it (e.g. Ủy ban Trung ương MTTQ Việt Nam); the
    ``organization`` is the part of the tree that responds, which sets who sees and records it.
    ``next_receipt_no`` is the next receipt number, taken under a row lock (never reused).
    """

    SCOPE_PATH = "org_path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("tổ chức hưởng ứng"),
    )
    org_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("tên cuộc vận động"), max_length=255)
    launched_by = models.CharField(_("cơ quan phát động"), max_length=255)
    purpose = models.TextField(_("mục đích"))
    start_on = models.DateField(_("ngày bắt đầu"))
    end_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    goal = models.PositiveBigIntegerField(_("chỉ tiêu (đồng)"), null=True, blank=True)
    next_receipt_no = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["org_path", "next_receipt_no"])

    class Meta:
        verbose_name = _("cuộc vận động ủng hộ")
        verbose_name_plural = _("cuộc vận động ủng hộ")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(
                fields=["org_path"], name="campaign_org_path", opclasses=["varchar_pattern_ops"]
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="campaign_end_after_start",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(goal__gt=0),
                name="campaign_goal_positive",
                violation_error_message=_("Chỉ tiêu phải lớn hơn 0 đồng."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaigns:detail", args=[self.pk])


class ContributorFields(models.Model):
    """Who gives: a unit (``organization``) or a member (``member``, with their cell then)."""

    kind = models.CharField(_("đối tượng"), max_length=12, choices=ContributorKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đảng viên"),
    )
    # The name as written on the receipt and the acknowledgement list, kept as it was then.
    contributor_name = models.CharField(_("người/đơn vị ủng hộ"), max_length=255)
    org_path = models.CharField(max_length=255, editable=False)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_member(self) -> bool:
        return self.kind == ContributorKind.MEMBER


def _contributor_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(amount__gt=0),
            name=f"{prefix}_amount_positive",
            violation_error_message=_("Số tiền phải lớn hơn 0 đồng."),
        ),
        models.CheckConstraint(
            condition=Q(kind=ContributorKind.MEMBER, member__isnull=False)
            | Q(kind=ContributorKind.ORGANIZATION, member__isnull=True),
            name=f"{prefix}_kind_matches",
            violation_error_message=_("Đóng góp cá nhân phải ghi đảng viên; của đơn vị thì không."),
        ),
    ]


class Pledge(ContributorFields):
    """Đăng ký ủng hộ: an amount promised. ``received`` adds the valid contributions paid
    against it (kept by the contribution services under the pledge's row lock)."""

    SCOPE_PATH = "org_path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("cuộc vận động")
    )
    pledged_on = models.DateField(_("ngày đăng ký"))
    received = models.PositiveBigIntegerField(_("đã nộp (đồng)"), default=0, editable=False)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.ACTIVE
    )
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["org_path", "received"])

    class Meta:
        verbose_name = _("đăng ký ủng hộ")
        verbose_name_plural = _("đăng ký ủng hộ")
        ordering = ["campaign", "org_path", "id"]
        indexes = [
            models.Index(
                fields=["campaign", "org_path"],
                name="pledge_campaign_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            )
        ]
        constraints = [
            *_contributor_constraints("pledge"),
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                condition=Q(member__isnull=True, status=PledgeStatus.ACTIVE),
                name="pledge_one_per_unit",
                violation_error_message=_("Đơn vị này đã đăng ký trong cuộc vận động này."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=Q(member__isnull=False, status=PledgeStatus.ACTIVE),
                name="pledge_one_per_member",
                violation_error_message=_("Đồng chí này đã đăng ký trong cuộc vận động này."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PledgeStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="pledge_cancel_has_reason",
                violation_error_message=_("Hủy đăng ký thì phải nêu lý do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contributor_name}: {self.amount}"

    @property
    def outstanding(self) -> int:
        return max(self.amount - self.received, 0) if self.status == PledgeStatus.ACTIVE else 0


class Contribution(ContributorFields):
    """Đóng góp: money received, with its receipt number (sequential per campaign, never
    reused: a voided contribution keeps its number and leaves the totals)."""

    SCOPE_PATH = "org_path"

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("cuộc vận động"),
    )
    receipt_no = models.PositiveIntegerField(_("số biên lai"))
    received_on = models.DateField(_("ngày nhận"))
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("theo đăng ký"),
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=8,
        choices=ContributionStatus.choices,
        default=ContributionStatus.VALID,
    )
    void_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True)
    voided_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người hủy"),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("đóng góp")
        verbose_name_plural = _("đóng góp")
        ordering = ["campaign", "receipt_no"]
        indexes = [
            # The roll-up reads (campaign, path prefix, amount) of valid rows from the index alone.
            models.Index(
                fields=["campaign", "org_path", "amount"],
                name="contribution_rollup",
                opclasses=["int8_ops", "varchar_pattern_ops", "int8_ops"],
                condition=Q(status=ContributionStatus.VALID),
            ),
            models.Index(fields=["campaign", "received_on"], name="contribution_campaign_day"),
            models.Index(fields=["member"], name="contribution_member"),
        ]
        constraints = [
            *_contributor_constraints("contribution"),
            models.UniqueConstraint(
                fields=["campaign", "receipt_no"],
                name="contribution_unique_receipt",
                violation_error_message=_("Số biên lai này đã được dùng trong cuộc vận động."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ContributionStatus.VOIDED) | ~Q(void_reason=""),
                name="contribution_void_has_reason",
                violation_error_message=_("Hủy biên lai thì phải nêu lý do."),
            ),
        ]

    def __str__(self) -> str:
        return _("Biên lai số %(number)s — %(name)s") % {
            "number": self.receipt_no,
            "name": self.contributor_name,
        }

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaigns:contribution_detail", args=[self.pk])

    @property
    def is_valid(self) -> bool:
        return self.status == ContributionStatus.VALID


class ContributionTotal(models.Model):
    """What the valid contributions of a campaign add up to at one node of the tree (the
    contributors' own ``org_path``), so a roll-up groups one row per node instead of every
    receipt. Kept by the contribution services inside the receipt's transaction (under the
    campaign's row lock), like ``Organization.member_count``; ``rebuild_contribution_totals``
    recomputes it from the receipts, and the tests and the benchmark check that both agree."""

    SCOPE_PATH = "org_path"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="totals")
    org_path = models.CharField(max_length=255)
    received = models.BigIntegerField(default=0)
    contributions = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng đóng góp tại một tổ chức")
        verbose_name_plural = _("tổng đóng góp theo tổ chức")
        indexes = [
            models.Index(
                fields=["campaign", "org_path"],
                name="contribution_total_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org_path"],
                name="contribution_total_once",
                violation_error_message=_("Tổ chức này đã có dòng tổng."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_path}: {self.received}"


class ContributionShare(models.Model):
    """A member covered by a unit's on-behalf contribution (nộp thay qua đơn vị).

    Not money of its own: totals never add shares. ``amount`` is the member's part when the
    unit recorded it, or empty when the unit collected without a split.
    """

    SCOPE_PATH = "contribution__org_path"

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="shares", verbose_name=_("đóng góp")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("đảng viên")
    )
    member_name = models.CharField(_("họ và tên"), max_length=200)
    amount = models.PositiveBigIntegerField(_("phần của đồng chí (đồng)"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đảng viên được nộp thay")
        verbose_name_plural = _("đảng viên được nộp thay")
        ordering = ["contribution", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "member"],
                name="share_once_per_contribution",
                violation_error_message=_("Đảng viên này đã có trong danh sách nộp thay."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="share_amount_positive",
                violation_error_message=_("Phần đóng góp của từng đồng chí phải lớn hơn 0 đồng."),
            ),
        ]

    def __str__(self) -> str:
        return self.member_name


class CampaignEvent(models.Model):
    """A line in the campaign's ledger: who did what, when (append-only)."""

    SCOPE_PATH = "org_path"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=CampaignEventKind.choices)
    contribution = models.ForeignKey(
        Contribution, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    org_path = models.CharField(max_length=255, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện vận động")
        verbose_name_plural = _("sự kiện vận động")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["campaign", "at"], name="campaign_event_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.note}"
