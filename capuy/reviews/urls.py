from django.urls import path

from .views import catalogue, cycles, reviews
from .views import imports as review_imports

app_name = "reviews"
urlpatterns = [
    path("", cycles.cycle_list, name="cycle_list"),
    path("mo-dot/", cycles.cycle_open, name="cycle_open"),
    path("<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("<int:pk>/khoa-so/", cycles.cycle_close_level, name="cycle_close_level"),
    path("<int:pk>/doi-tuong/", cycles.subject_list, name="subject_list"),
    path("<int:pk>/chi-bo/", cycles.cell_entry, name="cell_entry"),
    path("ket-qua/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("ket-qua/<int:pk>/lich-su/", reviews.review_history, name="review_history"),
    path("ket-qua/<int:pk>/ghi-nhanh/", reviews.review_quick, name="review_quick"),
    path("ket-qua/<int:pk>/tu-danh-gia/", reviews.review_self, name="review_self"),
    path("ket-qua/<int:pk>/de-xuat/", reviews.review_propose, name="review_propose"),
    path("ket-qua/<int:pk>/quyet-dinh/", reviews.review_decide, name="review_decide"),
    path("ket-qua/<int:pk>/han-muc/", reviews.review_quota, name="review_quota"),
    path("ket-qua/<int:pk>/mo-lai/", reviews.review_reopen, name="review_reopen"),
    path("ket-qua/<int:pk>/mien/", reviews.review_exempt, name="review_exempt"),
    path("quy-tac/", catalogue.rule_set_list, name="rule_set_list"),
    path("quy-tac/<int:pk>/", catalogue.rule_set_detail, name="rule_set_detail"),
    path("quy-tac/<int:pk>/sua/", catalogue.rule_set_edit, name="rule_set_edit"),
    path("quy-tac/<int:pk>/rieng/", catalogue.rule_set_overlay, name="rule_set_overlay"),
    path("bieu-hien/", catalogue.manifestation_list, name="manifestation_list"),
    path("bieu-hien/them/", catalogue.manifestation_create, name="manifestation_create"),
    path("bieu-hien/<int:pk>/sua/", catalogue.manifestation_edit, name="manifestation_edit"),
    path("<int:pk>/nhap-excel/", review_imports.import_upload, name="import_upload"),
    path("<int:pk>/nhap-excel/mau/", review_imports.import_template, name="import_template"),
    path("<int:pk>/nhap-excel/luu/", review_imports.import_commit, name="import_commit"),
]
