from django.urls import path

from . import task_views, views

app_name = "conferences"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("them/", views.conference_create, name="create"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/sua/", views.conference_edit, name="edit"),
    path("<int:pk>/lich-su/", views.conference_history, name="history"),
    path("<int:pk>/diem-danh/", views.attendance, name="attendance"),
    path("<int:pk>/diem-danh/cap-nhat/", views.attendance_sync, name="attendance_sync"),
    path("<int:pk>/khach-moi/them/", views.guest_add, name="guest_add"),
    path("khach-moi/<int:pk>/xoa/", views.guest_delete, name="guest_delete"),
    path("<int:pk>/noi-dung/them/", views.agenda_add, name="agenda_add"),
    path("noi-dung/<int:pk>/sua/", views.agenda_edit, name="agenda_edit"),
    path("noi-dung/<int:pk>/tai-lieu/", views.document_upload, name="document_upload"),
    path("tai-lieu/<int:pk>/", views.document_download, name="document_download"),
    path("<int:pk>/ket-luan/", views.conclusion, name="conclusion"),
    path("<int:pk>/ket-luan/them/", views.conclusion_add, name="conclusion_add"),
    path("ket-luan/<int:pk>/sua/", views.conclusion_edit, name="conclusion_edit"),
    path("<int:pk>/van-ban/<slug:which>/<slug:fmt>/", views.export, name="export"),
    path("ket-luan/<int:pk>/giao-nhiem-vu/", task_views.task_create, name="task_create"),
    path("nhiem-vu/", task_views.task_list, name="task_list"),
    path("nhiem-vu/<int:pk>/", task_views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/sua/", task_views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/bao-cao/", task_views.task_progress, name="task_progress"),
    path("nhiem-vu/<int:pk>/chuyen-tiep/", task_views.task_carry, name="task_carry"),
    path("bao-cao-tien-do/<int:pk>/tep/", task_views.progress_file, name="progress_file"),
    path("co-quan/", task_views.agency_list, name="agency_list"),
    path("co-quan/them/", task_views.agency_create, name="agency_create"),
]
