from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/tien-do/", views.job_progress, name="progress"),
    path("<uuid:pk>/tai-ve/", views.job_download, name="download"),
]
