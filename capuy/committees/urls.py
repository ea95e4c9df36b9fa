from django.urls import path

from . import views

app_name = "committees"
urlpatterns = [
    path("", views.committee_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lich-su/", views.history, name="history"),
    path("<int:pk>/them-chuc-vu/", views.seat_add, name="seat_add"),
    path("chon-dang-vien/", views.member_picker, name="member_picker"),
    path("chuc-vu/<int:pk>/thoi/", views.seat_end, name="seat_end"),
    path("chuc-vu/<int:pk>/lich-su/", views.seat_history, name="seat_history"),
    path("nhiem-ky/them/", views.term_create, name="term_create"),
    path("nhiem-ky/<int:pk>/them-cap-uy/", views.committee_create, name="committee_create"),
]
