from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The capabilities to come sit in the menu from the first day, so the layout does not move
# when they arrive; those not built yet are shown disabled.
_SECTIONS = [
    ("home", _("Tổng quan"), "core:home", "bi-house"),
    ("organizations", _("Tổ chức đảng"), "organizations:tree", "bi-diagram-3"),
    ("members", _("Đảng viên"), "members:list", "bi-people"),
    ("committees", _("Cấp ủy"), "committees:list", "bi-person-badge"),
    ("grassroots", _("Công tác cơ sở"), "meetings:list", "bi-signpost-2"),
    ("reviews", _("Đánh giá, xếp loại"), "reviews:cycle_list", "bi-clipboard-check"),
    ("conferences", _("Hội nghị"), "conferences:list", "bi-easel"),
    ("campaigns", _("Vận động ủng hộ"), "campaigns:list", "bi-heart"),
    ("news", _("Tin bài"), "news:manage_list", "bi-newspaper"),
    ("reports", _("Báo cáo"), "reports:quy_dinh_01", "bi-file-earmark-text"),
]


# Sections whose pages live in several URL namespaces.
_ALSO_ACTIVE = {"grassroots": ("concerns", "rotation", "grassroots")}


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_sections": []}
    current = getattr(request, "resolver_match", None)
    namespace = current.namespace if current else ""
    sections = []
    for key, label, url_name, icon in _SECTIONS:
        sections.append(
            {
                "key": key,
                "label": label,
                "url": reverse(url_name) if url_name else None,
                "icon": icon,
                "active": bool(url_name)
                and (url_name.split(":")[0] == namespace or namespace in _ALSO_ACTIVE.get(key, ())),
            }
        )
    return {"nav_sections": sections}
