"""API of the annual review (kiểm điểm, đánh giá, xếp loại) under ``/api/v1/``.

Rule sets and the 27-manifestations catalogue; cycles (``POST /review-cycles/`` opens one —
201 with the cycle, or for a scope above ``CAPUY_REVIEW_OPEN_SYNC_MEMBERS`` members 202 with
the background job to poll at ``/jobs/{id}/``, like the page —,
``POST /review-cycles/{id}/close-level/`` closes a deciding level, ``GET …/coverage/``, its
organizations paged like a list);
reviews, one per subject (``POST /reviews/{id}/self-assess/``, ``propose/``, ``decide/``,
``reopen/``, ``exemption/``, ``GET …/quota/``) and their events. Reads are scoped with
``visible_to``; every write is a call to the service of the same name, which re-checks the
scope and the step's own rule (a cell secretary records her cell's members; only the
competent level decides) and answers refusals in Vietnamese (400 with the field, 403).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.api.organizations import visible_organization
from capuy.api.permissions import ScopedPermission
from capuy.api.serializers import ScopedRelatedField, ServiceSerializer
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.core.scoping import VIEW
from capuy.jobs.api import JobSerializer, job_accepted
from capuy.organizations.models import Organization

from . import selectors, services, tasks
from .choices import DecisionLevel, Exemption, Level, ReviewStatus, SubjectKind
from .models import (
    Manifestation,
    Review,
    ReviewCycle,
    ReviewEvent,
    RuleSet,
    codes_of,
    manifestation_codes,
)
from .rulesets import effective_dict

LEVEL_OR_BLANK = [("", _("Không xếp loại")), *Level.choices]


# Documented by pattern rather than enum: drf-spectacular turns every enum into a component
# named after the field, and "level" is already taken by the seat levels of other resources.
@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(HTXSNV|HTTNV|HTNV|KHTNV)?$",
        "description": _("HTXSNV, HTTNV, HTNV, KHTNV; rỗng = không xếp loại / chưa có"),
    }
)
class LevelField(serializers.ChoiceField):
    """A level (or blank), documented inline so every level field shares one description."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(choices=LEVEL_OR_BLANK, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(co_so|xa|huyen|tinh)$",
        "description": _("Cấp quyết định: co_so, xa, huyen, tinh"),
    }
)
class DecisionLevelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=DecisionLevel.choices, **kwargs)


# --- rule sets and the catalogue ------------------------------------------------------------


class RuleSetSerializer(ServiceSerializer):
    """Quy định, hướng dẫn đánh giá, xếp loại: columns as stored, and ``effective`` (an
    overlay merged on its base, what the engine applies)."""

    effective = serializers.SerializerMethodField(
        help_text=_("Các quy tắc đang áp dụng (bộ riêng đã gộp với bộ gốc).")
    )

    class Meta:
        model = RuleSet
        fields = [
            "id",
            "code",
            "name",
            "regulation",
            "guidance",
            "first_year",
            "last_year",
            "derivation",
            "quota_percent",
            "quota_denominator",
            "quota_grouping",
            "quota_rounding",
            "config",
            "base",
            "organization",
            "unconfirmed_notes",
            "effective",
        ]
        read_only_fields = ["code", "base", "organization", "derivation"]

    def get_effective(self, obj) -> dict:
        return effective_dict(obj)


class RuleSetViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Bộ quy tắc: national ones read by all, changed from a root; a province's overlays
    read along its branch, changed by those who may change its organization."""

    serializer_class = RuleSetSerializer
    ordering_fields = ["first_year", "code"]

    def get_queryset(self):
        return RuleSet.objects.visible_to(self.request.user, VIEW).select_related(
            "base", "organization"
        )

    def service_update(self, instance, data):
        return services.rule_set_update(acting_user=self.request.user, rule_set=instance, **data)


class ManifestationSerializer(ServiceSerializer):
    """One of the 27 manifestations; ``confirmed`` = checked against the official text."""

    code = serializers.CharField(read_only=True)

    class Meta:
        model = Manifestation
        fields = ["id", "code", "group", "number", "text", "confirmed", "active", "source"]
        read_only_fields = ["group", "number"]


class ManifestationViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Danh mục 27 biểu hiện (three groups of nine); the office corrects the wording."""

    serializer_class = ManifestationSerializer

    def get_queryset(self):
        return Manifestation.objects.visible_to(self.request.user, VIEW).order_by("group", "number")

    def service_update(self, instance, data):
        return services.manifestation_update(
            acting_user=self.request.user, manifestation=instance, **data
        )


# --- cycles ------------------------------------------------------------------------------------


class ReviewCycleSerializer(ServiceSerializer):
    """Đợt đánh giá: rule set, scope, period, deadlines per deciding level, closed levels.
    Creating one opens it: every subject is listed at once (``opened_counts``)."""

    rule_set = ScopedRelatedField(RuleSet)
    organization = ScopedRelatedField(Organization, help_text=_("Phạm vi: tổ chức đảng."))
    opened_counts = serializers.SerializerMethodField()

    class Meta:
        model = ReviewCycle
        fields = [
            "id",
            "name",
            "rule_set",
            "organization",
            "period_kind",
            "year",
            "quarter",
            "period_start",
            "period_end",
            "deadlines",
            "closed_levels",
            "opened_at",
            "closed_at",
            "opened_counts",
        ]
        read_only_fields = ["closed_levels", "opened_at", "closed_at"]
        create_only_fields = [
            "rule_set",
            "organization",
            "period_kind",
            "year",
            "quarter",
            "period_start",
            "period_end",
        ]
        # The service checks the one-cycle-per-period rule (DRF's unique-together validator
        # would make the computed period dates required).
        validators = []
        extra_kwargs = {
            "name": {"required": False},
            "period_start": {"required": False},
            "period_end": {"required": False},
            "deadlines": {"required": False},
        }

    def get_opened_counts(self, obj) -> dict | None:
        return getattr(obj, "opened_counts", None)


class CloseLevelSerializer(serializers.Serializer):
    level = DecisionLevelField(help_text=_("co_so, xa, huyen, tinh"))


class CycleFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    organization = django_filters.NumberFilter()

    class Meta:
        model = ReviewCycle
        fields = ["year", "organization"]


class CoverageRowSerializer(serializers.Serializer):
    """Required / reviewed / decided / exempt for a deciding level or an organization."""

    key = serializers.CharField()
    label = serializers.CharField()
    organization = serializers.IntegerField(allow_null=True)
    required = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    not_reviewed = serializers.IntegerField()
    decided = serializers.IntegerField()
    exempt = serializers.IntegerField()
    closed = serializers.BooleanField()
    by_kind = serializers.DictField(help_text=_("Theo loại đối tượng."))


class CoverageSerializer(serializers.Serializer):
    levels = CoverageRowSerializer(many=True)
    total = CoverageRowSerializer(help_text=_("Tổng của mọi tổ chức, không chỉ trang này."))
    count = serializers.IntegerField(help_text=_("Số tổ chức (mọi trang)."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    organizations = CoverageRowSerializer(many=True, help_text=_("Một trang tổ chức."))


def _coverage_row(row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "organization": row.organization.pk if row.organization else None,
        "required": row.required,
        "reviewed": row.reviewed,
        "not_reviewed": row.not_reviewed,
        "decided": row.decided,
        "exempt": row.exempt,
        "closed": row.closed,
        "by_kind": row.by_kind,
    }


class ReviewCycleViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Đợt kiểm điểm, đánh giá, xếp loại, seen along its branch (a cell secretary sees the
    province's cycle). POST opens a cycle (set-based: every subject listed in one go)."""

    serializer_class = ReviewCycleSerializer
    filterset_class = CycleFilter
    ordering_fields = ["year", "period_start", "id"]

    def get_queryset(self):
        return ReviewCycle.objects.visible_to(self.request.user, VIEW).select_related(
            "rule_set", "organization"
        )

    @extend_schema(
        responses={
            201: ReviewCycleSerializer,
            202: OpenApiResponse(
                JobSerializer,
                description=_(
                    "Phạm vi lớn: đã kiểm tra xong, đợt được mở bằng một tác vụ nền; theo dõi "
                    "tác vụ ở địa chỉ trong tiêu đề Location."
                ),
            ),
        },
        summary=_("Mở đợt đánh giá (phạm vi lớn: tác vụ nền, trả lời 202)"),
    )
    def create(self, request, *args, **kwargs):
        """Mở đợt, like the page: a scope with few members in the request (201); a larger one
        is checked here with every rule of the service, then opened by a background job (202,
        ``Location`` = the job to poll; its ``result`` names the cycle when done)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if tasks.runs_in_background(data["organization"]):
            return job_accepted(request, tasks.start_open_job(user=request.user, **data))
        self.perform_create(serializer)
        headers = self.get_success_headers(serializer.data)
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)

    def service_create(self, data):
        return services.cycle_open(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.cycle_update(
            acting_user=self.request.user,
            cycle=instance,
            name=data.get("name"),
            deadlines=data.get("deadlines"),
        )

    def reread(self, obj):
        counts = getattr(obj, "opened_counts", None)
        fresh = super().reread(obj)
        fresh.opened_counts = counts
        return fresh

    @extend_schema(
        request=CloseLevelSerializer,
        responses=ReviewCycleSerializer,
        summary=_("Khóa sổ một cấp quyết định (từ chối khi còn đối tượng chưa có quyết định)"),
    )
    @action(detail=True, methods=["post"], url_path="close-level")
    def close_level(self, request, pk=None):
        cycle = self.get_object()
        serializer = CloseLevelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closed = services.cycle_close_level(
            acting_user=request.user, cycle=cycle, level=serializer.validated_data["level"]
        )
        return Response(ReviewCycleSerializer(self.reread(closed)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "org",
                OpenApiTypes.INT,
                description=_("Id tổ chức có các tổ chức con được liệt kê (mặc định: cao nhất)"),
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description=_("Trang (từ 1)")),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=_("Số tổ chức một trang (50, tối đa 500)"),
            ),
        ],
        responses=CoverageSerializer,
        summary=_("Tiến độ: phải kiểm điểm / đã kiểm điểm / đã quyết định / miễn"),
    )
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        cycle = self.get_object()
        root = visible_organization(request, request.query_params.get("org"))
        rows = selectors.cycle_coverage(request.user, cycle, root)
        # paged like every list (``page``, ``page_size``); the levels and the total count all
        page = self.paginate_queryset(rows)
        return Response(
            {
                "levels": [
                    _coverage_row(r) for r in selectors.coverage_by_level(cycle, request.user)
                ],
                "total": _coverage_row(selectors.coverage_total(rows)),
                "count": len(rows),
                "next": self.paginator.get_next_link(),
                "previous": self.paginator.get_previous_link(),
                "organizations": [_coverage_row(r) for r in page],
            }
        )


# --- reviews -----------------------------------------------------------------------------------


class ReviewSerializer(serializers.ModelSerializer):
    """Một đối tượng trong một đợt: who, where, who decides, and the three levels."""

    subject_name = serializers.CharField(read_only=True)
    manifestations = serializers.SerializerMethodField(
        help_text=_("Mã các biểu hiện đã liên hệ (A1…C9).")
    )
    decision_level = DecisionLevelField(read_only=True)
    self_level = LevelField(read_only=True)
    proposed_level = LevelField(read_only=True)
    derived_level = LevelField(read_only=True)
    decided_level = LevelField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "cycle",
            "subject_kind",
            "subject_name",
            "organization",
            "member",
            "committee",
            "seat",
            "member_status",
            "seat_role",
            "decision_level",
            "quota_group",
            "status",
            "exemption",
            "exemption_note",
            "classify",
            "ratings",
            "score_general",
            "score_tasks",
            "conditions",
            "self_text",
            "manifestations",
            "manifestations_text",
            "manifestations_linked",
            "self_level",
            "proposed_level",
            "derived_level",
            "decided_level",
            "locked",
        ]
        read_only_fields = fields

    def get_manifestations(self, review) -> list[str]:
        # the catalogue (27 rows) read once for a page of reviews
        catalogue = self.context.get("manifestation_codes")
        if catalogue is None:
            catalogue = self.context["manifestation_codes"] = manifestation_codes()
        return codes_of(review.manifestation_ids, catalogue)


class StepSerializer(serializers.Serializer):
    level = LevelField(required=False, default="")
    ratings = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_("Tiêu chí → xuat_sac / tot / trung_binh / kem (QĐ 132, QĐ 124)."),
    )
    score_general = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    score_tasks = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    conditions = serializers.DictField(
        required=False,
        help_text=_("Kỷ luật, kết luận suy thoái, % chỉ tiêu, xếp loại công chức, nghỉ ốm…"),
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    held_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Ngày họp (chi bộ, cấp ủy) khi biết.")
    )


class SelfAssessSerializer(StepSerializer):
    self_text = serializers.CharField(required=False, allow_blank=True)
    manifestations = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Manifestation.objects.filter(active=True),
        help_text=_("Id các biểu hiện đã liên hệ (bắt buộc với cá nhân, hoặc ghi liên hệ khác)."),
    )
    manifestations_text = serializers.CharField(required=False, allow_blank=True)


class DecideSerializer(serializers.Serializer):
    level = LevelField()
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    conditions = serializers.DictField(required=False)
    held_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Ngày họp (chi bộ, cấp ủy) khi biết.")
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ExemptionSerializer(serializers.Serializer):
    exemption = serializers.ChoiceField(choices=Exemption.choices, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class QuotaSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    excellent = serializers.IntegerField()
    good = serializers.IntegerField()
    maximum = serializers.IntegerField()
    applies = serializers.BooleanField()
    allowed = serializers.BooleanField(allow_null=True)
    message = serializers.CharField(allow_blank=True)


class ReviewFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter()
    org = django_filters.NumberFilter(
        method="filter_org", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices)
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    member = django_filters.NumberFilter()
    decided_level = django_filters.ChoiceFilter(choices=Level.choices)  # query, not a component
    competent = django_filters.BooleanFilter(
        method="filter_competent", label=_("Chỉ đối tượng thuộc thẩm quyền quyết định của tôi")
    )

    class Meta:
        model = Review
        fields = ["cycle", "subject_kind", "status", "member", "decided_level"]

    def filter_org(self, qs, name, value):
        org = visible_organization(self.request, value)
        if org is None:
            return qs.none()
        return qs.filter(org_path__startswith=org.path)

    def filter_competent(self, qs, name, value):
        return qs.filter(selectors.competent_q(self.request.user)) if value else qs


class ReviewStepPermission(ScopedPermission):
    """The steps of a review are decided by their services (a cell secretary may record her
    cell's members, only the competent level decides): authenticated with a role that sees
    the review is enough to ask."""

    def has_object_permission(self, request, view, obj):
        return True


STEP_ACTIONS = {"self_assess", "propose", "decide", "reopen", "exemption"}


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Kiểm điểm, xếp loại of one subject in a cycle. Written only through its steps."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["org_path", "id"]

    def get_permissions(self):
        if self.action in STEP_ACTIONS:
            return [ReviewStepPermission()]
        return super().get_permissions()

    def get_queryset(self):
        return (
            Review.objects.visible_to(self.request.user, VIEW)
            .select_related("organization", "member", "committee", "seat")
            .order_by("org_path", "id")
        )

    def _reply(self, review):
        return Response(ReviewSerializer(self.get_queryset().get(pk=review.pk)).data)

    def _step(self, request, serializer_class):
        review = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return review, dict(serializer.validated_data)

    @extend_schema(request=SelfAssessSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="self-assess")
    def self_assess(self, request, pk=None):
        """Tự kiểm điểm, tự xếp loại (the subject, its cell secretary, or the office)."""
        review, data = self._step(request, SelfAssessSerializer)
        return self._reply(
            services.review_self_assess(acting_user=request.user, review=review, **data)
        )

    @extend_schema(request=StepSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Thẩm định, đề xuất mức (the cell for its members, the advisory body for others)."""
        review, data = self._step(request, StepSerializer)
        return self._reply(services.review_propose(acting_user=request.user, review=review, **data))

    @extend_schema(request=DecideSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Quyết định xếp loại (the competent level only; quota and ceilings checked)."""
        review, data = self._step(request, DecideSerializer)
        return self._reply(services.review_decide(acting_user=request.user, review=review, **data))

    @extend_schema(request=ReopenSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Mở lại một xếp loại đã quyết định (the competent level, with a reason)."""
        review, data = self._step(request, ReopenSerializer)
        return self._reply(services.review_reopen(acting_user=request.user, review=review, **data))

    @extend_schema(request=ExemptionSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def exemption(self, request, pk=None):
        """Ghi (hoặc bỏ) trường hợp miễn, không xếp loại."""
        review, data = self._step(request, ExemptionSerializer)
        return self._reply(
            services.review_set_exemption(acting_user=request.user, review=review, **data)
        )

    @extend_schema(responses=QuotaSerializer, summary=_("Tỷ lệ HTXSNV trong nhóm của đối tượng"))
    @action(detail=True, methods=["get"])
    def quota(self, request, pk=None):
        """The live quota count of the review's group; ``?level=`` predicts a decision."""
        review = self.get_object()
        quota = selectors.quota_status(review)
        level = request.query_params.get("level", "")
        check = selectors.quota_check_for(review, level) if level in Level.values else None
        data = {
            "group": quota.group,
            "label": quota.label,
            "excellent": quota.excellent,
            "good": quota.good,
            "maximum": quota.maximum,
            "applies": quota.applies,
            "allowed": None if check is None else check.ok,
            "message": "" if check is None else check.message,
        }
        return Response(QuotaSerializer(data).data, status=status.HTTP_200_OK)


class ReviewEventSerializer(serializers.ModelSerializer):
    """Một bước: who, when, which level, the rule's level, the override reason, warnings."""

    level = LevelField(read_only=True)
    derived_level = LevelField(read_only=True)

    class Meta:
        model = ReviewEvent
        fields = [
            "id",
            "review",
            "step",
            "level",
            "derived_level",
            "override_reason",
            "note",
            "data",
            "warnings",
            "by",
            "at",
            "held_on",
        ]
        read_only_fields = fields


class ReviewEventFilter(django_filters.FilterSet):
    review = django_filters.NumberFilter()
    cycle = django_filters.NumberFilter(field_name="review__cycle")
    step = django_filters.ChoiceFilter(choices=ReviewEvent._meta.get_field("step").choices)

    class Meta:
        model = ReviewEvent
        fields = ["review", "step"]


class ReviewEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Diễn biến đánh giá, read only: events are written by the review steps."""

    serializer_class = ReviewEventSerializer
    filterset_class = ReviewEventFilter
    ordering_fields = ["at", "id"]

    def get_queryset(self):
        return ReviewEvent.objects.visible_to(self.request.user, VIEW).order_by("at", "id")


__all__ = [
    "ManifestationViewSet",
    "ReviewCycleViewSet",
    "ReviewEventViewSet",
    "ReviewViewSet",
    "RuleSetViewSet",
]
