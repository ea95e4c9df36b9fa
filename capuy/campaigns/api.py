"""API for donation campaigns (cuộc vận động ủng hộ), pledges (đăng ký) and contributions
(đóng góp), under ``/api/v1/``.

Amounts are integers of đồng; a negative, zero or fractional amount is refused (400) with a
Vietnamese message. Reads are scoped like the pages (a campaign is seen by everyone whose part of
the tree it covers; pledges and contributions by the contributor's place in the tree); writes go
through ``capuy.campaigns.services``.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capuy.api.organizations import visible_organization
from capuy.api.serializers import ScopedRelatedField, ServiceSerializer
from capuy.api.viewsets import ScopedViewSet, ServiceWritesMixin
from capuy.core.scoping import VIEW
from capuy.members.models import Member
from capuy.organizations.models import Organization

from . import selectors, services
from .choices import ContributionStatus, ContributorKind, PledgeStatus
from .models import Campaign, Contribution, ContributionShare, Pledge

AMOUNT_ERRORS = {
    "invalid": _("Số tiền phải là số nguyên đồng, không có phần lẻ."),
    "min_value": _("Số tiền phải lớn hơn 0 đồng (không nhận số âm)."),
    "max_value": _("Số tiền quá lớn, hãy kiểm tra lại."),
    "max_string_length": _("Số tiền quá lớn, hãy kiểm tra lại."),
    "required": _("Hãy nhập số tiền."),
    "null": _("Hãy nhập số tiền."),
}


def amount_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=services.MAX_AMOUNT, error_messages=AMOUNT_ERRORS, **kwargs
    )


# --- campaigns ------------------------------------------------------------------------------


class CampaignSerializer(ServiceSerializer):
    """Cuộc vận động: who launched it, what for, when, the optional goal (đồng)."""

    organization = ScopedRelatedField(
        Organization, help_text=_("Tổ chức hưởng ứng (chỉ khi tạo mới).")
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    goal = amount_field(required=False, allow_null=True, label=_("chỉ tiêu (đồng)"))

    class Meta:
        model = Campaign
        fields = [
            "id",
            "organization",
            "organization_name",
            "title",
            "launched_by",
            "purpose",
            "start_on",
            "end_on",
            "goal",
            "next_receipt_no",
            "created_at",
        ]
        read_only_fields = ["next_receipt_no", "created_at"]
        create_only_fields = ["organization"]


TotalsSerializer = inline_serializer(
    "CampaignTotals",
    {
        "pledged": serializers.IntegerField(),
        "received": serializers.IntegerField(),
        "outstanding": serializers.IntegerField(),
        "contributions": serializers.IntegerField(),
        "pledges": serializers.IntegerField(),
    },
)
RollupSerializer = inline_serializer(
    "CampaignRollup",
    {
        "node": serializers.IntegerField(),
        "node_name": serializers.CharField(),
        "total": TotalsSerializer,
        "rows": inline_serializer(
            "CampaignRollupRow",
            {
                "organization": serializers.IntegerField(),
                "name": serializers.CharField(),
                "direct": serializers.BooleanField(),
                "totals": TotalsSerializer,
            },
            many=True,
        ),
    },
)


def _totals(t) -> dict:
    return {
        "pledged": t.pledged,
        "received": t.received,
        "outstanding": t.outstanding,
        "contributions": t.contributions,
        "pledges": t.pledges,
    }


class CampaignViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Cuộc vận động ủng hộ, newest first. Changing one needs its organization in your scope."""

    serializer_class = CampaignSerializer
    ordering_fields = ["start_on", "id"]

    def get_queryset(self):
        return selectors.campaign_list(self.request.user)

    def service_create(self, data):
        return services.campaign_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data):
        return services.campaign_update(acting_user=self.request.user, campaign=instance, **data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "node",
                int,
                description=_(
                    "Tổ chức cần tổng hợp (mặc định: tổ chức hưởng ứng, hoặc nơi bạn "
                    "được phân quyền)."
                ),
            )
        ],
        responses=RollupSerializer,
        summary=_(
            "Tổng đăng ký / đã nhận / còn phải nộp của một tổ chức và từng đơn vị trực thuộc"
        ),
    )
    @action(detail=True, methods=["get"])
    def totals(self, request, pk=None):
        campaign = self.get_object()
        node = selectors.node_for(request.user, campaign, request.query_params.get("node"))
        rollup = selectors.campaign_rollup(campaign, node)
        return Response(
            {
                "node": node.pk,
                "node_name": node.name,
                "total": _totals(rollup.total),
                "rows": [
                    {
                        "organization": row.organization.pk,
                        "name": row.organization.name,
                        "direct": row.direct,
                        "totals": _totals(row.totals),
                    }
                    for row in rollup.rows
                ],
            }
        )


# --- pledges and contributions ------------------------------------------------------------------


class _ContributorSerializer(ServiceSerializer):
    campaign = ScopedRelatedField(Campaign)
    organization = ScopedRelatedField(
        Organization,
        required=False,
        allow_null=True,
        help_text=_("Đơn vị ủng hộ (bỏ trống khi là đảng viên)."),
    )
    member = ScopedRelatedField(
        Member,
        required=False,
        allow_null=True,
        help_text=_("Đảng viên ủng hộ (bỏ trống khi là đơn vị)."),
    )
    amount = amount_field(label=_("số tiền (đồng)"))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None:
            if (attrs.get("organization") is None) == (attrs.get("member") is None):
                raise serializers.ValidationError(
                    {
                        "organization": _(
                            "Hãy ghi một đơn vị hoặc một đảng viên (chỉ một trong hai)."
                        )
                    }
                )
            if attrs.get("member") is not None:
                attrs.pop("organization", None)
            else:
                attrs.pop("member", None)
        return attrs


class PledgeSerializer(_ContributorSerializer):
    """Đăng ký ủng hộ. ``outstanding`` = max(amount − received, 0) while active."""

    outstanding = serializers.IntegerField(read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "campaign",
            "kind",
            "organization",
            "member",
            "contributor_name",
            "amount",
            "pledged_on",
            "received",
            "outstanding",
            "status",
            "cancel_reason",
            "note",
        ]
        read_only_fields = ["kind", "contributor_name", "received", "status", "cancel_reason"]
        validators = []  # the services check uniqueness, with the messages of the pages


class ShareSerializer(serializers.ModelSerializer):
    """A member covered by a unit's on-behalf contribution; ``amount`` may be empty."""

    member = ScopedRelatedField(Member)
    amount = amount_field(required=False, allow_null=True)

    class Meta:
        model = ContributionShare
        fields = ["member", "member_name", "amount"]
        read_only_fields = ["member_name"]


class ContributionSerializer(_ContributorSerializer):
    """Đóng góp with its receipt number. ``covered_members`` makes it an on-behalf payment by a
    unit: the money counts once, for the unit; the members are named on the receipt."""

    receipt_no = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Để trống để cấp số tiếp theo; chỉ ghi khi nhập lại biên lai giấy đã cấp."),
        error_messages={
            "invalid": _("Số biên lai phải là số nguyên dương."),
            "min_value": _("Số biên lai phải là số nguyên dương."),
        },
    )
    covered_members = ShareSerializer(many=True, required=False, source="shares")

    class Meta:
        model = Contribution
        fields = [
            "id",
            "campaign",
            "receipt_no",
            "kind",
            "organization",
            "member",
            "contributor_name",
            "amount",
            "received_on",
            "pledge",
            "status",
            "void_reason",
            "note",
            "covered_members",
            "recorded_at",
        ]
        read_only_fields = [
            "kind",
            "contributor_name",
            "pledge",
            "status",
            "void_reason",
            "recorded_at",
        ]
        validators = []  # receipt numbers are checked under the campaign's lock (services)
        # Nothing of a receipt changes after it is issued: a wrong one is voided.
        create_only_fields = ["campaign", "receipt_no", "organization", "member", "amount"]


class CampaignReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label=_("lý do"))


def _under(request, qs, value, field="org_path"):
    org = visible_organization(request, value)
    if org is None:
        return qs.none()
    return qs.filter(**{f"{field}__startswith": org.path})


class PledgeFilter(django_filters.FilterSet):
    campaign = django_filters.NumberFilter()
    under = django_filters.NumberFilter(
        method="filter_under", label=_("Thuộc cây của tổ chức (id), kể cả chính nó")
    )
    status = django_filters.ChoiceFilter(choices=PledgeStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ContributorKind.choices)
    member = django_filters.NumberFilter()

    class Meta:
        model = Pledge
        fields = ["campaign", "status", "kind", "member"]

    def filter_under(self, qs, name, value):
        return _under(self.request, qs, value)


class ContributionFilter(PledgeFilter):
    status = django_filters.ChoiceFilter(choices=ContributionStatus.choices)
    receipt_no = django_filters.NumberFilter()

    class Meta:
        model = Contribution
        fields = ["campaign", "status", "kind", "member", "receipt_no"]


class PledgeViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Đăng ký ủng hộ. Cancel one with POST /pledges/{id}/cancel/ {reason}."""

    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    ordering_fields = ["pledged_on", "amount", "id"]

    def get_queryset(self):
        return (
            Pledge.objects.visible_to(self.request.user, VIEW)
            .select_related("organization")
            .order_by("campaign", "org_path", "id")
        )

    def service_create(self, data):
        return services.pledge_record(acting_user=self.request.user, **data)

    @extend_schema(
        request=CampaignReasonSerializer, responses=PledgeSerializer, summary=_("Hủy đăng ký")
    )
    @action(detail=True, methods=["post"], serializer_class=CampaignReasonSerializer)
    def cancel(self, request, pk=None):
        pledge = self.get_object()
        serializer = CampaignReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.pledge_cancel(
            acting_user=request.user, pledge=pledge, reason=serializer.validated_data["reason"]
        )
        return Response(PledgeSerializer(self.reread(pledge), context={"request": request}).data)


class ContributionViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Đóng góp, newest receipt first. A receipt is never edited nor deleted: void it with
    POST /contributions/{id}/void/ {reason}; it keeps its number and leaves the totals."""

    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    ordering_fields = ["receipt_no", "received_on", "amount", "id"]

    def get_queryset(self):
        return (
            Contribution.objects.visible_to(self.request.user, VIEW)
            .select_related("organization")
            .prefetch_related("shares")
            .order_by("-campaign_id", "-receipt_no")
        )

    def service_create(self, data):
        shares = data.pop("shares", [])
        data["covered_members"] = [(s["member"], s.get("amount")) for s in shares]
        return services.contribution_record(acting_user=self.request.user, **data)

    @extend_schema(
        request=CampaignReasonSerializer,
        responses=ContributionSerializer,
        summary=_("Hủy biên lai"),
    )
    @action(detail=True, methods=["post"], serializer_class=CampaignReasonSerializer)
    def void(self, request, pk=None):
        contribution = self.get_object()
        serializer = CampaignReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contribution_void(
            acting_user=request.user,
            contribution=contribution,
            reason=serializer.validated_data["reason"],
        )
        data = ContributionSerializer(self.reread(contribution), context={"request": request}).data
        return Response(data, status=status.HTTP_200_OK)
