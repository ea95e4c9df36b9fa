"""The grassroots dashboard (namespace ``grassroots``): figures, the rows behind them, "Của tôi"."""

from django.urls import path

from . import views

app_name = "grassroots"
urlpatterns = [
    path("", views.grassroots_dashboard, name="dashboard"),
    path("dinh-muc/", views.compliance_list, name="compliance"),
    path("dinh-muc/xuat-excel/", views.compliance_export, name="compliance_export"),
    path("luot-du/", views.attendance_list, name="attendances"),
    path("chi-bo-chua-duoc-du/", views.cells_never_visited, name="cells"),
    path("dia-ban-kho-khan/", views.flagged_list, name="flagged"),
    path("cua-toi/", views.mine, name="mine"),
]
