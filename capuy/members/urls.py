from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("them/", views.member_create, name="create"),
    path("xuat-excel/", views.member_export, name="export"),
    path("chon-chi-bo/", views.cell_search, name="cell_search"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/lich-su/", views.member_history, name="history"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    path("<int:pk>/chuyen-sinh-hoat/", views.member_transfer, name="transfer"),
    path("<int:pk>/xoa/", views.member_delete, name="delete"),
]
