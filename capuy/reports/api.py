"""API for the yearly report: ``GET /api/v1/reports/quy-dinh-01?year=2019&org=CODE``.

The same figures as the report page and the ``capuy report quy-dinh-01`` command, scoped to
the caller: ``org`` (a code or an id) must be visible to him; without it the report covers his
whole scope.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from capuy.api.exceptions import exception_handler
from capuy.core.scoping import VIEW
from capuy.organizations.models import Organization

from .grouping import top_nodes
from .quy_dinh_01 import build_report
from .xep_loai import build_report as build_xep_loai


class LevelSerializer(serializers.Serializer):
    level = serializers.CharField(help_text=_("tinh, huyen hoặc xa"))
    label = serializers.CharField()
    attendances = serializers.IntegerField(help_text=_("Số lượt dự sinh hoạt chi bộ"))
    confirmed = serializers.IntegerField(help_text=_("Trong đó đã được chi bộ xác nhận"))
    planned = serializers.IntegerField(help_text=_("Lượt theo kế hoạch luân phiên, chưa thực hiện"))
    members = serializers.IntegerField(help_text=_("Số cấp ủy viên giữ chức vụ cấp này trong năm"))
    quota = serializers.IntegerField(allow_null=True, help_text=_("Định mức lượt/năm"))
    members_met = serializers.IntegerField()
    members_on_track = serializers.IntegerField()
    members_below = serializers.IntegerField()
    members_no_quota = serializers.IntegerField()
    field_visits = serializers.IntegerField()
    field_days = serializers.FloatField()


class ReportSerializer(serializers.Serializer):
    """Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm YYYY (every number computed from rows)."""

    title = serializers.CharField()
    year = serializers.IntegerField()
    organization = serializers.DictField(allow_null=True)
    regulation = serializers.DictField(allow_null=True)
    confirmed_only = serializers.BooleanField()
    counting = serializers.CharField(help_text=_("Cách tính: chỉ lượt đã xác nhận, hay tất cả"))
    as_of = serializers.DateField()
    levels = LevelSerializer(many=True)
    total_attendances = serializers.IntegerField()
    by_month = serializers.ListField(child=serializers.DictField())
    units = serializers.ListField(child=serializers.DictField())
    cells = serializers.DictField()
    flagged = serializers.DictField()
    concerns = serializers.DictField()
    rotation = serializers.DictField()


def find_organization(user, value: str) -> Organization:
    """An organization by code (or id) among those the user may see; 404 otherwise."""
    visible = Organization.objects.visible_to(user, VIEW)
    query = Q(code=value)
    if value.isdigit():
        query |= Q(pk=int(value))
    org = visible.filter(query).order_by("pk").first()
    if org is None:
        raise NotFound(_("Không tìm thấy tổ chức hoặc tổ chức ngoài phạm vi của bạn."))
    return org


# The parameters every yearly report takes (``org`` goes through ``find_organization``).
REPORT_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description=_("Năm báo cáo (mặc định: năm nay)")),
    OpenApiParameter(
        "org",
        OpenApiTypes.STR,
        description=_("Mã (hoặc id) tổ chức; bỏ trống là toàn bộ phạm vi"),
    ),
]


class ReportView(APIView):
    """A yearly report as JSON, with the API's error format."""

    def get_exception_handler(self):
        return exception_handler


class QuyDinh01ReportView(ReportView):
    """The yearly report as JSON."""

    @extend_schema(
        summary=_("Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm YYYY"),
        parameters=[
            *REPORT_PARAMETERS,
            OpenApiParameter(
                "confirmed_only",
                OpenApiTypes.BOOL,
                description=_("Chỉ tính lượt dự đã được chi bộ xác nhận (mặc định: tất cả)"),
            ),
        ],
        responses=ReportSerializer,
    )
    def get(self, request):
        raw_year = request.query_params.get("year", "").strip()
        try:
            year = int(raw_year) if raw_year else timezone.localdate().year
        except ValueError:
            raise ValidationError(
                {"year": [_("Năm báo cáo phải là số, ví dụ year=2019.")]}
            ) from None
        if not 1990 <= year <= 2100:
            raise ValidationError({"year": [_("Năm báo cáo không hợp lệ.")]})
        org_value = request.query_params.get("org", "").strip()
        org = find_organization(request.user, org_value) if org_value else None
        confirmed = request.query_params.get("confirmed_only", "").lower() in (
            "1",
            "true",
            "on",
            "yes",
        )
        return Response(build_report(request.user, year=year, org=org, confirmed_only=confirmed))


def _year_param(request) -> int:
    raw_year = request.query_params.get("year", "").strip()
    try:
        year = int(raw_year) if raw_year else timezone.localdate().year
    except ValueError:
        raise ValidationError({"year": [_("Năm báo cáo phải là số, ví dụ year=2019.")]}) from None
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": [_("Năm báo cáo không hợp lệ.")]})
    return year


class XepLoaiCoverageSerializer(serializers.Serializer):
    required = serializers.IntegerField(help_text=_("Số tập thể, cá nhân phải kiểm điểm"))
    reviewed = serializers.IntegerField(help_text=_("Số đã kiểm điểm"))
    not_reviewed = serializers.IntegerField(help_text=_("Số phải kiểm điểm mà chưa kiểm điểm"))
    linked_manifestations_pct = serializers.FloatField(
        allow_null=True, help_text=_("% cá nhân đã kiểm điểm có liên hệ 27 biểu hiện")
    )
    total = serializers.IntegerField()
    exempt = serializers.IntegerField(help_text=_("Không kiểm điểm theo quy định"))
    reviewed_pct = serializers.FloatField(allow_null=True)
    all_reviewed = serializers.BooleanField()
    collectives = serializers.DictField()
    individuals = serializers.DictField()
    previous = serializers.DictField(allow_null=True, help_text=_("Năm trước"))


class XepLoaiTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    subject_kind = serializers.CharField()
    by_unit = serializers.BooleanField()
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text=_(
            "Mỗi dòng: total, reviewed, not_reviewed_reasons, classified, "
            "not_classified_reasons, levels {HTXSNV: {count, pct}…}, excellent_to_good_pct, "
            "previous (năm trước)"
        ),
    )


class XepLoaiReportSerializer(serializers.Serializer):
    """Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm YYYY (computed from rows)."""

    title = serializers.CharField()
    year = serializers.IntegerField()
    previous_year = serializers.IntegerField()
    organization = serializers.DictField(allow_null=True)
    as_of = serializers.DateField()
    cycles = serializers.ListField(child=serializers.DictField())
    previous_cycles = serializers.ListField(child=serializers.IntegerField())
    rules = serializers.DictField(allow_null=True)
    coverage = XepLoaiCoverageSerializer()
    levels = serializers.ListField(child=serializers.DictField())
    not_reviewed_reasons = serializers.DictField()
    not_classified_reasons = serializers.DictField()
    tables = XepLoaiTableSerializer(many=True)


class XepLoaiReportView(ReportView):
    """The review statistics as JSON: ``GET /api/v1/reports/xep-loai?year=2019&org=CODE``."""

    @extend_schema(
        summary=_("Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm YYYY"),
        parameters=[
            *REPORT_PARAMETERS,
        ],
        responses=XepLoaiReportSerializer,
    )
    def get(self, request):
        year = _year_param(request)
        org_value = request.query_params.get("org", "").strip()
        org = find_organization(request.user, org_value) if org_value else None
        if org is None:
            nodes = top_nodes(request.user)
            org = nodes[0] if len(nodes) == 1 else None
        return Response(build_xep_loai(request.user, year=year, org=org))
