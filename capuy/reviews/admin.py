"""Admin views for support staff. Day-to-day work goes through the pages and the services
(the admin does not run the review rules); reviews are read only here."""

from django.contrib import admin
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from .models import Manifestation, Review, ReviewCycle, ReviewEvent, RuleSet, reviews_link


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "first_year", "last_year", "organization"]
    raw_id_fields = ["base", "organization"]


@admin.register(Manifestation)
class ManifestationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "text", "confirmed", "active"]
    list_filter = ["group", "confirmed", "active"]

    def get_deleted_objects(self, objs, request):
        """A manifestation some review links is shown as protected, as the admin shows what a
        PROTECT foreign key holds: the links are ids on the reviews, not rows it can see."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        linked = [
            gettext("Biểu hiện %(code)s đã được liên hệ trong bản kiểm điểm (chỉ ngừng dùng).")
            % {"code": m.code}
            for m in objs
            if reviews_link(m.pk)
        ]
        return deleted, counts, perms_needed, [*protected, *linked]


@admin.register(ReviewCycle)
class ReviewCycleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "year", "period_kind", "organization", "rule_set", "closed_at"]
    raw_id_fields = ["organization", "rule_set", "opened_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "cycle", "subject_kind", "status", "self_level", "decided_level"]
    list_filter = ["subject_kind", "status"]
    raw_id_fields = ["cycle", "organization", "member", "committee", "seat"]
    show_full_result_count = False


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ["review", "step", "level", "by", "at"]
    raw_id_fields = ["review", "by"]
    show_full_result_count = False
