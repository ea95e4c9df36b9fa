from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("capuy.core.urls")),
    path("tai-khoan/", include("capuy.accounts.urls")),
    path("to-chuc/", include("capuy.organizations.urls")),
    path("dang-vien/", include("capuy.members.urls")),
    path("cap-uy/", include("capuy.committees.urls")),
    path("tac-vu/", include("capuy.jobs.urls")),
    path("hoi-nghi/", include("capuy.conferences.urls")),
    path("sinh-hoat/", include("capuy.meetings.urls")),
    path("kien-nghi/", include("capuy.concerns.urls")),
    path("luan-phien/", include("capuy.rotation.urls")),
    path("cong-tac-co-so/tong-hop/", include("capuy.reports.grassroots_urls")),
    path("bao-cao/", include("capuy.reports.urls")),
    path("van-dong/", include("capuy.campaigns.urls")),
    path("tin/", include("capuy.news.urls")),
    path("danh-gia/", include("capuy.reviews.urls")),
    path("api/v1/", include("capuy.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
