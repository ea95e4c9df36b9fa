from django.urls import path

from . import views

app_name = "news"
urlpatterns = [
    # Public: no login, published items only.
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("anh/<int:pk>/", views.photo, name="photo"),
    # The press office.
    path("quan-ly/", views.manage_list, name="manage_list"),
    path("quan-ly/them/", views.create, name="create"),
    path("quan-ly/soan-tu-hoi-nghi/", views.draft_from_conference, name="draft_from_conference"),
    path("quan-ly/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("quan-ly/<int:pk>/lich-su/", views.history, name="history"),
    path("quan-ly/<int:pk>/sua/", views.edit, name="edit"),
    path("quan-ly/<int:pk>/dang/", views.publish, name="publish"),
    path("quan-ly/<int:pk>/go/", views.withdraw, name="withdraw"),
    path("quan-ly/<int:pk>/them-anh/", views.photo_add, name="photo_add"),
    path("quan-ly/anh/<int:pk>/xoa/", views.photo_delete, name="photo_delete"),
]
