from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member, MemberTransfer


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "birth_date", "status", "cell"]
    search_fields = ["search_text", "card_number"]
    raw_id_fields = ["cell"]
    list_select_related = ["cell"]
    show_full_result_count = False


@admin.register(MemberTransfer)
class MemberTransferAdmin(admin.ModelAdmin):
    list_display = ["member", "from_cell", "to_cell", "transferred_on"]
    raw_id_fields = ["member", "from_cell", "to_cell"]
