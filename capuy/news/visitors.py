"""Who is a visitor, and counting a view once per visitor per day.

A visitor is identified by the ``capuy_vid`` cookie when the browser sends it, otherwise by a
keyed hash of the address and the browser's User-Agent; the cookie handed out on the first
visit carries that same value, so a browser counts as the same visitor before and after it
has the cookie. What is stored per view is another keyed hash, salted with the day: it cannot
be turned back into an address and cannot link one day's visits to the next.

Counting is exact under concurrency: ``INSERT … ON CONFLICT DO NOTHING`` on the unique
(item, visitor, day) row decides whether the view is new, and only then is the counter
incremented, in the same statement (PostgreSQL) or the same transaction (SQLite). The database
serializes both, so no increment is lost and none is counted twice.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from .models import NewsItem, NewsView

COOKIE = "capuy_vid"
COOKIE_AGE = 400 * 24 * 3600
_VALID = re.compile(r"[0-9a-f]{32}")


def _key(purpose: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


_ADDRESS_KEY = None


def visitor_id(request) -> tuple[str, bool]:
    """(the visitor's id, whether the response should hand out the cookie)."""
    global _ADDRESS_KEY
    cookie = request.COOKIES.get(COOKIE, "")
    if _VALID.fullmatch(cookie):
        return cookie, False
    if _ADDRESS_KEY is None:
        _ADDRESS_KEY = _key("capuy.news.visitor")
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    digest = hashlib.blake2b(f"{address}\n{agent}".encode(), key=_ADDRESS_KEY, digest_size=16)
    return digest.hexdigest(), True


_day_salts: dict[date, bytes] = {}


def daily_hash(visitor: str, day: date) -> str:
    """The stored form of a visitor on ``day`` (32 hex characters)."""
    salt = _day_salts.get(day)
    if salt is None:
        salt = _key(f"capuy.news.view:{day.isoformat()}")[:32]
        _day_salts.clear()  # keep one day (two around midnight at most)
        _day_salts[day] = salt
    return hashlib.blake2b(visitor.encode(), key=salt, digest_size=16).hexdigest()


def set_cookie(response, visitor: str) -> None:
    response.set_cookie(
        COOKIE,
        visitor,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


_PG_COUNT = None


def count_view(item_id: int, visitor_hash: str, day: date) -> int | None:
    """Record the view; return the new counter if it was the visitor's first view of the day,
    ``None`` if it was already counted."""
    global _PG_COUNT
    if connection.vendor == "postgresql":
        if _PG_COUNT is None:
            view = connection.ops.quote_name(NewsView._meta.db_table)
            item = connection.ops.quote_name(NewsItem._meta.db_table)
            _PG_COUNT = (
                f"WITH new_view AS (INSERT INTO {view} (item_id, visitor_hash, day) "
                "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1) "
                f"UPDATE {item} SET view_count = view_count + 1 "
                "WHERE id = %s AND EXISTS (SELECT 1 FROM new_view) RETURNING view_count"
            )
        with connection.cursor() as cursor:
            cursor.execute(_PG_COUNT, [item_id, visitor_hash, day, item_id])
            row = cursor.fetchone()
        return row[0] if row else None
    view = connection.ops.quote_name(NewsView._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {view} (item_id, visitor_hash, day) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [item_id, visitor_hash, day],
        )
        if cursor.rowcount != 1:
            return None
        NewsItem.objects.filter(pk=item_id).update(view_count=F("view_count") + 1)
        return NewsItem.objects.filter(pk=item_id).values_list("view_count", flat=True).first()
