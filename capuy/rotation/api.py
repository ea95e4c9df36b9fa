"""API for the rotation planner (kế hoạch luân phiên): plans with their leaders, cells,
unavailability and assignments; ``run`` queues the CP-SAT solve, ``adopt`` turns the plan into
planned attendances. Reads come from ``visible_to``; writes call capuy.rotation.services.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.api.organizations import visible_organization
from capuy.api.serializers import ScopedRelatedField, ServiceSerializer
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.committees.models import Committee, Seat
from capuy.core.scoping import VIEW
from capuy.meetings.models import CellMeeting
from capuy.members.models import Member
from capuy.organizations.models import Organization

from . import services
from .models import (
    RotationAssignment,
    RotationCell,
    RotationLeader,
    RotationPlan,
    RotationUnavailability,
)

RULES = [
    "max_per_month",
    "min_months_between",
    "cover_priority",
    "min_per_leader",
    "max_leaders_per_meeting",
    "balance_weight",
    "time_limit",
    "default_meeting_day",
]
RESULTS = [
    "status",
    "revision",
    "solver_status",
    "objective",
    "best_bound",
    "gap",
    "proven_optimal",
    "wall_time",
    "greedy_objective",
    "infeasibility",
    "progress",
    "progress_message",
    "solved_at",
    "adopted_at",
    "summary",
]


class RotationPlanSerializer(ServiceSerializer):
    """Kế hoạch luân phiên: period, rules and, once solved, the solver's figures: ``objective``,
    the proven lower bound ``best_bound``, ``gap`` (0 when ``proven_optimal``), ``wall_time``
    in seconds and the greedy baseline's objective."""

    organization = ScopedRelatedField(Organization, help_text=_("Cấp ủy lập kế hoạch."))
    committee = ScopedRelatedField(
        Committee,
        required=False,
        allow_null=True,
        help_text=_("Cấp ủy có các đồng chí luân phiên (mặc định: BCH của nhiệm kỳ đang chạy)."),
    )
    include_other_cells = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_("Thêm cả các chi bộ không thuộc địa bàn khó khăn, phức tạp."),
    )
    min_per_leader = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text=_("Để trống: theo định mức của quy định đang có hiệu lực."),
    )

    class Meta:
        model = RotationPlan
        fields = [
            "id",
            "organization",
            "name",
            "period_start",
            "period_end",
            "committee",
            "include_other_cells",
            *RULES,
            *RESULTS,
        ]
        read_only_fields = RESULTS
        create_only_fields = ["organization", "period_start", "period_end", "committee"]


class RunSerializer(serializers.Serializer):
    time_limit = serializers.IntegerField(
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Giới hạn thời gian giải (giây); mặc định theo kế hoạch (30)."),
    )


class RotationLeaderSerializer(ServiceSerializer):
    """Đồng chí luân phiên, with the seat they attend under and the attendances still owed."""

    plan = ScopedRelatedField(RotationPlan)
    member = ScopedRelatedField(Member)
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    seat = ScopedRelatedField(
        Seat, required=False, help_text=_("Mặc định: chức vụ giữ trong kỳ ở cấp ủy lập kế hoạch.")
    )
    shortfall = serializers.IntegerField(
        min_value=0,
        max_value=50,
        required=False,
        help_text=_("Số lượt còn thiếu phải bù (mặc định tính theo quy định)."),
    )

    class Meta:
        model = RotationLeader
        fields = ["id", "plan", "member", "member_name", "seat", "shortfall", "note"]
        create_only_fields = ["plan", "member", "seat"]


class RotationCellSerializer(ServiceSerializer):
    """Chi bộ trong kế hoạch: weight 1–10 and whether it must be visited in the period."""

    plan = ScopedRelatedField(RotationPlan)
    cell = ScopedRelatedField(Organization)
    cell_name = serializers.CharField(source="cell.name", read_only=True)
    weight = serializers.IntegerField(min_value=1, max_value=10, required=False)
    priority = serializers.BooleanField(required=False)

    class Meta:
        model = RotationCell
        fields = ["id", "plan", "cell", "cell_name", "weight", "priority", "reason"]
        read_only_fields = ["reason"]
        create_only_fields = ["plan", "cell"]


class RotationUnavailabilitySerializer(ServiceSerializer):
    """Lịch vắng of a leader."""

    leader = ScopedRelatedField(RotationLeader)
    plan = serializers.IntegerField(source="plan_id", read_only=True)

    class Meta:
        model = RotationUnavailability
        fields = ["id", "plan", "leader", "start_on", "end_on", "reason"]


class RotationAssignmentSerializer(ServiceSerializer):
    """Phân công: a leader at a scheduled cell meeting, with the reason in plain words.

    Creating one pins a new assignment (the next solve keeps it); PATCH ``pinned`` pins or
    unpins an existing one.
    """

    plan = ScopedRelatedField(RotationPlan)
    leader = ScopedRelatedField(RotationLeader)
    meeting = ScopedRelatedField(CellMeeting)
    member_name = serializers.CharField(source="leader.member.full_name", read_only=True)
    cell = serializers.IntegerField(source="cell.cell_id", read_only=True)
    cell_name = serializers.CharField(source="cell.cell.name", read_only=True)
    pinned = serializers.BooleanField(required=False)

    class Meta:
        model = RotationAssignment
        fields = [
            "id",
            "plan",
            "leader",
            "member_name",
            "meeting",
            "cell",
            "cell_name",
            "date",
            "pinned",
            "kept",
            "explanation",
            "attendance",
        ]
        read_only_fields = ["date", "kept", "explanation", "attendance"]
        create_only_fields = ["plan", "leader", "meeting"]


class PlanFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter()
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )

    class Meta:
        model = RotationPlan
        fields = ["organization", "status"]

    def filter_under(self, qs, name, value):
        root = visible_organization(self.request, value)
        if root is None:
            return qs.none()
        return qs.filter(organization__path__startswith=root.path)


class PlanRowsFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label=_("Kế hoạch (id)"))


class AssignmentFilter(PlanRowsFilter):
    leader = django_filters.NumberFilter()
    pinned = django_filters.BooleanFilter()

    class Meta:
        model = RotationAssignment
        fields = ["plan", "leader", "pinned"]


class RotationPlanViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Kế hoạch luân phiên, newest period first."""

    serializer_class = RotationPlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["period_start", "id"]

    def get_queryset(self):
        return (
            RotationPlan.objects.visible_to(self.request.user, VIEW)
            .select_related("organization")
            .order_by("-period_start", "-id")
        )

    def service_create(self, data):
        data = dict(data)
        return services.plan_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        data = {k: v for k, v in data.items() if k != "include_other_cells" and v is not None}
        return services.plan_update(acting_user=self.request.user, plan=instance, **data)

    def service_destroy(self, instance):
        services.plan_delete(acting_user=self.request.user, plan=instance)

    @extend_schema(
        request=RunSerializer,
        responses=RotationPlanSerializer,
        summary=_("Giải kế hoạch (CP-SAT, trong giới hạn thời gian); theo dõi qua GET"),
    )
    @action(detail=True, methods=["post"], serializer_class=RunSerializer)
    def run(self, request, pk=None):
        plan = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.plan_run(acting_user=request.user, plan=plan, **serializer.validated_data)
        return Response(
            RotationPlanSerializer(self.reread(plan), context={"request": request}).data
        )

    @extend_schema(
        request=None,
        responses=RotationPlanSerializer,
        summary=_("Áp dụng kế hoạch: tạo các lượt dự theo kế hoạch"),
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def adopt(self, request, pk=None):
        plan = services.plan_adopt(acting_user=request.user, plan=self.get_object())
        return Response(
            RotationPlanSerializer(self.reread(plan), context={"request": request}).data
        )


class _PlanRowsViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    model = None
    related: tuple = ()

    def get_queryset(self):
        return (
            self.model.objects.visible_to(self.request.user, VIEW)
            .select_related(*self.related)
            .order_by("plan_id", "id")
        )


class RotationLeaderViewSet(
    ServiceWritesMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, _PlanRowsViewSet
):
    """Đồng chí trong các kế hoạch."""

    model = RotationLeader
    related = ("member",)
    serializer_class = RotationLeaderSerializer
    filterset_fields = ["plan", "member"]

    def service_create(self, data):
        return services.leader_add(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.leader_update(acting_user=self.request.user, leader=instance, **data)

    def service_destroy(self, instance):
        services.leader_remove(acting_user=self.request.user, leader=instance)


class RotationCellViewSet(
    ServiceWritesMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, _PlanRowsViewSet
):
    """Chi bộ trong các kế hoạch."""

    model = RotationCell
    related = ("cell",)
    serializer_class = RotationCellSerializer
    filterset_fields = ["plan", "priority"]

    def service_create(self, data):
        return services.cell_add(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.cell_update(acting_user=self.request.user, cell=instance, **data)

    def service_destroy(self, instance):
        services.cell_remove(acting_user=self.request.user, cell=instance)


class RotationUnavailabilityViewSet(ServiceWritesMixin, mixins.DestroyModelMixin, _PlanRowsViewSet):
    """Lịch vắng của các đồng chí."""

    model = RotationUnavailability
    related = ("leader__member",)
    serializer_class = RotationUnavailabilitySerializer
    filterset_fields = ["plan", "leader"]

    def service_create(self, data):
        return services.unavailability_add(acting_user=self.request.user, **data)

    def service_destroy(self, instance):
        services.unavailability_remove(acting_user=self.request.user, unavailability=instance)


class RotationAssignmentViewSet(ServiceWritesMixin, mixins.UpdateModelMixin, _PlanRowsViewSet):
    """Phân công của các kế hoạch, by date."""

    model = RotationAssignment
    related = ("leader__member", "cell__cell")
    serializer_class = RotationAssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        return super().get_queryset().order_by("plan_id", "date", "id")

    def service_create(self, data):
        return services.assignment_add_pinned(
            acting_user=self.request.user,
            plan=data["plan"],
            leader=data["leader"],
            meeting=data["meeting"],
        )

    def service_update(self, instance, data):
        if "pinned" not in data:
            return instance
        if data["pinned"]:
            return services.assignment_pin(acting_user=self.request.user, assignment=instance)
        return services.assignment_unpin(acting_user=self.request.user, assignment=instance)
