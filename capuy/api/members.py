"""API for party members (đảng viên) and their transfers (chuyển sinh hoạt)."""

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.core.scoping import VIEW
from capuy.core.vntext import nfc, search_key
from capuy.members import services
from capuy.members.choices import Gender, MemberStatus
from capuy.members.models import Member, MemberTransfer
from capuy.members.selectors import member_search_q
from capuy.organizations.models import Organization

from .organizations import visible_organization
from .serializers import ScopedRelatedField, ServiceSerializer
from .viewsets import ScopedViewSet, ServiceWritesMixin


class MemberSerializer(ServiceSerializer):
    """Đảng viên: name parts, dates, status and current cell."""

    cell = ScopedRelatedField(
        Organization,
        help_text=_("Chi bộ sinh hoạt (khi thêm mới; sau đó đổi bằng chuyển sinh hoạt)."),
    )
    cell_name = serializers.CharField(source="cell.name", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "ho",
            "ten_dem",
            "ten",
            "full_name",
            "birth_date",
            "gender",
            "card_number",
            "admitted_on",
            "official_on",
            "status",
            "cell",
            "cell_name",
        ]
        create_only_fields = ["cell"]


class MemberTransferSerializer(serializers.ModelSerializer):
    """Chuyển sinh hoạt: a member's move from one cell to another on a date."""

    class Meta:
        model = MemberTransfer
        fields = [
            "id",
            "member",
            "from_cell",
            "to_cell",
            "transferred_on",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields


class MemberTransferRequestSerializer(serializers.Serializer):
    """Where and when to move the member."""

    to_cell = ScopedRelatedField(Organization, help_text=_("Chi bộ chuyển đến."))
    transferred_on = serializers.DateField(label=_("ngày chuyển"))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MemberFilter(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        method="filter_org", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    cell = django_filters.NumberFilter(label=_("Sinh hoạt tại chi bộ (id)"))
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)
    gender = django_filters.ChoiceFilter(choices=Gender.choices)
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Họ tên, có dấu hoặc không dấu; tên viết đúng dấu được xếp trước"),
    )

    class Meta:
        model = Member
        fields = ["cell", "status", "gender"]

    def filter_org(self, qs, name, value):
        org = visible_organization(self.request, value)
        if org is None:
            return qs.none()
        return qs.filter(org_path__startswith=org.path)

    def filter_q(self, qs, name, value):
        # The member list page's rule (capuy.members.selectors): the same matches, and the
        # names spelled exactly as typed first, since dropping tones conflates Hùng and Hưng.
        raw = " ".join(nfc(value).split())
        if not search_key(raw):
            return qs
        exact_first = Case(
            When(full_name__icontains=raw, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            qs.filter(member_search_q(raw))
            .annotate(rank=exact_first)
            .order_by("rank", "sort_key", "id")
        )


class MemberViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Đảng viên in roster order (tên, họ, tên đệm), or best match first when searching."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["sort_key", "birth_date", "admitted_on", "id"]

    def get_queryset(self):
        return Member.objects.visible_to(self.request.user, VIEW).select_related("cell").roster()

    def service_create(self, data):
        return services.member_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.member_update(acting_user=self.request.user, member=instance, **data)

    def service_destroy(self, instance):
        services.member_delete(acting_user=self.request.user, member=instance)

    @extend_schema(
        request=MemberTransferRequestSerializer,
        responses={status.HTTP_201_CREATED: MemberTransferSerializer},
        summary=_("Chuyển sinh hoạt đảng viên sang chi bộ khác"),
    )
    @action(detail=True, methods=["post"], serializer_class=MemberTransferRequestSerializer)
    def transfer(self, request, pk=None):
        member = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = services.member_transfer(
            acting_user=request.user, member=member, **serializer.validated_data
        )
        return Response(MemberTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class MemberTransferFilter(django_filters.FilterSet):
    member = django_filters.NumberFilter()
    from_cell = django_filters.NumberFilter()
    to_cell = django_filters.NumberFilter()
    transferred_after = django_filters.DateFilter(field_name="transferred_on", lookup_expr="gte")
    transferred_before = django_filters.DateFilter(field_name="transferred_on", lookup_expr="lte")

    class Meta:
        model = MemberTransfer
        fields = ["member", "from_cell", "to_cell"]


class MemberTransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Chuyển sinh hoạt, read only: a transfer is recorded by POST /members/{id}/transfer/."""

    serializer_class = MemberTransferSerializer
    filterset_class = MemberTransferFilter
    ordering_fields = ["transferred_on", "id"]

    def get_queryset(self):
        return MemberTransfer.objects.visible_to(self.request.user, VIEW).order_by(
            "-transferred_on", "-id"
        )
