from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("quy-dinh-01/", views.quy_dinh_01, name="quy_dinh_01"),
    path("quy-dinh-01/tai-ve/<str:fmt>/", views.quy_dinh_01_download, name="quy_dinh_01_download"),
    path("xep-loai/", views.xep_loai, name="xep_loai"),
    path("xep-loai/tai-ve/<str:fmt>/", views.xep_loai_download, name="xep_loai_download"),
]
