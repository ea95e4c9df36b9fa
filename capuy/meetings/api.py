"""API for the attendance regulation, meeting schedules, cell meetings, attendances and field
visits. Reads come from ``visible_to``; writes call capuy.meetings.services.

The regulation follows the general rule (office and staff change their subtree). Schedules,
meetings, attendances and field visits accept writes from every signed-in role that can see
the object: the services then decide, because a cell secretary runs her own cell and a
committee member records his own attendance (capuy.meetings.access); a refusal is a 403.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from capuy.api.organizations import visible_organization
from capuy.api.permissions import ScopedPermission, SignedInPermission
from capuy.api.serializers import ScopedRelatedField, ServiceSerializer
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.core.scoping import VIEW, has_any
from capuy.core.vntext import format_date
from capuy.organizations.choices import SeatLevel
from capuy.organizations.models import Organization

from . import access, services
from .choices import AttendanceRole, Confirmation, MeetingStatus
from .models import (
    Attendance,
    AttendanceQuota,
    AttendanceRule,
    CellMeeting,
    FieldVisit,
    MeetingSchedule,
)
from .seats import seat_label
from .selectors import seat_holders_above, upper_seat_holders


class RecorderPermission(ScopedPermission):
    """Signed in (second factor passed) with a role that can see something; the service
    decides every write (cell secretary, the member himself, office) and refuses with 403."""

    def has_permission(self, request, view):
        # signed in past the second factor, then any viewing role (not ScopedPermission's
        # change role for writes: the service decides those)
        if not SignedInPermission.has_permission(self, request, view):
            return False
        return has_any(request.user, VIEW)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        may_write = getattr(view, "may_write", None)
        return may_write is None or may_write(request.user, obj)


class UnderFilter(django_filters.FilterSet):
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    under_field = "cell__path"

    def filter_under(self, qs, name, value):
        root = visible_organization(self.request, value)
        if root is None:
            return qs.none()
        return qs.filter(**{f"{self.under_field}__startswith": root.path})


# --- the regulation ----------------------------------------------------------------------------


class AttendanceQuotaSerializer(serializers.ModelSerializer):
    """Định mức: minimum attendances (and grassroots working days) a year for one seat level."""

    class Meta:
        model = AttendanceQuota
        fields = ["level", "min_attendances", "min_field_days"]


class AttendanceRuleSerializer(ServiceSerializer):
    """Quy định dự sinh hoạt chi bộ (e.g. 01-QĐ/TU) with its quotas per seat level."""

    organization = ScopedRelatedField(
        Organization, help_text=_("Tổ chức ban hành, phạm vi áp dụng.")
    )
    quotas = AttendanceQuotaSerializer(
        many=True,
        required=False,
        help_text=_(
            "Định mức theo cấp. Bỏ trống khi tạo: mặc định tỉnh 2, huyện 6, xã 6 lượt/năm."
        ),
    )

    class Meta:
        model = AttendanceRule
        fields = [
            "id",
            "organization",
            "number",
            "title",
            "issued_on",
            "issuing_body",
            "effective_from",
            "effective_to",
            "must_attend_outside_own_cell",
            "quotas",
        ]
        create_only_fields = ["organization"]
        # The (organization, number) uniqueness is the service's (Vietnamese) message.
        validators = []


def _quota_dict(quotas: list[dict] | None) -> dict | None:
    if quotas is None:
        return None
    return {q["level"]: (q["min_attendances"], q.get("min_field_days", 0)) for q in quotas}


class AttendanceRuleFilter(UnderFilter):
    under_field = "organization__path"
    in_force_on = django_filters.DateFilter(
        method="filter_in_force", label=_("Có hiệu lực tại ngày")
    )

    class Meta:
        model = AttendanceRule
        fields = ["organization"]

    def filter_in_force(self, qs, name, value):
        from django.db.models import Q

        return qs.filter(effective_from__lte=value).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=value)
        )


class AttendanceRuleViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Quy định dự sinh hoạt chi bộ. Compliance is judged against the rule of the nearest
    organization above the cell that is in force on the meeting date."""

    serializer_class = AttendanceRuleSerializer
    filterset_class = AttendanceRuleFilter
    ordering_fields = ["effective_from", "id"]

    def get_queryset(self):
        return (
            AttendanceRule.objects.visible_to(self.request.user, VIEW)
            .select_related("organization")
            .prefetch_related("quotas")
            .order_by("organization__path", "-effective_from", "id")
        )

    def service_create(self, data):
        data = dict(data)
        quotas = _quota_dict(data.pop("quotas", None))
        return services.attendance_rule_create(acting_user=self.request.user, quotas=quotas, **data)

    def service_update(self, instance, data):
        data = dict(data)
        quotas = _quota_dict(data.pop("quotas", None))
        return services.attendance_rule_update(
            acting_user=self.request.user, rule=instance, quotas=quotas, **data
        )

    def service_destroy(self, instance):
        services.attendance_rule_delete(acting_user=self.request.user, rule=instance)


# --- schedules ---------------------------------------------------------------------------------


class MeetingScheduleSerializer(ServiceSerializer):
    """Lịch sinh hoạt định kỳ of a cell: e.g. thường kỳ on the 5th of every month."""

    cell = ScopedRelatedField(Organization, help_text=_("Chi bộ."))
    cell_name = serializers.CharField(source="cell.name", read_only=True)

    class Meta:
        model = MeetingSchedule
        fields = [
            "id",
            "cell",
            "cell_name",
            "kind",
            "day_of_month",
            "every_months",
            "starts_on",
            "ends_on",
            "place",
        ]
        create_only_fields = ["cell"]


class GenerateRequestSerializer(serializers.Serializer):
    until = serializers.DateField(help_text=_("Tạo các buổi sinh hoạt đến ngày này."))


class MeetingScheduleFilter(UnderFilter):
    class Meta:
        model = MeetingSchedule
        fields = ["cell", "kind"]


class MeetingScheduleViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Lịch sinh hoạt định kỳ. Office, staff or the cell's secretary write them."""

    serializer_class = MeetingScheduleSerializer
    filterset_class = MeetingScheduleFilter
    permission_classes = [RecorderPermission]
    ordering_fields = ["starts_on", "id"]

    def get_queryset(self):
        return (
            MeetingSchedule.objects.visible_to(self.request.user, VIEW)
            .select_related("cell")
            .order_by("cell__path", "id")
        )

    def may_write(self, user, schedule) -> bool:
        return access.may_run_cell(user, schedule.cell)

    def service_create(self, data):
        return services.schedule_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.schedule_update(acting_user=self.request.user, schedule=instance, **data)

    def service_destroy(self, instance):
        services.schedule_delete(acting_user=self.request.user, schedule=instance)

    @extend_schema(
        request=GenerateRequestSerializer,
        responses={
            200: inline_serializer("MeetingsGenerated", {"created": serializers.IntegerField()})
        },
        summary=_("Tạo các buổi sinh hoạt theo lịch (chạy lại không tạo trùng)"),
    )
    @action(detail=True, methods=["post"], serializer_class=GenerateRequestSerializer)
    def generate(self, request, pk=None):
        schedule = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.meetings_generate(
            schedule, serializer.validated_data["until"], acting_user=request.user
        )
        return Response({"created": created})


# --- meetings ----------------------------------------------------------------------------------


class CellMeetingSerializer(ServiceSerializer):
    """Buổi sinh hoạt chi bộ: one meeting of one cell on one date."""

    cell = ScopedRelatedField(Organization, help_text=_("Chi bộ."))
    cell_name = serializers.CharField(source="cell.name", read_only=True)

    class Meta:
        model = CellMeeting
        fields = [
            "id",
            "cell",
            "cell_name",
            "date",
            "kind",
            "status",
            "place",
            "topics",
            "schedule",
        ]
        read_only_fields = ["status", "schedule"]
        create_only_fields = ["cell"]
        validators = []


class RecordHeldSerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text=_("Ngày đã họp (mặc định: ngày dự kiến); không được ở tương lai.")
    )
    place = serializers.CharField(required=False, allow_blank=True, max_length=255)
    topics = serializers.CharField(required=False, allow_blank=True)


class CellMeetingFilter(UnderFilter):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Năm"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)

    class Meta:
        model = CellMeeting
        fields = ["cell", "kind", "status"]


class CellMeetingViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Buổi sinh hoạt chi bộ, newest first. Mark one held with ``record-held``."""

    serializer_class = CellMeetingSerializer
    filterset_class = CellMeetingFilter
    permission_classes = [RecorderPermission]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        return (
            CellMeeting.objects.visible_to(self.request.user, VIEW)
            .select_related("cell")
            .order_by("-date", "cell__path", "id")
        )

    def may_write(self, user, meeting) -> bool:
        return access.may_run_cell(user, meeting.cell)

    def service_create(self, data):
        data = dict(data)
        return services.meeting_create(
            acting_user=self.request.user, cell=data.pop("cell"), date=data.pop("date"), **data
        )

    @extend_schema(
        request=RecordHeldSerializer,
        responses={200: CellMeetingSerializer},
        summary=_("Ghi nhận buổi sinh hoạt đã họp"),
    )
    @action(
        detail=True, methods=["post"], url_path="record-held", serializer_class=RecordHeldSerializer
    )
    def record_held(self, request, pk=None):
        meeting = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_record_held(
            acting_user=request.user, meeting=meeting, **serializer.validated_data
        )
        return Response(CellMeetingSerializer(self.reread(meeting)).data)

    @extend_schema(request=None, responses={200: CellMeetingSerializer}, summary=_("Hoãn/hủy"))
    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def cancel(self, request, pk=None):
        meeting = services.meeting_cancel(acting_user=request.user, meeting=self.get_object())
        return Response(CellMeetingSerializer(self.reread(meeting)).data)


# --- attendances -------------------------------------------------------------------------------


class MeetingAttendanceSerializer(ServiceSerializer):
    """Lượt dự sinh hoạt chi bộ: a committee member at one cell meeting, counted at the level of
    the seat held on the meeting date."""

    meeting = ScopedRelatedField(CellMeeting, help_text=_("Buổi sinh hoạt."))
    member = serializers.IntegerField(
        source="member_id",
        help_text=_(
            "Cấp ủy viên (id đảng viên): người giữ chức vụ trong cấp ủy cấp trên của chi bộ vào "
            "ngày sinh hoạt."
        ),
    )
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    seat = serializers.IntegerField(
        source="seat_id",
        required=False,
        help_text=_("Chức vụ khi dự (id); bỏ trống để lấy chức vụ cấp cao nhất giữ vào ngày đó."),
    )
    seat_label = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=AttendanceRole.choices, default=AttendanceRole.DU)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "meeting",
            "member",
            "member_name",
            "seat",
            "seat_label",
            "level",
            "date",
            "role",
            "notes",
            "status",
            "entered_via",
            "confirmation",
            "confirmed_at",
            "dispute_reason",
        ]
        read_only_fields = [
            "level",
            "date",
            "status",
            "entered_via",
            "confirmation",
            "confirmed_at",
            "dispute_reason",
        ]
        create_only_fields = ["meeting", "member", "seat"]
        validators = []

    def get_seat_label(self, obj) -> str:
        return seat_label(obj.seat)

    def validate(self, attrs):
        """Resolve the member among the seat holders above the cell that day (or the caller
        himself), without confirming that anybody else exists."""
        meeting = attrs["meeting"]
        user = self.context["request"].user
        own = getattr(user, "member", None)
        is_self = own is not None and own.pk == attrs["member_id"]
        if access.recording_capacity(user, meeting.cell, own if is_self else None) is None:
            raise PermissionDenied(_("Bạn không ghi được lượt dự ở buổi sinh hoạt này."))
        holders = upper_seat_holders(meeting.cell, meeting.date, [attrs["member_id"]])
        if attrs["member_id"] in holders:
            attrs["member"] = holders[attrs["member_id"]]["member"]
        elif own is not None and own.pk == attrs["member_id"]:
            attrs["member"] = own
        else:
            raise serializers.ValidationError(
                {
                    "member": _(
                        "Không có cấp ủy viên cấp trên nào với mã này giữ chức vụ vào ngày %(d)s."
                    )
                    % {"d": format_date(meeting.date)}
                }
            )
        seat_id = attrs.pop("seat_id", None)
        if seat_id is not None:
            seat = (
                attrs["member"]
                .seats.filter(pk=seat_id)
                .select_related("committee__term__organization")
                .first()
            )
            if seat is None:
                raise serializers.ValidationError(
                    {"seat": _("Chức vụ này không phải của cấp ủy viên đã chọn.")}
                )
            attrs["seat"] = seat
        attrs.pop("member_id")
        return attrs


class DisputeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("Lý do chi bộ không xác nhận."))


class AttendanceFilter(UnderFilter):
    under_field = "cell_path"
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Năm"))
    level = django_filters.ChoiceFilter(choices=SeatLevel.choices)
    confirmation = django_filters.ChoiceFilter(choices=Confirmation.choices)
    confirmed_only = django_filters.BooleanFilter(
        method="filter_confirmed_only", label=_("Chỉ những lượt chi bộ đã xác nhận")
    )

    class Meta:
        model = Attendance
        fields = ["meeting", "member", "level", "status", "confirmation"]

    def filter_confirmed_only(self, qs, name, value):
        return qs.filter(confirmation=Confirmation.CONFIRMED) if value else qs


class AttendanceViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Lượt dự sinh hoạt chi bộ. Entered by office, the cell secretary (confirmed at once) or the
    member himself (waits for the cell secretary's ``confirm`` or ``dispute``)."""

    serializer_class = MeetingAttendanceSerializer
    filterset_class = AttendanceFilter
    permission_classes = [RecorderPermission]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        return (
            Attendance.objects.visible_to(self.request.user, VIEW)
            .select_related("member", "meeting__cell", "seat__committee__term__organization")
            .order_by("-date", "id")
        )

    def may_write(self, user, attendance) -> bool:
        cell = attendance.meeting.cell
        if self.action in ("confirm", "dispute"):
            return access.may_confirm(user, cell)
        return access.recording_capacity(user, cell, attendance.member) is not None

    def service_create(self, data):
        return services.attendance_record(acting_user=self.request.user, **data)

    def service_destroy(self, instance):
        services.attendance_delete(acting_user=self.request.user, attendance=instance)

    @extend_schema(
        request=None, responses={200: MeetingAttendanceSerializer}, summary=_("Chi bộ xác nhận")
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def confirm(self, request, pk=None):
        attendance = services.attendance_confirm(
            acting_user=request.user, attendance=self.get_object()
        )
        return Response(MeetingAttendanceSerializer(self.reread(attendance)).data)

    @extend_schema(
        request=DisputeSerializer,
        responses={200: MeetingAttendanceSerializer},
        summary=_("Chi bộ không xác nhận, nêu lý do"),
    )
    @action(detail=True, methods=["post"], serializer_class=DisputeSerializer)
    def dispute(self, request, pk=None):
        attendance = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance = services.attendance_dispute(
            acting_user=request.user, attendance=attendance, **serializer.validated_data
        )
        return Response(
            MeetingAttendanceSerializer(self.reread(attendance)).data, status=status.HTTP_200_OK
        )


# --- field visits ------------------------------------------------------------------------------


class FieldVisitSerializer(ServiceSerializer):
    """Đi công tác cơ sở: a committee member's visit to an organization without a meeting."""

    organization = ScopedRelatedField(Organization, help_text=_("Nơi đến."))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    member = serializers.IntegerField(
        source="member_id",
        help_text=_("Cấp ủy viên (id đảng viên) giữ chức vụ ở cấp ủy từ nơi đến trở lên."),
    )
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    seat_label = serializers.SerializerMethodField()

    class Meta:
        model = FieldVisit
        fields = [
            "id",
            "member",
            "member_name",
            "organization",
            "organization_name",
            "date",
            "days",
            "purpose",
            "seat",
            "seat_label",
            "level",
        ]
        read_only_fields = ["seat", "level"]
        create_only_fields = ["member", "organization"]

    def get_seat_label(self, obj) -> str:
        return seat_label(obj.seat)

    def validate(self, attrs):
        org, member_id = attrs["organization"], attrs.pop("member_id")
        user = self.context["request"].user
        own = getattr(user, "member", None)
        is_self = own is not None and own.pk == member_id
        if access.recording_capacity(user, org, own if is_self else None) is None:
            raise PermissionDenied(_("Bạn không ghi được chuyến công tác ở nơi này."))
        holders = {
            row["member"].pk: row["member"] for row in seat_holders_above(org, attrs["date"])
        }
        if member_id in holders:
            attrs["member"] = holders[member_id]
        elif own is not None and own.pk == member_id:
            attrs["member"] = own
        else:
            raise serializers.ValidationError(
                {
                    "member": _("Không có cấp ủy viên nào với mã này giữ chức vụ vào ngày %(d)s.")
                    % {"d": format_date(attrs["date"])}
                }
            )
        return attrs


class FieldVisitFilter(UnderFilter):
    under_field = "org_path"
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Năm"))

    class Meta:
        model = FieldVisit
        fields = ["member", "organization", "level"]


class FieldVisitViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Đi công tác cơ sở, newest first."""

    serializer_class = FieldVisitSerializer
    filterset_class = FieldVisitFilter
    permission_classes = [RecorderPermission]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        return (
            FieldVisit.objects.visible_to(self.request.user, VIEW)
            .select_related("member", "organization", "seat__committee__term__organization")
            .order_by("-date", "id")
        )

    def may_write(self, user, visit) -> bool:
        return access.recording_capacity(user, visit.organization, visit.member) is not None

    def service_create(self, data):
        return services.field_visit_record(acting_user=self.request.user, **data)

    def service_destroy(self, instance):
        services.field_visit_delete(acting_user=self.request.user, visit=instance)
