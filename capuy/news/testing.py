"""Rows for the route sweep (tests/test_scope_sweep.py): at each place a draft with a photo and
a published item with a revision."""

from __future__ import annotations

from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone

from .choices import NewsStatus
from .models import NewsEvent, NewsItem, NewsPhoto, NewsRevision


def _png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 6), (180, 20, 20)).save(out, format="PNG")
    return out.getvalue()


def sweep_rows(place) -> None:
    org, label = place.org, place.label
    draft = NewsItem.objects.create(
        organization=org,
        org_path=org.path,
        title=f"Bản nháp {label}",
        lead=f"Sapo nháp {label}",
        author_initials="Q",
    )
    photo = NewsPhoto(item=draft, caption=f"Ảnh {label}", position=1)
    photo.image.save("anh.png", ContentFile(_png()), save=False)
    photo.width, photo.height = 8, 6
    photo.save()
    published = NewsItem.objects.create(
        organization=org,
        org_path=org.path,
        # Public to everyone: the texts avoid the place's code, which the sweep guards elsewhere.
        title=f"Tin đã đăng {label.lower()}",
        lead=f"Sapo {label.lower()}",
        author_initials="Q",
        status=NewsStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    NewsRevision.objects.create(item=published, note=f"Sửa {label}", changed_fields=["title"])
    NewsEvent.objects.create(item=published, kind="published", note=f"Đăng {label}")


def published_titles(user, obj) -> set[str]:
    """What the public list shows to anyone: every published item's title and lead."""
    return {text for item in NewsItem.objects.published() for text in (item.title, item.lead)}


LABELS = {
    NewsItem: lambda n: [n.title, n.lead],
    NewsPhoto: lambda p: [p.caption],
}
