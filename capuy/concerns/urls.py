from django.urls import path

from . import views

app_name = "concerns"
urlpatterns = [
    path("", views.concern_list_view, name="list"),
    path("theo-co-quan/", views.concern_by_agency, name="by_agency"),
    path("theo-dia-ban/", views.concern_by_locality, name="by_locality"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("<int:pk>/chuyen-tinh-trang/", views.concern_transition, name="transition"),
    path("<int:pk>/lich-su/", views.concern_history, name="history"),
]
