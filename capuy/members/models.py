from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet
from capuy.core.vntext import nfc, search_key, sort_key

from .choices import Gender, MemberStatus


class MemberQuerySet(ScopedQuerySet):
    def roster(self):
        """Vietnamese roster order: given name, family name, middle name (domain.md §13)."""
        return self.order_by("sort_key", "id")


class Member(models.Model):
    """Đảng viên. Only the fields the work needs: no address, phone or ID-card number.

    ``org_path`` copies the current cell's tree path so that scope filters and subtree counts
    on millions of members are one indexed prefix scan, without a join.
    """

    SCOPE_PATH = "org_path"

    ho = models.CharField(_("họ"), max_length=50)
    ten_dem = models.CharField(_("tên đệm"), max_length=80, blank=True)
    ten = models.CharField(_("tên"), max_length=50)
    full_name = models.CharField(_("họ và tên"), max_length=200, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    card_number = models.CharField(
        _("số thẻ đảng viên"), max_length=20, unique=True, null=True, blank=True
    )
    admitted_on = models.DateField(_("ngày vào Đảng"))
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.DU_BI
    )
    cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("chi bộ"),
    )
    org_path = models.CharField(max_length=255, editable=False)
    sort_key = models.CharField(max_length=200, editable=False)
    search_text = models.CharField(max_length=200, editable=False)
    given_search = models.CharField(max_length=50, editable=False)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["org_path", "sort_key", "search_text", "given_search", "full_name"]
    )

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        indexes = [
            models.Index(
                fields=["org_path"], name="member_org_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["org_path", "sort_key"], name="member_scope_sort"),
            models.Index(fields=["sort_key", "id"], name="member_sort"),
            models.Index(
                fields=["search_text"], name="member_search", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["given_search"], name="member_given", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                name="member_official_after_admitted",
                violation_error_message=_("Ngày chính thức phải sau ngày vào Đảng."),
            ),
            models.CheckConstraint(
                condition=Q(status="du_bi") | Q(official_on__isnull=False),
                name="member_official_has_date",
                violation_error_message=_("Đảng viên chính thức phải có ngày chính thức."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("members:detail", args=[self.pk])

    def fill_derived(self) -> None:
        """Recompute the stored display, sort and search columns from the name parts."""
        self.ho, self.ten_dem, self.ten = (
            nfc(self.ho).strip(),
            nfc(self.ten_dem).strip(),
            nfc(self.ten).strip(),
        )
        self.full_name = " ".join(part for part in (self.ho, self.ten_dem, self.ten) if part)
        self.sort_key = sort_key(self.ten, self.ho, self.ten_dem)[:200]
        self.search_text = search_key(self.full_name)[:200]
        self.given_search = search_key(self.ten)[:50]
        if self.cell_id and not self.org_path:
            self.org_path = self.cell.path


class MemberTransfer(models.Model):
    """Chuyển sinh hoạt đảng: a member's move from one cell to another on a date."""

    SCOPE_PATH = "member__org_path"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("từ chi bộ"),
    )
    to_cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đến chi bộ"),
    )
    transferred_on = models.DateField(_("ngày chuyển"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyển sinh hoạt")
        verbose_name_plural = _("chuyển sinh hoạt")
        ordering = ["member", "transferred_on", "id"]
        indexes = [models.Index(fields=["member", "transferred_on"], name="transfer_member_date")]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_cell} ({self.transferred_on:%d/%m/%Y})"
