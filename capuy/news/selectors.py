"""Reads of news items: the public pages (published items only, no login) and the office's
scoped lists."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from capuy.core.scoping import VIEW

from .models import NewsItem, NewsPhoto

PUBLIC_PAGE_SIZE = 20
PUBLIC_FIELDS = (
    "id",
    "title",
    "lead",
    "body",
    "author_initials",
    "source_tag",
    "published_at",
    "view_count",
    "status",
)


def public_list(page: int = 1) -> tuple[list[NewsItem], bool]:
    """Published items, newest first; one page plus whether there is a next one."""
    start = (max(page, 1) - 1) * PUBLIC_PAGE_SIZE
    rows = list(
        NewsItem.objects.published()
        .only("id", "title", "lead", "source_tag", "published_at", "view_count")
        .order_by("-published_at", "-id")[start : start + PUBLIC_PAGE_SIZE + 1]
    )
    return rows[:PUBLIC_PAGE_SIZE], len(rows) > PUBLIC_PAGE_SIZE


def public_get(pk) -> NewsItem:
    """A published item with its photos (two queries); anything else is a 404."""
    item = (
        NewsItem.objects.published()
        .only(*PUBLIC_FIELDS)
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=NewsPhoto.objects.only("id", "item_id", "caption", "width", "height"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404(_("Không tìm thấy tin bài."))
    return item


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
