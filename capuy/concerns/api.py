"""API for concerns (tâm tư, nguyện vọng, kiến nghị), their events and categories.

Reads come from ``visible_to``. Writes call capuy.concerns.services, which decide who may write
(office and staff; the cell secretary at her own cell; the committee member who received the
concern) and refuse with 403; a status change that skips the lifecycle is a 400 naming both
statuses.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from capuy.api.organizations import visible_organization
from capuy.api.permissions import ScopedPermission, SignedInPermission
from capuy.api.serializers import ScopedRelatedField
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.core.scoping import VIEW, has_any
from capuy.meetings.models import CellMeeting
from capuy.members.models import Member

from . import services
from .choices import ConcernStatus
from .models import Concern, ConcernCategory, ConcernEvent
from .selectors import CLOSED, OPEN, concerns_visible_to, overdue_q, status_q, today


class ConcernWritePermission(ScopedPermission):
    """Signed in with a role that can see something: the service decides each write."""

    def has_permission(self, request, view):
        # signed in past the second factor, then any viewing role (not ScopedPermission's
        # change role for writes: the service decides those)
        if not SignedInPermission.has_permission(self, request, view):
            return False
        return has_any(request.user, VIEW)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or services.may_transition(request.user, obj)


class ConcernCategorySerializer(serializers.ModelSerializer):
    """Lĩnh vực of a concern (đất đai, chính sách…)."""

    class Meta:
        model = ConcernCategory
        fields = ["id", "code", "name", "active", "order"]
        read_only_fields = fields


class ConcernSerializer(serializers.ModelSerializer):
    """Kiến nghị raised at a cell meeting, with its handling."""

    cell = serializers.IntegerField(source="meeting.cell_id", read_only=True)
    cell_name = serializers.CharField(source="meeting.cell.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    received_by_name = serializers.CharField(
        source="received_by.full_name", read_only=True, default=None
    )
    status = serializers.CharField(
        read_only=True,
        help_text=_("Tình trạng: ")
        + ", ".join(f"{value} ({label})" for value, label in ConcernStatus.choices),
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Concern
        fields = [
            "id",
            "meeting",
            "cell",
            "cell_name",
            "raised_on",
            "received_by",
            "received_by_name",
            "category",
            "category_name",
            "summary",
            "status",
            "answer",
            "agency",
            "due_on",
            "resolved_on",
            "overdue",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, concern) -> bool:
        return concern.is_overdue(today())


class ConcernCreateSerializer(serializers.Serializer):
    """Record a concern raised at a meeting (and its handling there, if any)."""

    meeting = ScopedRelatedField(CellMeeting, help_text=_("Buổi sinh hoạt nêu kiến nghị."))
    category = serializers.PrimaryKeyRelatedField(
        queryset=ConcernCategory.objects.filter(active=True)
    )
    summary = serializers.CharField()
    # The receiving committee member may sit above the cell, outside the recorder's member
    # scope; the service checks that he attended this meeting.
    received_by = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, default=None
    )
    # Validated by the service (which names the statuses allowed when raising).
    status = serializers.CharField(
        default=ConcernStatus.MOI,
        help_text=_(
            "Cách xử lý tại buổi sinh hoạt: moi, tai_cho, huong_dan, chuyen, dang_gq, ngoai_tq"
        ),
    )
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    agency = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ConcernTransitionSerializer(serializers.Serializer):
    """One step of the lifecycle; reopening needs the cell's note."""

    to_status = serializers.ChoiceField(choices=ConcernStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    agency = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)


class ConcernEventSerializer(serializers.ModelSerializer):
    by_name = serializers.CharField(source="by.username", read_only=True, default=None)
    from_status = serializers.CharField(read_only=True, help_text=_("Trống khi tiếp nhận"))
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = ConcernEvent
        fields = ["id", "concern", "at", "by", "by_name", "from_status", "to_status", "note"]
        read_only_fields = fields


class ConcernFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=[(OPEN, _("Chưa giải quyết xong")), (CLOSED, _("Đã xong")), *ConcernStatus.choices],
    )
    category = django_filters.NumberFilter()
    meeting = django_filters.NumberFilter()
    received_by = django_filters.NumberFilter()
    agency = django_filters.CharFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    year = django_filters.NumberFilter(field_name="raised_on", lookup_expr="year")
    org = django_filters.NumberFilter(
        method="filter_org", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )

    class Meta:
        model = Concern
        fields = ["category", "meeting", "received_by", "agency"]

    def filter_status(self, qs, name, value):
        return qs.filter(status_q(value))

    def filter_overdue(self, qs, name, value):
        return qs.filter(overdue_q(today())) if value else qs.exclude(overdue_q(today()))

    def filter_org(self, qs, name, value):
        org = visible_organization(self.request, value)
        return qs.none() if org is None else qs.filter(cell_path__startswith=org.path)


class ConcernViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Kiến nghị, newest first. Create records one raised at a meeting; ``transition`` moves it
    one step along its lifecycle (a skip is refused with a 400 naming both statuses)."""

    serializer_class = ConcernSerializer
    filterset_class = ConcernFilter
    permission_classes = [ConcernWritePermission]
    ordering_fields = ["raised_on", "due_on", "id"]

    def get_queryset(self):
        return concerns_visible_to(self.request.user).order_by("-raised_on", "-id")

    def get_serializer_class(self):
        if self.action == "create":
            return ConcernCreateSerializer
        if self.action == "transition":
            return ConcernTransitionSerializer
        return ConcernSerializer

    @extend_schema(
        request=ConcernCreateSerializer,
        responses={status.HTTP_201_CREATED: ConcernSerializer},
        summary=_("Ghi một kiến nghị nêu tại buổi sinh hoạt chi bộ"),
    )
    def create(self, request, *args, **kwargs):
        serializer = ConcernCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        concern = services.concern_raise(acting_user=request.user, **serializer.validated_data)
        data = ConcernSerializer(self.reread(concern), context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ConcernTransitionSerializer,
        responses={status.HTTP_200_OK: ConcernSerializer},
        summary=_("Chuyển tình trạng kiến nghị (một bước theo quy trình)"),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        concern = self.get_object()
        serializer = ConcernTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        concern = services.concern_transition(
            acting_user=request.user, concern=concern, **serializer.validated_data
        )
        return Response(ConcernSerializer(self.reread(concern), context={"request": request}).data)


class ConcernEventFilter(django_filters.FilterSet):
    concern = django_filters.NumberFilter()

    class Meta:
        model = ConcernEvent
        fields = ["concern"]


class ConcernEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Diễn biến xử lý kiến nghị: who moved which concern from which status to which, when."""

    serializer_class = ConcernEventSerializer
    filterset_class = ConcernEventFilter
    ordering_fields = ["at", "id"]

    def get_queryset(self):
        return (
            ConcernEvent.objects.visible_to(self.request.user, VIEW)
            .select_related("by")
            .order_by("concern_id", "at", "id")
        )


class ConcernCategoryViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Lĩnh vực of concerns (the same for every organization; edited by the office)."""

    serializer_class = ConcernCategorySerializer
    pagination_class = None

    def get_queryset(self):
        return ConcernCategory.objects.order_by("order", "name")
