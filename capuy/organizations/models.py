from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from capuy.core.scoping import ScopedQuerySet
from capuy.core.vntext import search_key

from .choices import CELL_KINDS, FlagKind, OrgKind, UnitType, level_of_kind


class OrganizationQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    def valid_on(self, day: date):
        """Organizations that existed on ``day`` (established before, not yet dissolved)."""
        return self.filter(
            Q(established_on__isnull=True) | Q(established_on__lte=day),
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=day),
        )

    def cells(self):
        return self.filter(kind__in=CELL_KINDS)


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, action="view"):
        return self.get_queryset().visible_to(user, action)


class Organization(MP_Node):
    """Tổ chức đảng: a node of the party tree (đảng bộ tỉnh … chi bộ trực thuộc).

    Stored as a materialized path (django-treebeard), so "everything under X" is one indexed
    prefix filter. Dissolved and merged organizations stay in the tree for history.
    """

    SCOPE_PATH = "path"
    steplen = 4
    # Set by the tree page on the node it opens. Defaults here because a template lookup of a
    # missing attribute is slow (Django calls dir() on the instance): 1.000 misses a page.
    preloaded = False
    loaded_children = ()
    more_children = False

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại tổ chức"), max_length=32, choices=OrgKind.choices)
    unit_type = models.CharField(
        _("loại hình đơn vị"), max_length=32, choices=UnitType.choices, blank=True
    )
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("hợp nhất vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    # Members whose current cell lies in this node's subtree (itself included). Kept exact by the
    # member services in the same transaction, so the tree page reads it instead of counting.
    member_count = models.PositiveIntegerField(_("số đảng viên"), default=0, editable=False)
    search_text = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = OrganizationManager()
    history = HistoricalRecords(excluded_fields=["member_count", "numchild", "search_text"])

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="organization_dissolved_after_established",
                violation_error_message=_("Ngày giải thể phải sau ngày thành lập."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "path"], name="org_kind_path"),
            # "Children of P" is depth = d + 1 AND path LIKE 'P%': one short index range. Without
            # it PostgreSQL walked the unique path index from the start (170.000 rows, 130 ms).
            models.Index(
                fields=["depth", "path"],
                name="org_depth_path",
                opclasses=["int4_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("organizations:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.name} {self.code}")[:255]
        super().save(*args, **kwargs)

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and all its ancestors (treebeard's fixed-width steps)."""
        return [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def level(self) -> str:
        return level_of_kind(self.kind)

    def is_valid_on(self, day: date) -> bool:
        return (self.established_on is None or self.established_on <= day) and (
            self.dissolved_on is None or self.dissolved_on >= day
        )


class OrganizationFlagQuerySet(ScopedQuerySet):
    def active_on(self, day: date):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class OrganizationFlag(models.Model):
    """A dated flag: "địa bàn khó khăn" or "tình hình phức tạp" from one date to another."""

    SCOPE_PATH = "organization__path"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="flags", verbose_name=_("tổ chức")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=FlagKind.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = OrganizationFlagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đánh dấu địa bàn")
        verbose_name_plural = _("đánh dấu địa bàn")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orgflag_valid_to_after_from",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization}"
