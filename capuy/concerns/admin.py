from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ConcernCategory


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(SimpleHistoryAdmin):
    """Lĩnh vực of concerns: the office adds, renames, reorders or retires them here."""

    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name", "code")
