from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("xac-thuc/", views.verify, name="verify"),
    path("bao-mat/", views.security, name="security"),
    path("bao-mat/hai-lop/", views.setup_2fa, name="setup_2fa"),
    path("bao-mat/hai-lop/tat/", views.disable_2fa, name="disable_2fa"),
    path("bao-mat/khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
