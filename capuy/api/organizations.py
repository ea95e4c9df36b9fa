"""API for the organization tree (tổ chức đảng) and its dated flags (đánh dấu địa bàn)."""

import django_filters
from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins

from capuy.core.scoping import VIEW
from capuy.organizations import services
from capuy.organizations.choices import FlagKind, OrgKind, UnitType
from capuy.organizations.filters import filter_organizations
from capuy.organizations.models import Organization, OrganizationFlag

from .serializers import ScopedRelatedField, ServiceSerializer
from .viewsets import ScopedViewSet, ServiceWritesMixin


def with_parent_pk(qs):
    """Annotate ``parent_pk`` (treebeard keeps no parent column) in the same query."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    parents = Organization.objects.order_by().filter(path=parent_path).values("pk")[:1]
    return qs.annotate(parent_pk=Subquery(parents))


def visible_organization(request, pk) -> Organization | None:
    return Organization.objects.visible_to(request.user, VIEW).filter(pk=pk).first()


class OrganizationFlagSerializer(ServiceSerializer):
    """Đánh dấu địa bàn: khó khăn or phức tạp from ``valid_from`` to ``valid_to``."""

    organization = ScopedRelatedField(Organization)

    class Meta:
        model = OrganizationFlag
        fields = ["id", "organization", "kind", "valid_from", "valid_to", "note"]
        create_only_fields = ["organization"]


@extend_schema_field(OpenApiTypes.INT)
class ParentField(ScopedRelatedField):
    """Written as an id on creation; read from the ``parent_pk`` annotation."""

    def get_attribute(self, instance):
        return instance.parent_pk

    def to_representation(self, value):
        return value


class OrganizationSerializer(ServiceSerializer):
    """Tổ chức đảng: a node of the tree, with its subtree member count and its flags."""

    parent = ParentField(
        Organization,
        allow_null=True,
        help_text=_("Tổ chức cấp trên (chỉ khi thành lập); để trống để tạo đảng bộ tỉnh."),
    )
    flags = OrganizationFlagSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "unit_type",
            "parent",
            "path",
            "depth",
            "established_on",
            "dissolved_on",
            "merged_into",
            "member_count",
            "flags",
        ]
        read_only_fields = ["path", "depth", "dissolved_on", "merged_into", "member_count"]
        create_only_fields = ["parent", "kind"]
        extra_kwargs = {"kind": {"help_text": _("Loại tổ chức (chỉ khi thành lập).")}}


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    unit_type = django_filters.ChoiceFilter(choices=UnitType.choices)
    parent = django_filters.NumberFilter(
        method="filter_parent", label=_("Con trực tiếp của tổ chức (id)")
    )
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    valid_on = django_filters.DateFilter(
        method="filter_valid_on", label=_("Còn hoạt động tại ngày")
    )
    flag = django_filters.ChoiceFilter(
        choices=FlagKind.choices,
        method="filter_flag",
        label=_("Có đánh dấu còn hiệu lực (tại valid_on, mặc định hôm nay)"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Tên hoặc mã, không cần dấu"))

    class Meta:
        model = Organization
        fields = ["kind", "unit_type"]

    # An id the user may not see filters everything out, exactly like an id that does not exist.
    def filter_parent(self, qs, name, value):
        parent = visible_organization(self.request, value)
        if parent is None:
            return qs.none()
        return qs.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_under(self, qs, name, value):
        root = visible_organization(self.request, value)
        if root is None:
            return qs.none()
        return qs.filter(path__startswith=root.path)

    def filter_valid_on(self, qs, name, value):
        return qs.valid_on(value)

    def filter_flag(self, qs, name, value):
        day = self.form.cleaned_data.get("valid_on") or timezone.localdate()
        return filter_organizations(qs, flag=value, on=day, include_dissolved=True)

    def filter_q(self, qs, name, value):
        return filter_organizations(qs, q=value, include_dissolved=True)


class OrganizationViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Tổ chức đảng in tree order. Creating one needs ``parent`` (thành lập under it)."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["path", "code", "name", "member_count"]

    def get_queryset(self):
        flags = OrganizationFlag.objects.order_by("valid_from", "id")
        qs = Organization.objects.visible_to(self.request.user, VIEW).prefetch_related(
            Prefetch("flags", queryset=flags)
        )
        return with_parent_pk(qs).order_by("path")

    def service_create(self, data):
        return services.organization_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.organization_update(
            acting_user=self.request.user, organization=instance, **data
        )


class OrganizationFlagFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter()
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    kind = django_filters.ChoiceFilter(choices=FlagKind.choices)
    active_on = django_filters.DateFilter(
        method="filter_active_on", label=_("Còn hiệu lực tại ngày")
    )

    class Meta:
        model = OrganizationFlag
        fields = ["organization", "kind"]

    def filter_under(self, qs, name, value):
        root = visible_organization(self.request, value)
        if root is None:
            return qs.none()
        return qs.filter(organization__path__startswith=root.path)

    def filter_active_on(self, qs, name, value):
        return qs.active_on(value)


class OrganizationFlagViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Đánh dấu địa bàn khó khăn / tình hình phức tạp, each valid from one date to another."""

    serializer_class = OrganizationFlagSerializer
    filterset_class = OrganizationFlagFilter
    ordering_fields = ["valid_from", "valid_to", "kind"]

    def get_queryset(self):
        return OrganizationFlag.objects.visible_to(self.request.user, VIEW).order_by(
            "organization__path", "valid_from", "id"
        )

    def service_create(self, data):
        return services.organization_flag_add(acting_user=self.request.user, **data)
