from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Organization, OrganizationFlag


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "code", "kind", "member_count", "dissolved_on"]
    list_filter = ["kind", "unit_type"]
    search_fields = ["name", "code", "search_text"]
    raw_id_fields = ["merged_into"]


@admin.register(OrganizationFlag)
class OrganizationFlagAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "kind", "valid_from", "valid_to"]
    raw_id_fields = ["organization"]
