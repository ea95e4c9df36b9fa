"""Admin views for support staff. Day-to-day work goes through the pages and the services
(the admin does not run the review rules); reviews are read only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Manifestation, Review, ReviewCycle, ReviewEvent, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "first_year", "last_year", "organization"]
    raw_id_fields = ["base", "organization"]


@admin.register(Manifestation)
class ManifestationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "text", "confirmed", "active"]
    list_filter = ["group", "confirmed", "active"]


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
