"""API of long jobs under ``/api/v1/jobs/``: the user's own jobs, newest first.

``GET /jobs/{id}/`` is what a client polls after a ``202 Accepted`` (a large cycle opening,
``POST /review-cycles/``); once done, ``result`` names what the job produced: the opened
cycle (its id, API resource, page and counts) or the file, fetched with
``GET /jobs/{id}/download/``. Like the pages, a job is private to the user who started it:
anyone else's answers 404, administrators included. An object the user may no longer see (a
role revoked since the job ran) is not named: ``result`` is null and ``result_note`` says why.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from capuy.api.permissions import SignedInPermission
from capuy.api.viewsets import ScopedViewSet

from .models import Job
from .services import job_result, job_results
from .views import file_response


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class JobResultSerializer(serializers.Serializer):
    """What a finished job produced."""

    type = serializers.CharField(
        help_text=_("«file» (tệp kết quả) hoặc tên tài nguyên API của đối tượng (review-cycle).")
    )
    id = serializers.IntegerField(allow_null=True, help_text=_("Id của đối tượng; tệp: null."))
    name = serializers.CharField(allow_blank=True, help_text=_("Tên tệp kết quả."))
    url = serializers.URLField(help_text=_("Trên API: đối tượng, hoặc địa chỉ tải tệp về."))
    page_url = serializers.URLField(help_text=_("Trang tương ứng trên giao diện."))
    data = serializers.DictField(
        help_text=_("Chi tiết theo loại tác vụ; mở đợt: counts = số đối tượng theo loại.")
    )


def _user(context: dict):
    request = context.get("request")
    return getattr(request, "user", None)


class JobListSerializer(serializers.ListSerializer):
    """Re-checks what a page of jobs produced in one query per type of object, not per job."""

    def to_representation(self, data):
        jobs = list(data.all() if hasattr(data, "all") else data)
        results = job_results(jobs, user=_user(self.context))
        self.context.setdefault("job_results", {}).update(
            zip((job.pk for job in jobs), results, strict=True)
        )
        return super().to_representation(jobs)


class JobSerializer(serializers.ModelSerializer):
    """Một tác vụ dài: progress while it runs, then what it produced (``result``)."""

    url = serializers.SerializerMethodField(help_text=_("Địa chỉ để theo dõi tác vụ."))
    result = serializers.SerializerMethodField()
    result_note = serializers.SerializerMethodField(
        help_text=_(
            "Khi tác vụ đã tạo một đối tượng mà người dùng nay không còn quyền xem: lời giải "
            "thích (result khi đó là null); còn lại để trống."
        )
    )

    class Meta:
        model = Job
        list_serializer_class = JobListSerializer
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "status",
            "done",
            "total",
            "message",
            "created_at",
            "finished_at",
            "result",
            "result_note",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), reverse("api:job-detail", args=[obj.pk]))

    def _result(self, obj):
        # Computed once per job (result and result_note both read it); a list fills it ahead.
        results = self.context.setdefault("job_results", {})
        if obj.pk not in results:
            results[obj.pk] = job_result(obj, user=_user(self.context))
        return results[obj.pk]

    @extend_schema_field(JobResultSerializer(allow_null=True))
    def get_result(self, obj) -> dict | None:
        result = self._result(obj)
        if result is None or result.withheld:
            return None
        request = self.context.get("request")
        return {
            "type": result.type,
            "id": result.id,
            "name": result.name,
            "url": _absolute(request, result.api_url),
            "page_url": _absolute(request, result.page_url),
            "data": result.data,
        }

    def get_result_note(self, obj) -> str:
        result = self._result(obj)
        return result.label if result is not None and result.withheld else ""


def job_accepted(request, job: Job) -> Response:
    """``202 Accepted`` for work handed to a job: the job, and where to poll it."""
    data = JobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class DownloadNegotiation(DefaultContentNegotiation):
    """A download answers with the file whatever the client accepts (``application/octet-stream``,
    the file's own type, ``*/*``…): only JSON renderers are installed, and DRF would refuse
    such a client with 406 before the view runs. Errors are still JSON (the first renderer)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Tác vụ của tôi: the signed-in user's own long jobs, newest first."""

    serializer_class = JobSerializer
    permission_classes = [SignedInPermission]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        # user_id, not user: an anonymous user (the schema generator) has pk None → no rows.
        return Job.objects.filter(user_id=self.request.user.pk).order_by("-created_at", "pk")

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("Tệp kết quả.")
            ),
            404: OpenApiResponse(description=_("Tác vụ chưa có tệp kết quả.")),
        },
        summary=_("Tải tệp kết quả của một tác vụ đã hoàn thành"),
    )
    @action(detail=True, methods=["get"], content_negotiation_class=DownloadNegotiation)
    def download(self, request, pk=None):
        """The result file of a finished file job (an export), as the page offers it."""
        return file_response(self.get_object())


__all__ = ["JobResultSerializer", "JobSerializer", "JobViewSet", "job_accepted"]
