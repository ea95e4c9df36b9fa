"""The demo's news item: the 32nd conference's communiqué, drafted from the record.

Call once the demo conference exists (capuy.conferences), e.g. at the end of ``capuy demo``::

    from capuy.news.demo import build_news_demo
    build_news_demo(conference=conference_32)

The text is whatever ``capuy.news.drafting`` writes from the rows (chair, reports, the 218 and
1.532 attendances, review coverage, the campaign); nothing is typed here. With ``publish`` the
item is published and dated like the seed article (11:03 on the conference day); its view
counter starts at 0 and counts real visits.
"""

from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings

from . import services
from .models import NewsItem

PUBLISHED_AT = time(11, 3)


def build_news_demo(
    *, conference, acting_user=None, author_initials: str = "S.T", publish: bool = True
) -> NewsItem:
    actor = acting_user or SimpleNamespace(
        pk=None, is_authenticated=True, is_active=True, is_superuser=True
    )
    item = services.news_draft_from_conference(
        acting_user=actor, conference=conference, author_initials=author_initials
    )
    if publish:
        item = services.news_publish(acting_user=actor, item=item)
        moment = datetime.combine(conference.date, PUBLISHED_AT, ZoneInfo(settings.TIME_ZONE))
        NewsItem.objects.filter(pk=item.pk).update(published_at=moment)
        item.refresh_from_db()
    return item
