from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Committee, Seat, Term


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "name", "start_on", "end_on"]
    raw_id_fields = ["organization"]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind"]


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ["member", "role", "committee", "start_on", "end_on"]
    raw_id_fields = ["member", "committee"]
