from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("them/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/sua/", views.campaign_edit, name="edit"),
    path("<int:pk>/lich-su/", views.campaign_history, name="history"),
    path("<int:pk>/tong-hop/", views.campaign_totals, name="totals"),
    path("<int:pk>/xuat-excel/", views.campaign_export, name="export"),
    path("<int:pk>/danh-sach-ung-ho/", views.acknowledgement, name="acknowledgement"),
    path("<int:pk>/danh-sach-ung-ho.pdf", views.acknowledgement_pdf, name="acknowledgement_pdf"),
    path("<int:pk>/dong-gop/", views.contribution_list, name="contributions"),
    path("<int:pk>/dong-gop/them/", views.contribution_add, name="contribution_add"),
    path("<int:pk>/chon-nguoi-ung-ho/", views.contributor_search, name="contributor_search"),
    path("<int:pk>/dang-vien-don-vi/", views.unit_members, name="unit_members"),
    path("<int:pk>/dang-ky/", views.pledge_list, name="pledges"),
    path("<int:pk>/dang-ky/them/", views.pledge_add, name="pledge_add"),
    path("bien-lai/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("bien-lai/<int:pk>/huy/", views.contribution_void, name="contribution_void"),
    path("bien-lai/<int:pk>/bien-lai.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("dang-ky/<int:pk>/huy/", views.pledge_cancel, name="pledge_cancel"),
]
