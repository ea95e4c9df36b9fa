from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capuy.core.scoping import ScopedQuerySet
from capuy.organizations.choices import SeatLevel, level_of_kind

from .choices import CommitteeKind, SeatRole


class Term(models.Model):
    """Nhiệm kỳ / khóa of an organization's committees, e.g. khóa XIX, 2015–2020."""

    SCOPE_PATH = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="terms",
        verbose_name=_("tổ chức"),
    )
    name = models.CharField(_("khóa"), max_length=20, help_text=_("Ví dụ: XIX"))
    start_on = models.DateField(_("bắt đầu"))
    end_on = models.DateField(_("kết thúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["organization", "-start_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="term_unique_name_per_org",
                violation_error_message=_("Tổ chức này đã có nhiệm kỳ cùng tên."),
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gt=models.F("start_on")),
                name="term_end_after_start",
                violation_error_message=_("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        years = (
            f"{self.start_on.year}–{self.end_on.year}" if self.end_on else f"{self.start_on.year}–"
        )
        return _("Khóa %(name)s (%(years)s)") % {"name": self.name, "years": years}


class Committee(models.Model):
    """Cấp ủy: the executive (BCH) or standing (BTV) committee of an organization in a term."""

    SCOPE_PATH = "term__organization__path"

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="committees", verbose_name=_("nhiệm kỳ")
    )
    kind = models.CharField(_("loại"), max_length=8, choices=CommitteeKind.choices)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấp ủy")
        verbose_name_plural = _("cấp ủy")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "kind"],
                name="committee_unique_kind_per_term",
                violation_error_message=_("Nhiệm kỳ này đã có cấp ủy loại này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.term.organization.name} {self.term}"

    @property
    def organization(self):
        return self.term.organization

    @property
    def level(self) -> str:
        return level_of_kind(self.term.organization.kind)


class SeatQuerySet(ScopedQuerySet):
    def held_on(self, day: date):
        return self.filter(Q(start_on__lte=day), Q(end_on__isnull=True) | Q(end_on__gte=day))

    def at_level(self, level: str):
        from capuy.organizations.choices import LEVEL_OF_KIND

        kinds = [kind for kind, lvl in LEVEL_OF_KIND.items() if lvl == level]
        if level == SeatLevel.CO_SO:
            return self.exclude(committee__term__organization__kind__in=list(LEVEL_OF_KIND))
        return self.filter(committee__term__organization__kind__in=kinds)


class Seat(models.Model):
    """A member's place on a committee (ủy viên BCH, bí thư…) from one date to another.

    Its level (tỉnh / huyện / xã / cơ sở) follows from the committee's organization, and is the
    level an attendance counts at.
    """

    SCOPE_PATH = "committee__term__organization__path"

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="seats", verbose_name=_("cấp ủy")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("đảng viên"),
    )
    role = models.CharField(_("chức vụ"), max_length=32, choices=SeatRole.choices)
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = SeatQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chức vụ cấp ủy")
        verbose_name_plural = _("chức vụ cấp ủy")
        ordering = ["committee", "role", "start_on"]
        indexes = [models.Index(fields=["member", "start_on"], name="seat_member_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="seat_end_after_start",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display()} ({self.committee})"

    @property
    def level(self) -> str:
        return self.committee.level

    def is_held_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)
