"""API for terms (nhiệm kỳ), committees (cấp ủy) and seats (chức vụ trong cấp ủy)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers

from capuy.committees import services
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.core.scoping import VIEW
from capuy.members.models import Member
from capuy.organizations.choices import SeatLevel
from capuy.organizations.models import Organization

from .organizations import visible_organization
from .serializers import ScopedRelatedField, ServiceSerializer
from .viewsets import ScopedViewSet, ServiceWritesMixin


class TermSerializer(ServiceSerializer):
    """Nhiệm kỳ (khóa) of an organization."""

    organization = ScopedRelatedField(Organization)

    class Meta:
        model = Term
        fields = ["id", "organization", "name", "start_on", "end_on"]
        create_only_fields = ["organization"]


class CommitteeSerializer(ServiceSerializer):
    """Cấp ủy: the BCH or BTV of an organization for one term."""

    term = ScopedRelatedField(Term)
    organization = serializers.IntegerField(
        source="term.organization_id", read_only=True, help_text=_("Tổ chức của nhiệm kỳ.")
    )

    class Meta:
        model = Committee
        fields = ["id", "term", "organization", "kind"]
        create_only_fields = ["term", "kind"]


class SeatSerializer(ServiceSerializer):
    """Chức vụ: a member's place on a committee from one date to another."""

    committee = ScopedRelatedField(Committee)
    member = ScopedRelatedField(Member)
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    level = serializers.ChoiceField(
        choices=SeatLevel.choices,
        read_only=True,
        help_text=_("Cấp của chức vụ, theo tổ chức của cấp ủy."),
    )

    class Meta:
        model = Seat
        fields = [
            "id",
            "committee",
            "member",
            "member_name",
            "role",
            "level",
            "start_on",
            "end_on",
            "note",
        ]
        create_only_fields = ["committee", "member"]


class TermFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter()
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )

    class Meta:
        model = Term
        fields = ["organization"]

    def filter_under(self, qs, name, value):
        root = visible_organization(self.request, value)
        if root is None:
            return qs.none()
        return qs.filter(organization__path__startswith=root.path)


class CommitteeFilter(django_filters.FilterSet):
    term = django_filters.NumberFilter()
    organization = django_filters.NumberFilter(field_name="term__organization")
    kind = django_filters.ChoiceFilter(choices=CommitteeKind.choices)

    class Meta:
        model = Committee
        fields = ["term", "kind"]


class SeatFilter(django_filters.FilterSet):
    committee = django_filters.NumberFilter()
    member = django_filters.NumberFilter()
    role = django_filters.ChoiceFilter(choices=SeatRole.choices)
    held_on = django_filters.DateFilter(method="filter_held_on", label=_("Đang giữ tại ngày"))
    level = django_filters.ChoiceFilter(
        choices=SeatLevel.choices, method="filter_level", label=_("Cấp của chức vụ")
    )

    class Meta:
        model = Seat
        fields = ["committee", "member", "role"]

    def filter_held_on(self, qs, name, value):
        return qs.held_on(value)

    def filter_level(self, qs, name, value):
        return qs.at_level(value)


class TermViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Nhiệm kỳ (khóa) of an organization's committees, newest first within each organization."""

    serializer_class = TermSerializer
    filterset_class = TermFilter
    ordering_fields = ["start_on", "name"]

    def get_queryset(self):
        return Term.objects.visible_to(self.request.user, VIEW).order_by(
            "organization__path", "-start_on", "id"
        )

    def service_create(self, data):
        return services.term_create(acting_user=self.request.user, **data)


class CommitteeViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Ban Chấp hành / Ban Thường vụ of an organization for one term."""

    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter
    ordering_fields = ["kind", "id"]

    def get_queryset(self):
        return (
            Committee.objects.visible_to(self.request.user, VIEW)
            .select_related("term")
            .order_by("term__organization__path", "-term__start_on", "kind", "id")
        )

    def service_create(self, data):
        return services.committee_create(acting_user=self.request.user, **data)


class SeatViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Chức vụ: a member's place on a committee, dated. End one by setting ``end_on``."""

    serializer_class = SeatSerializer
    filterset_class = SeatFilter
    ordering_fields = ["start_on", "end_on", "role", "id"]

    def get_queryset(self):
        return (
            Seat.objects.visible_to(self.request.user, VIEW)
            .select_related("member", "committee__term__organization")
            .order_by("committee__term__organization__path", "committee_id", "start_on", "id")
        )

    def service_create(self, data):
        return services.seat_assign(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.seat_update(acting_user=self.request.user, seat=instance, **data)
