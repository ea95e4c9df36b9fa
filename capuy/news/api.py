"""API for news items (tin bài), under ``/api/v1/``.

* ``news-items/``: the press office's items (drafts included), scoped like every other
  resource; writes go through ``capuy.news.services`` (editing a published item needs
  ``revision_note``; publish and withdraw are actions).
* ``public/news/``: published items only, for anyone, without signing in. Reading through the
  API does not count as a view; the counter counts visits of the public page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.api.serializers import ScopedRelatedField, ServiceSerializer
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.core.scoping import VIEW
from capuy.organizations.models import Organization

from . import services
from .choices import NewsStatus
from .models import NewsItem, NewsPhoto


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = NewsPhoto
        fields = ["id", "caption", "width", "height", "url"]

    def get_url(self, photo) -> str:
        return reverse("news:photo", args=[photo.pk])


class NewsItemSerializer(ServiceSerializer):
    """Tin bài. ``revision_note`` is required to change an item that is already published."""

    organization = ScopedRelatedField(
        Organization, help_text=_("Cơ quan đăng tin (chỉ khi tạo mới).")
    )
    photos = PhotoSerializer(many=True, read_only=True)
    revision_note = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("Lý do sửa; bắt buộc khi tin đã đăng."),
    )

    class Meta:
        model = NewsItem
        fields = [
            "id",
            "organization",
            "title",
            "lead",
            "body",
            "author_initials",
            "source_tag",
            "status",
            "published_at",
            "view_count",
            "source_label",
            "photos",
            "revision_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "published_at",
            "view_count",
            "source_label",
            "created_at",
            "updated_at",
        ]
        create_only_fields = ["organization"]


class NewsReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label=_("lý do"))


class NewsItemViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Tin bài of the press office in your scope, drafts included, last changed first."""

    serializer_class = NewsItemSerializer
    ordering_fields = ["updated_at", "published_at", "id"]
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            NewsItem.objects.visible_to(self.request.user, VIEW)
            .prefetch_related("photos")
            .order_by("-updated_at", "-id")
        )

    def service_create(self, data):
        data.pop("revision_note", None)
        return services.news_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        note = data.pop("revision_note", "")
        return services.news_update(
            acting_user=self.request.user, item=instance, revision_note=note, **data
        )

    @extend_schema(request=None, responses=NewsItemSerializer, summary=_("Đăng tin"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        item = services.news_publish(acting_user=request.user, item=self.get_object())
        return Response(self.get_serializer(self.reread(item)).data)

    @extend_schema(request=NewsReasonSerializer, responses=NewsItemSerializer, summary=_("Gỡ tin"))
    @action(detail=True, methods=["post"], serializer_class=NewsReasonSerializer)
    def withdraw(self, request, pk=None):
        item = self.get_object()
        serializer = NewsReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.news_withdraw(
            acting_user=request.user, item=item, reason=serializer.validated_data["reason"]
        )
        return Response(
            NewsItemSerializer(self.reread(item), context=self.get_serializer_context()).data
        )


class PublicNewsSerializer(serializers.ModelSerializer):
    """A published item as the public page shows it."""

    photos = PhotoSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = NewsItem
        fields = [
            "id",
            "title",
            "lead",
            "body",
            "author_initials",
            "source_tag",
            "published_at",
            "view_count",
            "photos",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, item) -> str:
        return reverse("news:public_detail", args=[item.pk])


class PublicNewsViewSet(viewsets.ReadOnlyModelViewSet):
    """Tin đã đăng, newest first: no sign-in; drafts and withdrawn items do not exist here."""

    serializer_class = PublicNewsSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    filter_backends: list = []

    def get_queryset(self):
        return (
            NewsItem.objects.published()
            .filter(status=NewsStatus.PUBLISHED)
            .prefetch_related("photos")
            .order_by("-published_at", "-id")
        )
