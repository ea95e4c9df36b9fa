from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .committees import CommitteeViewSet, SeatViewSet, TermViewSet
from .members import MemberTransferViewSet, MemberViewSet
from .organizations import OrganizationFlagViewSet, OrganizationViewSet

router = DefaultRouter()
# JSON only: no ".json" twin of every route to document and to sweep.
router.include_format_suffixes = False
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("organization-flags", OrganizationFlagViewSet, basename="organization-flag")
router.register("members", MemberViewSet, basename="member")
router.register("member-transfers", MemberTransferViewSet, basename="member-transfer")
router.register("terms", TermViewSet, basename="term")
router.register("committees", CommitteeViewSet, basename="committee")
router.register("seats", SeatViewSet, basename="seat")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
