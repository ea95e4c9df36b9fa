"""API of long jobs under ``/api/v1/jobs/``: the user's own jobs, newest first.

``GET /jobs/{id}/`` is what a client polls after a ``202 Accepted`` (a large cycle opening,
``POST /review-cycles/``); once done, ``result`` names what the job produced: the opened
cycle (its id, API resource, page and counts) or the file, fetched with
``GET /jobs/{id}/download/``. Like the pages, a job is private to the user who started it:
anyone else's answers 404, administrators included.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.api.permissions import SignedInPermission
from capuy.api.viewsets import ScopedViewSet

from .models import Job
from .services import job_result
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


class JobSerializer(serializers.ModelSerializer):
    """Một tác vụ dài: progress while it runs, then what it produced (``result``)."""

    url = serializers.SerializerMethodField(help_text=_("Địa chỉ để theo dõi tác vụ."))
    result = serializers.SerializerMethodField()

    class Meta:
        model = Job
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
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), reverse("api:job-detail", args=[obj.pk]))

    @extend_schema_field(JobResultSerializer(allow_null=True))
    def get_result(self, obj) -> dict | None:
        result = job_result(obj)
        if result is None:
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


def job_accepted(request, job: Job) -> Response:
    """``202 Accepted`` for work handed to a job: the job, and where to poll it."""
    data = JobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


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
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The result file of a finished file job (an export), as the page offers it."""
        return file_response(self.get_object())


__all__ = ["JobResultSerializer", "JobSerializer", "JobViewSet", "job_accepted"]
