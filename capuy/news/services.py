"""Writes on news items: draft, draft from a conference, edit, publish, withdraw, photos.

Once an item is published every change needs a revision note: the service writes a
``NewsRevision`` with the note and the previous text, and a ``NewsEvent``. Each function is
atomic, keyword-only, takes ``acting_user`` and re-checks the scope inside its transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.organizations.models import Organization

from .choices import NewsEventKind, NewsStatus
from .models import NewsEvent, NewsItem, NewsPhoto, NewsRevision
from .photos import clean_photo

TEXT_FIELDS = ("title", "lead", "body", "author_initials", "source_tag")


def _actor(user):
    return user if getattr(user, "pk", None) else None


def _event(item: NewsItem, kind: str, *, actor, note: str = "") -> None:
    NewsEvent.objects.create(item=item, kind=kind, actor=_actor(actor), note=note[:500])


def _touch(item: NewsItem) -> None:
    """A new version of the page (its photos changed): the public page renders it anew."""
    NewsItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())


def _normalize(changes: dict) -> dict:
    cleaned = {}
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
        cleaned[name] = value
    return cleaned


def _check_text(item: NewsItem) -> None:
    require(bool(item.title.strip()), "title", _("Tin bài phải có tiêu đề."))
    require(bool(item.lead.strip()), "lead", _("Tin bài phải có đoạn mở đầu (sapo)."))


@transaction.atomic
def news_create(
    *,
    acting_user,
    organization: Organization,
    title: str,
    lead: str,
    body: str = "",
    author_initials: str = "",
    source_tag: str = "BNP",
    source_label: str = "",
    source_conference_id: int | None = None,
) -> NewsItem:
    """A new draft (bản nháp), never public until published."""
    ensure_in_scope(acting_user, organization, CHANGE)
    organization = Organization.objects.get(pk=organization.pk)
    values = _normalize(
        {
            "title": title,
            "lead": lead,
            "body": body,
            "author_initials": author_initials,
            "source_tag": source_tag or "BNP",
        }
    )
    item = NewsItem(
        organization=organization,
        org_path=organization.path,
        status=NewsStatus.DRAFT,
        created_by=_actor(acting_user),
        source_label=source_label[:300],
        source_conference_id=source_conference_id,
        **values,
    )
    _check_text(item)
    item.full_clean()
    item.save()
    kind = NewsEventKind.DRAFTED if source_conference_id else NewsEventKind.CREATED
    _event(item, kind, actor=acting_user, note=source_label)
    ensure_in_scope(acting_user, item, CHANGE)
    return item


@transaction.atomic
def news_draft_from_conference(
    *, acting_user, conference, author_initials: str = "", year: int | None = None
) -> NewsItem:
    """Write the draft of the conference's news item from the record (capuy.news.drafting)."""
    from .drafting import news_draft_from_conference as draft_from

    ensure_in_scope(acting_user, conference, "view")
    draft = draft_from(conference, year=year)
    return news_create(
        acting_user=acting_user,
        organization=draft.organization,
        title=draft.title,
        lead=draft.lead,
        body=draft.body,
        author_initials=author_initials,
        source_label=draft.source_label,
        source_conference_id=draft.source_conference_id,
    )


def _require_note_if_published(item: NewsItem, revision_note: str) -> str:
    note = (revision_note or "").strip()
    if item.status == NewsStatus.PUBLISHED:
        require(
            bool(note),
            "revision_note",
            _("Tin đã đăng: hãy ghi lý do sửa (sẽ lưu thành một lần sửa của tin)."),
        )
    return note


@transaction.atomic
def news_update(*, acting_user, item: NewsItem, revision_note: str = "", **changes) -> NewsItem:
    """Edit the text. A published item needs ``revision_note``; the old text is kept."""
    ensure_in_scope(acting_user, item, CHANGE)
    locked = NewsItem.objects.select_for_update().get(pk=item.pk)
    note = _require_note_if_published(locked, revision_note)
    previous = {name: getattr(locked, name) for name in TEXT_FIELDS}
    changed = apply_changes(locked, _normalize(changes), TEXT_FIELDS)
    if not changed:
        return locked
    _check_text(locked)
    locked.full_clean()
    locked.save()
    if locked.status == NewsStatus.PUBLISHED:
        revision = NewsRevision(
            item=locked,
            note=note,
            changed_fields=changed,
            previous={name: previous[name] for name in changed},
            editor=_actor(acting_user),
        )
        revision.full_clean()
        revision.save()
        _event(locked, NewsEventKind.REVISED, actor=acting_user, note=note)
    else:
        labels = [str(NewsItem._meta.get_field(name).verbose_name) for name in changed]
        _event(locked, NewsEventKind.EDITED, actor=acting_user, note=", ".join(labels))
    return locked


@transaction.atomic
def news_publish(*, acting_user, item: NewsItem) -> NewsItem:
    """Đăng tin: from now on the public page shows it, with this date and time."""
    ensure_in_scope(acting_user, item, CHANGE)
    locked = NewsItem.objects.select_for_update().get(pk=item.pk)
    require(locked.status != NewsStatus.PUBLISHED, "status", _("Tin này đã được đăng."))
    _check_text(locked)
    require(
        bool(locked.author_initials.strip()),
        "author_initials",
        _("Hãy ghi bút danh tác giả trước khi đăng."),
    )
    locked.status = NewsStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.full_clean()
    locked.save()
    _event(locked, NewsEventKind.PUBLISHED, actor=acting_user)
    return locked


@transaction.atomic
def news_withdraw(*, acting_user, item: NewsItem, reason: str) -> NewsItem:
    """Gỡ tin: the public page answers 404 again; the item can be published anew."""
    ensure_in_scope(acting_user, item, CHANGE)
    locked = NewsItem.objects.select_for_update().get(pk=item.pk)
    require(locked.status == NewsStatus.PUBLISHED, "status", _("Chỉ gỡ được tin đang đăng."))
    reason = (reason or "").strip()
    require(bool(reason), "reason", _("Hãy nêu lý do gỡ tin."))
    locked.status = NewsStatus.WITHDRAWN
    locked.save()
    _event(locked, NewsEventKind.WITHDRAWN, actor=acting_user, note=reason)
    return locked


@transaction.atomic
def news_photo_add(
    *, acting_user, item: NewsItem, upload, caption: str = "", revision_note: str = ""
) -> NewsPhoto:
    """Add a photo with its caption. The file is checked and re-encoded (capuy.news.photos)."""
    ensure_in_scope(acting_user, item, CHANGE)
    locked = NewsItem.objects.select_for_update().get(pk=item.pk)
    note = _require_note_if_published(locked, revision_note)
    if upload is None:
        raise ValidationError({"image": _("Hãy chọn tệp ảnh.")})
    content, width, height = clean_photo(upload)
    last = locked.photos.order_by("-position").values_list("position", flat=True).first()
    photo = NewsPhoto(
        item=locked,
        caption=(caption or "").strip()[:300],
        position=(last or 0) + 1,
        uploaded_by=_actor(acting_user),
    )
    photo.image.save(content.name, content, save=False)
    photo.width, photo.height = width, height
    try:
        photo.full_clean()
        photo.save()
        if locked.status == NewsStatus.PUBLISHED:
            NewsRevision.objects.create(
                item=locked,
                note=note,
                changed_fields=["photos"],
                previous={},
                editor=_actor(acting_user),
            )
        _event(locked, NewsEventKind.PHOTO_ADDED, actor=acting_user, note=note or photo.caption)
        _touch(locked)
    except Exception:
        # The file is written before the row: remove it when the row cannot be saved.
        photo.image.delete(save=False)
        raise
    return photo


@transaction.atomic
def news_photo_remove(*, acting_user, photo: NewsPhoto, revision_note: str = "") -> None:
    ensure_in_scope(acting_user, photo, CHANGE)
    locked = NewsItem.objects.select_for_update().get(pk=photo.item_id)
    note = _require_note_if_published(locked, revision_note)
    name, storage = photo.image.name, photo.image.storage
    caption = photo.caption
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    if locked.status == NewsStatus.PUBLISHED:
        NewsRevision.objects.create(
            item=locked,
            note=note,
            changed_fields=["photos"],
            previous={"photo": caption},
            editor=_actor(acting_user),
        )
    _event(locked, NewsEventKind.PHOTO_REMOVED, actor=acting_user, note=note or caption)
    _touch(locked)
