from django.urls import path

from . import views

app_name = "rotation"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("lap/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/tien-do/", views.plan_progress, name="progress"),
    path("<int:pk>/quy-dinh/", views.plan_edit, name="edit"),
    path("<int:pk>/xoa/", views.plan_delete, name="delete"),
    path("<int:pk>/giai/", views.plan_run, name="run"),
    path("<int:pk>/ap-dung/", views.plan_adopt, name="adopt"),
    path("<int:pk>/excel/", views.plan_export, name="export"),
    path("<int:pk>/dong-chi/them/", views.leader_add, name="leader_add"),
    path("<int:pk>/chi-bo/them/", views.cell_add, name="cell_add"),
    path("<int:pk>/lich-vang/them/", views.unavailability_add, name="unavailability_add"),
    path("<int:pk>/ghim/", views.assignment_add, name="assignment_add"),
    path("dong-chi/<int:pk>/sua/", views.leader_edit, name="leader_edit"),
    path("dong-chi/<int:pk>/xoa/", views.leader_remove, name="leader_remove"),
    path("dong-chi/<int:pk>/lich.ics", views.leader_calendar, name="leader_calendar"),
    path("dong-chi/<int:pk>/duong-dan-lich/", views.feed_issue, name="feed_issue"),
    path("duong-dan-lich/<int:pk>/thu-hoi/", views.feed_revoke, name="feed_revoke"),
    path("lich/<str:token>.ics", views.feed, name="feed"),
    path("chi-bo/<int:pk>/sua/", views.cell_edit, name="cell_edit"),
    path("chi-bo/<int:pk>/xoa/", views.cell_remove, name="cell_remove"),
    path("lich-vang/<int:pk>/xoa/", views.unavailability_remove, name="unavailability_remove"),
    path("phan-cong/<int:pk>/ghim/", views.assignment_pin, name="assignment_pin"),
]
