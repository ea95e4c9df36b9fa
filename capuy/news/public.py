"""The public pages' hot path: one database round trip and a rendered-page cache.

On PostgreSQL one statement reads the published item, records the view (once per visitor and
day) and moves the counter; elsewhere the same happens in three statements. The article's HTML
depends only on the item's version (``updated_at``, which photo changes touch too), so each
worker keeps it rendered and only writes the counter in: a busy item costs one statement and a
string substitution per request. The list works the same way: one query for the rows, the page
rendered once per set of items shown, the counters written in. What is public is decided by
the database on every request (status and publication time), never by the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import is_aware, localtime, make_aware
from django.utils.translation import get_language

from capuy.core.vntext import format_number

from .choices import NewsStatus
from .models import NewsItem, NewsPhoto, NewsView
from .visitors import count_view

VIEWS_MARK = "\u2063views\u2063"  # invisible separators: never in a real article
CACHE_SIZE = 256
_FIELDS = (
    "id",
    "title",
    "lead",
    "body",
    "author_initials",
    "source_tag",
    "published_at",
    "updated_at",
    "view_count",
)


@dataclass
class PublicItem:
    id: int
    title: str
    lead: str
    body: str
    author_initials: str
    source_tag: str
    published_at: datetime
    updated_at: datetime
    view_count: int

    def paragraphs(self) -> list[str]:
        return NewsItem.paragraphs(self)  # same splitting as the model


_SQL = None


def _statement() -> str:
    global _SQL
    if _SQL is None:
        quote = connection.ops.quote_name
        item, view = quote(NewsItem._meta.db_table), quote(NewsView._meta.db_table)
        columns = ", ".join(_FIELDS)
        _SQL = (
            f"WITH item AS (SELECT {columns} FROM {item} WHERE id = %(id)s AND status = "
            "%(status)s AND published_at <= %(now)s), "
            f"new_view AS (INSERT INTO {view} (item_id, visitor_hash, day) "
            "SELECT id, %(visitor)s, %(day)s FROM item ON CONFLICT DO NOTHING RETURNING item_id), "
            f"counted AS (UPDATE {item} SET view_count = view_count + 1 "
            "WHERE id IN (SELECT item_id FROM new_view) RETURNING view_count) "
            f"SELECT {columns}, (SELECT view_count FROM counted) FROM item"
        )
    return _SQL


def read_and_count(pk: int, visitor_hash: str, day: date) -> PublicItem:
    """The published item ``pk`` with its counter after this visit (404 if not public)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        params = {
            "id": pk,
            "status": NewsStatus.PUBLISHED,
            "now": now,
            "visitor": visitor_hash,
            "day": day,
        }
        with connection.cursor() as cursor:
            cursor.execute(_statement(), params)
            row = cursor.fetchone()
        if row is None:
            raise Http404
        found = PublicItem(*row[:-1])
        if row[-1] is not None:
            found.view_count = row[-1]
        return found
    values = NewsItem.objects.published().filter(pk=pk).values_list(*_FIELDS).first()
    if values is None:
        raise Http404
    found = PublicItem(*values)
    counted = count_view(pk, visitor_hash, day)
    if counted is not None:
        found.view_count = counted
    return found


_pages: OrderedDict[tuple, str] = OrderedDict()


def article_html(item: PublicItem, blocks_for) -> str:
    """The rendered page with ``VIEWS_MARK`` where the counter goes (cached per version)."""
    key = (item.id, item.updated_at, item.published_at, get_language())
    page = _pages.get(key)
    if page is None:
        photos = list(
            NewsPhoto.objects.filter(item_id=item.id).only(
                "id", "item_id", "caption", "width", "height"
            )
        )
        page = render_to_string(
            "news/public_detail.html",
            {"item": item, "blocks": blocks_for(item, photos), "views": VIEWS_MARK},
        )
        _pages[key] = page
        while len(_pages) > CACHE_SIZE:
            _pages.popitem(last=False)
    return page


def page_with_views(item: PublicItem, blocks_for) -> str:
    return article_html(item, blocks_for).replace(VIEWS_MARK, format_number(item.view_count))


# --- the list -----------------------------------------------------------------------------------

LIST_PAGE_SIZE = 20
_lists: OrderedDict[tuple, str] = OrderedDict()
_LIST_SQL = None


def _list_statement() -> str:
    global _LIST_SQL
    if _LIST_SQL is None:
        item = connection.ops.quote_name(NewsItem._meta.db_table)
        _LIST_SQL = (
            "SELECT id, title, lead, source_tag, published_at, updated_at, view_count "
            f"FROM {item} WHERE status = %s AND published_at <= %s "
            "ORDER BY published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
    return _LIST_SQL


def _aware(moment) -> datetime:
    """SQLite hands raw queries naive UTC datetimes; PostgreSQL aware ones."""
    return moment if is_aware(moment) else make_aware(moment, UTC)


def list_page(page: int) -> str:
    """The public list's HTML: rendered once per set of items shown, counters written in."""
    with connection.cursor() as cursor:
        cursor.execute(
            _list_statement(),
            [NewsStatus.PUBLISHED, timezone.now(), LIST_PAGE_SIZE + 1, (page - 1) * LIST_PAGE_SIZE],
        )
        rows = cursor.fetchall()
    has_next = len(rows) > LIST_PAGE_SIZE
    rows = rows[:LIST_PAGE_SIZE]
    key = (page, get_language(), has_next, tuple((row[0], row[5]) for row in rows))
    html = _lists.get(key)
    if html is None:
        base = reverse("news:public_detail", args=[0]).removesuffix("0/")  # "/tin/"
        shown = [
            (
                f"{base}{pk}/",
                title,
                localtime(_aware(at)).strftime("%d/%m/%Y %H:%M"),
                f"\u2063v{index}\u2063",
                tag,
                lead,
            )
            for index, (pk, title, lead, tag, at, _updated, _views) in enumerate(rows)
        ]
        html = render_to_string(
            "news/public_list.html", {"rows": shown, "page": page, "has_next": has_next}
        )
        _lists[key] = html
        while len(_lists) > CACHE_SIZE:
            _lists.popitem(last=False)
    for index, row in enumerate(rows):
        html = html.replace(f"\u2063v{index}\u2063", format_number(row[6]), 1)
    return html
