"""API for conferences (hội nghị), their attendance, agenda items and conclusions, agencies
(cơ quan được giao), assigned tasks (nhiệm vụ được giao) with their progress and events.

Reads start from ``visible_to``; writes call ``capuy.conferences.services``. A task is also
readable by the people of an assigned agency, who report progress through
``POST /assigned-tasks/{id}/progress/`` (the service checks who may report).
"""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.api.organizations import visible_organization
from capuy.api.permissions import ScopedPermission
from capuy.api.serializers import ScopedRelatedField, ServiceSerializer
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.committees.models import Committee
from capuy.core.scoping import VIEW
from capuy.members.models import Member
from capuy.organizations.models import Organization

from . import selectors, services
from .choices import AttendanceStatus, TaskState
from .models import (
    Agency,
    AgendaDocument,
    AgendaItem,
    AssignedTask,
    Conclusion,
    Conference,
    ConferenceAttendance,
    ConferenceGuest,
    TaskAssignment,
    TaskEvent,
    TaskProgress,
)

# --- conferences -----------------------------------------------------------------------------


class GuestSerializer(serializers.ModelSerializer):
    """Khách mời: name and title only."""

    class Meta:
        model = ConferenceGuest
        fields = ["id", "name", "title"]
        read_only_fields = fields


class ConferenceSerializer(ServiceSerializer):
    """Hội nghị lần thứ N of a committee; attendance counts and the quorum are computed."""

    committee = ScopedRelatedField(Committee, help_text=_("Cấp ủy (BCH/BTV) trong một nhiệm kỳ."))
    organization = serializers.IntegerField(source="committee.term.organization_id", read_only=True)
    chairs = ScopedRelatedField(
        Member, many=True, required=False, help_text=_("Chủ trì: người giữ chức vụ ngày họp.")
    )
    seat_total = serializers.IntegerField(
        read_only=True, help_text=_("Số ủy viên trong danh sách điểm danh.")
    )
    present_total = serializers.IntegerField(
        read_only=True, help_text=_("Có mặt (kể cả đến muộn, về sớm).")
    )
    quorum_needed = serializers.SerializerMethodField()
    quorum_reached = serializers.SerializerMethodField()
    guests = GuestSerializer(many=True, read_only=True)

    class Meta:
        model = Conference
        fields = [
            "id",
            "committee",
            "organization",
            "number",
            "kind",
            "date",
            "session",
            "place",
            "chairs",
            "number_gap_reason",
            "minutes_taker",
            "notice_number",
            "conclusion",
            "quorum_numerator",
            "quorum_denominator",
            "seat_total",
            "present_total",
            "quorum_needed",
            "quorum_reached",
            "guests",
        ]
        create_only_fields = ["committee"]
        validators = []  # numbering is the service's rule, with its own message

    @extend_schema_field(serializers.IntegerField(help_text=_("Số ủy viên có mặt tối thiểu.")))
    def get_quorum_needed(self, obj) -> int:
        return obj.quorum_needed(obj.seat_total)

    @extend_schema_field(serializers.BooleanField(help_text=_("Đủ số lượng tham dự.")))
    def get_quorum_reached(self, obj) -> bool:
        return obj.seat_total > 0 and obj.present_total >= obj.quorum_needed(obj.seat_total)


class ConferenceFilter(django_filters.FilterSet):
    committee = django_filters.NumberFilter()
    organization = django_filters.NumberFilter(field_name="committee__term__organization")
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Conference
        fields = ["committee"]

    def filter_under(self, qs, name, value):
        root = visible_organization(self.request, value)
        if root is None:
            return qs.none()
        return qs.filter(committee__term__organization__path__startswith=root.path)


class TaskAssignmentSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["agency", "agency_name", "lead"]
        read_only_fields = fields


class AssignedTaskSerializer(ServiceSerializer):
    """Nhiệm vụ được giao from a conclusion to one or more agencies."""

    conclusion = ScopedRelatedField(Conclusion, help_text=_("Điểm kết luận giao nhiệm vụ."))
    agencies = ScopedRelatedField(
        Agency,
        many=True,
        required=False,
        write_only=True,
        help_text=_("Cơ quan được giao (ít nhất một)."),
    )
    lead_agency = ScopedRelatedField(
        Agency,
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("Cơ quan chủ trì; mặc định cơ quan đầu tiên."),
    )
    due_on = serializers.DateField(required=False, allow_null=True, help_text=_("Thời hạn."))
    assignments = TaskAssignmentSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(
        read_only=True, help_text=_("Chưa hoàn thành mà đã quá thời hạn.")
    )

    class Meta:
        model = AssignedTask
        fields = [
            "id",
            "conference",
            "conclusion",
            "title",
            "expected_product",
            "due_on",
            "agencies",
            "lead_agency",
            "assignments",
            "state",
            "percent_done",
            "completed_on",
            "carried_to",
            "overdue",
        ]
        read_only_fields = [
            "conference",
            "state",
            "percent_done",
            "completed_on",
            "carried_to",
        ]
        create_only_fields = ["conclusion", "agencies", "lead_agency"]


class ReportBackSerializer(serializers.Serializer):
    """Báo cáo kết quả: tasks of earlier conferences as they stood on this conference's date."""

    previous = serializers.IntegerField(
        allow_null=True, help_text=_("Hội nghị liền trước của cấp ủy (id).")
    )
    open = AssignedTaskSerializer(many=True, help_text=_("Chưa hoàn thành, chuyển tiếp."))
    completed = AssignedTaskSerializer(
        many=True, help_text=_("Hoàn thành từ sau hội nghị liền trước.")
    )


class ConferenceViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Hội nghị, newest first. Creating one lists the committee's seat holders that day for
    attendance; numbering per committee is checked (no duplicates, gaps only with a reason)."""

    serializer_class = ConferenceSerializer
    filterset_class = ConferenceFilter
    ordering_fields = ["date", "number", "id"]

    def get_queryset(self):
        qs = (
            Conference.objects.visible_to(self.request.user, VIEW)
            .select_related("committee__term")
            .prefetch_related("chairs", "guests")
        )
        return selectors.with_attendance_counts(qs).order_by("-date", "-number", "id")

    def service_create(self, data):
        return services.conference_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.conference_update(
            acting_user=self.request.user, conference=instance, **data
        )

    @extend_schema(
        responses=ReportBackSerializer,
        summary=_("Nhiệm vụ từ các hội nghị trước: đang mở và đã hoàn thành"),
    )
    @action(detail=True, methods=["get"], url_path="report-back")
    def report_back(self, request, pk=None):
        conference = self.get_object()
        result = selectors.report_back(conference)
        context = self.get_serializer_context()
        return Response(
            {
                "previous": result.previous.pk if result.previous else None,
                "open": AssignedTaskSerializer(result.open, many=True, context=context).data,
                "completed": AssignedTaskSerializer(
                    result.completed, many=True, context=context
                ).data,
            }
        )


# --- attendance ------------------------------------------------------------------------------


class AttendanceSerializer(ServiceSerializer):
    """Điểm danh một ủy viên: only someone who held a seat on the committee that day."""

    conference = ScopedRelatedField(Conference)
    member = ScopedRelatedField(Member)
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    seat_role = serializers.CharField(source="seat.role", read_only=True)
    is_present = serializers.BooleanField(read_only=True)

    class Meta:
        model = ConferenceAttendance
        fields = [
            "id",
            "conference",
            "member",
            "member_name",
            "seat",
            "seat_role",
            "status",
            "reason",
            "is_present",
        ]
        read_only_fields = ["seat"]
        create_only_fields = ["conference", "member"]
        validators = []


class AttendanceFilter(django_filters.FilterSet):
    conference = django_filters.NumberFilter()
    member = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=AttendanceStatus.choices)

    class Meta:
        model = ConferenceAttendance
        fields = ["conference", "member", "status"]


class ConferenceAttendanceViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The attendance sheet; POST records (or re-marks) one seat holder."""

    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter
    ordering_fields = ["id", "status"]

    def get_queryset(self):
        return (
            ConferenceAttendance.objects.visible_to(self.request.user, VIEW)
            .select_related("member", "seat")
            .order_by("conference_id", "id")
        )

    def service_create(self, data):
        return services.attendance_record(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.attendance_update(
            acting_user=self.request.user, attendance=instance, **data
        )


# --- agenda and conclusions ------------------------------------------------------------------


class AgendaDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = AgendaDocument
        fields = ["id", "name", "kind", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("conferences:document_download", args=[obj.pk])


class AgendaItemSerializer(ServiceSerializer):
    """Nội dung hội nghị, nested with ``parent``; documents are uploaded on the pages."""

    conference = ScopedRelatedField(Conference)
    parent = ScopedRelatedField(AgendaItem, required=False, allow_null=True)
    presenter = ScopedRelatedField(Member, required=False, allow_null=True)
    documents = AgendaDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "conference",
            "parent",
            "order",
            "title",
            "presenter",
            "presenter_title",
            "discussion",
            "documents",
        ]
        create_only_fields = ["conference"]
        extra_kwargs = {"order": {"required": False}}


class AgendaItemViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    serializer_class = AgendaItemSerializer
    filterset_fields = ["conference", "parent"]
    ordering_fields = ["order", "id"]

    def get_queryset(self):
        return (
            AgendaItem.objects.visible_to(self.request.user, VIEW)
            .prefetch_related("documents")
            .order_by("conference_id", "order", "id")
        )

    def service_create(self, data):
        return services.agenda_item_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.agenda_item_update(acting_user=self.request.user, item=instance, **data)


class ConclusionSerializer(ServiceSerializer):
    """Kết luận: one point, on an agenda item or on the whole conference."""

    conference = ScopedRelatedField(Conference)
    agenda_item = ScopedRelatedField(AgendaItem, required=False, allow_null=True)

    class Meta:
        model = Conclusion
        fields = ["id", "conference", "agenda_item", "order", "text"]
        create_only_fields = ["conference"]
        extra_kwargs = {"order": {"required": False}}


class ConclusionViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    serializer_class = ConclusionSerializer
    filterset_fields = ["conference", "agenda_item"]
    ordering_fields = ["order", "id"]

    def get_queryset(self):
        return Conclusion.objects.visible_to(self.request.user, VIEW).order_by(
            "conference_id", "order", "id"
        )

    def service_create(self, data):
        return services.conclusion_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.conclusion_update(
            acting_user=self.request.user, conclusion=instance, **data
        )


# --- agencies --------------------------------------------------------------------------------


class AgencySerializer(ServiceSerializer):
    """Cơ quan được giao: a committee body or an organization of the tree."""

    owner = ScopedRelatedField(
        Organization, help_text=_("Tổ chức đảng có cấp ủy giao việc cho cơ quan.")
    )
    organization = ScopedRelatedField(
        Organization,
        required=False,
        allow_null=True,
        help_text=_("Tổ chức đảng của chính cơ quan (nếu có)."),
    )

    class Meta:
        model = Agency
        fields = ["id", "owner", "organization", "name", "kind", "is_active"]
        create_only_fields = ["owner"]
        validators = []


class AgencyViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    serializer_class = AgencySerializer
    filterset_fields = ["owner", "organization", "is_active"]
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return Agency.objects.visible_to(self.request.user, VIEW).order_by("owner_id", "name")

    def service_create(self, data):
        return services.agency_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.agency_update(acting_user=self.request.user, agency=instance, **data)


# --- tasks -----------------------------------------------------------------------------------


class TaskProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskProgress
        fields = ["id", "task", "agency", "reported_on", "percent", "note", "file_name"]
        read_only_fields = fields


class ProgressRequestSerializer(serializers.Serializer):
    """A progress report; 100% completes the task. Attachments are uploaded on the page."""

    agency = ScopedRelatedField(Agency, allow_null=True, help_text=_("Cơ quan báo cáo."))
    reported_on = serializers.DateField(allow_null=True, label=_("ngày báo cáo"))
    percent = serializers.IntegerField(allow_null=True, help_text=_("Tiến độ, 0–100 (%)."))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CarryOverRequestSerializer(serializers.Serializer):
    to_conference = ScopedRelatedField(Conference, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignedTaskFilter(django_filters.FilterSet):
    conference = django_filters.NumberFilter()
    agency = django_filters.NumberFilter(field_name="assignments__agency")
    state = django_filters.ChoiceFilter(choices=TaskState.choices)
    overdue = django_filters.BooleanFilter(label=_("Quá hạn"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")

    class Meta:
        model = AssignedTask
        fields = ["conference", "state"]


class ReportsProgress(ScopedPermission):
    """Progress may come from an agency's own people, who cannot change the task itself; the
    service decides who may report (``reportable_agencies``)."""

    def has_object_permission(self, request, view, obj):
        return True


class AssignedTaskViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Nhiệm vụ được giao, earliest due first; an agency's people see the tasks given to it."""

    serializer_class = AssignedTaskSerializer
    filterset_class = AssignedTaskFilter
    ordering_fields = ["due_on", "id"]

    def get_queryset(self):
        qs = AssignedTask.objects.visible_to(self.request.user, VIEW)
        return selectors.task_rows(qs).order_by("due_on", "id")

    def service_create(self, data):
        return services.task_assign(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.task_update(acting_user=self.request.user, task=instance, **data)

    @extend_schema(
        request=ProgressRequestSerializer,
        responses={status.HTTP_201_CREATED: TaskProgressSerializer},
        summary=_("Báo cáo tiến độ nhiệm vụ (100% là hoàn thành)"),
    )
    @action(
        detail=True,
        methods=["post"],
        serializer_class=ProgressRequestSerializer,
        permission_classes=[ReportsProgress],
    )
    def progress(self, request, pk=None):
        task = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.task_report_progress(
            acting_user=request.user, task=task, **serializer.validated_data
        )
        return Response(TaskProgressSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CarryOverRequestSerializer,
        responses=AssignedTaskSerializer,
        summary=_("Chuyển tiếp nhiệm vụ sang một hội nghị sau của cùng cấp ủy"),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="carry-over",
        serializer_class=CarryOverRequestSerializer,
    )
    def carry_over(self, request, pk=None):
        task = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_carry_over(
            acting_user=request.user, task=task, **serializer.validated_data
        )
        return Response(AssignedTaskSerializer(self.reread(task)).data)


class TaskEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)
    # The values of AssignedTask.state; plain strings so the schema keeps one TaskState enum.
    from_state = serializers.CharField(read_only=True, help_text=_("Tình trạng trước."))
    to_state = serializers.CharField(read_only=True, help_text=_("Tình trạng sau."))

    class Meta:
        model = TaskEvent
        fields = [
            "id",
            "task",
            "kind",
            "from_state",
            "to_state",
            "percent",
            "note",
            "progress",
            "actor",
            "at",
        ]
        read_only_fields = fields


class TaskEventFilter(django_filters.FilterSet):
    task = django_filters.NumberFilter()

    class Meta:
        model = TaskEvent
        fields = ["task"]


class TaskEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Diễn biến nhiệm vụ, read only: every change of a task, oldest first."""

    serializer_class = TaskEventSerializer
    filterset_class = TaskEventFilter
    ordering_fields = ["at", "id"]

    def get_queryset(self):
        return (
            TaskEvent.objects.visible_to(self.request.user, VIEW)
            .select_related("actor")
            .order_by("task_id", "at", "id")
        )
