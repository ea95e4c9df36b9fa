from django.urls import path

from . import import_views, setup_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("them/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/lich-su/", views.meeting_history, name="history"),
    path("<int:pk>/ghi-nhan/", views.meeting_record, name="record"),
    path("<int:pk>/chon-nguoi-du/", views.attendee_picker, name="attendee_picker"),
    path("<int:pk>/hoan/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/toi-da-du/", views.attendance_self, name="attendance_self"),
    path("luot-du/", views.attendance_list, name="attendance_list"),
    path("luot-du/<int:pk>/xac-nhan/", views.attendance_confirm, name="attendance_confirm"),
    path("luot-du/<int:pk>/khong-xac-nhan/", views.attendance_dispute, name="attendance_dispute"),
    path("luot-du/<int:pk>/xoa/", views.attendance_delete, name="attendance_delete"),
    path("lich/", setup_views.schedule_list, name="schedule_list"),
    path("lich/them/", setup_views.schedule_create, name="schedule_create"),
    path("lich/<int:pk>/sua/", setup_views.schedule_edit, name="schedule_edit"),
    path("lich/<int:pk>/tao-buoi/", setup_views.schedule_generate, name="schedule_generate"),
    path("quy-dinh/", setup_views.rule_list, name="rule_list"),
    path("quy-dinh/them/", setup_views.rule_create, name="rule_create"),
    path("quy-dinh/<int:pk>/", setup_views.rule_detail, name="rule_detail"),
    path("quy-dinh/<int:pk>/sua/", setup_views.rule_edit, name="rule_edit"),
    path("cong-tac-co-so/", views.field_visit_list, name="field_visit_list"),
    path("cong-tac-co-so/them/", views.field_visit_create, name="field_visit_create"),
    path("nhap-excel/", import_views.import_upload, name="import"),
    path("nhap-excel/mau.xlsx", import_views.import_template, name="import_template"),
    path("nhap-excel/luu/", import_views.import_commit, name="import_commit"),
]
