"""Reads of news items: the public pages (published items only, no login) and the office's
scoped lists."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from capuy.core.scoping import VIEW

from .models import NewsItem, NewsPhoto

PUBLIC_PAGE_SIZE = 20


def office_list(user, *, status: str = ""):
    qs = NewsItem.objects.visible_to(user, VIEW).select_related("organization")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


def office_get(user, pk, action: str = VIEW) -> NewsItem:
    item = NewsItem.objects.visible_to(user, action).select_related("organization").filter(pk=pk)
    item = item.first()
    if item is None:
        raise Http404(_("Không tìm thấy tin bài hoặc tin bài ngoài phạm vi của bạn."))
    return item


def photo_get(user, pk) -> NewsPhoto:
    """A photo of a published item for anyone; of a draft only for those who see the draft."""
    photo = NewsPhoto.objects.select_related("item").filter(pk=pk).first()
    if photo is None:
        raise Http404
    if NewsItem.objects.published().filter(pk=photo.item_id).exists():
        return photo
    if NewsPhoto.objects.visible_to(user, VIEW).filter(pk=pk).exists():
        return photo
    raise Http404
