from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from capuy.campaigns.api import CampaignViewSet, ContributionViewSet, PledgeViewSet
from capuy.concerns.api import ConcernCategoryViewSet, ConcernEventViewSet, ConcernViewSet
from capuy.conferences import api as conferences
from capuy.jobs.api import JobViewSet
from capuy.meetings.api import (
    AttendanceRuleViewSet,
    AttendanceViewSet,
    CellMeetingViewSet,
    FieldVisitViewSet,
    MeetingScheduleViewSet,
)
from capuy.news.api import NewsItemViewSet, PublicNewsViewSet
from capuy.reports.api import QuyDinh01ReportView, XepLoaiReportView
from capuy.reviews import api as reviews
from capuy.rotation import api as rotation

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
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("pledges", PledgeViewSet, basename="pledge")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("news-items", NewsItemViewSet, basename="news-item")
router.register("public/news", PublicNewsViewSet, basename="public-news")
router.register("attendance-rules", AttendanceRuleViewSet, basename="attendance-rule")
router.register("meeting-schedules", MeetingScheduleViewSet, basename="meeting-schedule")
router.register("meetings", CellMeetingViewSet, basename="meeting")
router.register("attendances", AttendanceViewSet, basename="attendance")
router.register("field-visits", FieldVisitViewSet, basename="field-visit")
router.register("concerns", ConcernViewSet, basename="concern")
router.register("concern-events", ConcernEventViewSet, basename="concern-event")
router.register("concern-categories", ConcernCategoryViewSet, basename="concern-category")
router.register("conferences", conferences.ConferenceViewSet, basename="conference")
router.register(
    "conference-attendances",
    conferences.ConferenceAttendanceViewSet,
    basename="conference-attendance",
)
router.register("agenda-items", conferences.AgendaItemViewSet, basename="agenda-item")
router.register("conclusions", conferences.ConclusionViewSet, basename="conclusion")
router.register("agencies", conferences.AgencyViewSet, basename="agency")
router.register("assigned-tasks", conferences.AssignedTaskViewSet, basename="assigned-task")
router.register("task-events", conferences.TaskEventViewSet, basename="task-event")
router.register("rotation-plans", rotation.RotationPlanViewSet, basename="rotation-plan")
router.register("rotation-leaders", rotation.RotationLeaderViewSet, basename="rotation-leader")
router.register("rotation-cells", rotation.RotationCellViewSet, basename="rotation-cell")
router.register(
    "rotation-unavailabilities",
    rotation.RotationUnavailabilityViewSet,
    basename="rotation-unavailability",
)
router.register(
    "rotation-assignments", rotation.RotationAssignmentViewSet, basename="rotation-assignment"
)
router.register("rule-sets", reviews.RuleSetViewSet, basename="rule-set")
router.register("manifestations", reviews.ManifestationViewSet, basename="manifestation")
router.register("review-cycles", reviews.ReviewCycleViewSet, basename="review-cycle")
router.register("reviews", reviews.ReviewViewSet, basename="review")
router.register("review-events", reviews.ReviewEventViewSet, basename="review-event")
router.register("jobs", JobViewSet, basename="job")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("reports/quy-dinh-01", QuyDinh01ReportView.as_view(), name="report-quy-dinh-01"),
    path("reports/xep-loai", XepLoaiReportView.as_view(), name="report-xep-loai"),
    path("", include(router.urls)),
]
