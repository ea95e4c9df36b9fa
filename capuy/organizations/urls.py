from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/con/", views.children, name="children"),
    path("<int:pk>/lich-su/", views.history, name="history"),
    path("<int:pk>/them/", views.create, name="create"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/danh-dau/", views.flag_add, name="flag_add"),
    path("<int:pk>/giai-the/", views.dissolve, name="dissolve"),
]
