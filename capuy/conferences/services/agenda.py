"""Writes on a conference's agenda (nested items), the documents presented, and conclusions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, VIEW, ensure_in_scope
from capuy.core.services import apply_changes, require

from ..models import AgendaDocument, AgendaItem, Conclusion, Conference
from ..uploads import check_upload

MAX_DEPTH = 3  # 1, 1.1, 1.1.1


def _next_order(queryset) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


def _check_parent(item: AgendaItem) -> None:
    parent = item.parent
    if parent is None:
        return
    require(
        parent.conference_id == item.conference_id,
        "parent",
        _("Nội dung cha phải thuộc cùng hội nghị."),
    )
    depth, node = 1, parent
    while node is not None:
        require(
            item.pk is None or node.pk != item.pk,
            "parent",
            _("Một nội dung không thể nằm trong chính nó hoặc trong nội dung con của nó."),
        )
        depth += 1
        node = node.parent
    require(
        depth <= MAX_DEPTH,
        "parent",
        _("Chương trình chỉ lồng tối đa %(n)s cấp.") % {"n": MAX_DEPTH},
    )


def _check_presenter(item: AgendaItem, acting_user) -> None:
    if item.presenter is not None:
        ensure_in_scope(acting_user, item.presenter, VIEW)


@transaction.atomic
def agenda_item_create(
    *,
    acting_user,
    conference: Conference,
    title: str,
    parent: AgendaItem | None = None,
    order: int | None = None,
    presenter=None,
    presenter_title: str = "",
    discussion: str = "",
) -> AgendaItem:
    ensure_in_scope(acting_user, conference, CHANGE)
    title = " ".join((title or "").split())
    require(bool(title), "title", _("Hãy nhập nội dung."))
    if order is None:
        order = _next_order(AgendaItem.objects.filter(conference=conference, parent=parent))
    item = AgendaItem(
        conference=conference,
        parent=parent,
        order=order,
        title=title,
        presenter=presenter,
        presenter_title=(presenter_title or "").strip(),
        discussion=discussion or "",
    )
    _check_parent(item)
    _check_presenter(item, acting_user)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, acting_user, item: AgendaItem, **changes) -> AgendaItem:
    ensure_in_scope(acting_user, item, CHANGE)
    locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if "title" in changes:
        changes["title"] = " ".join((changes["title"] or "").split())
        require(bool(changes["title"]), "title", _("Hãy nhập nội dung."))
    allowed = ("title", "parent", "order", "presenter", "presenter_title", "discussion")
    if apply_changes(locked, changes, allowed):
        _check_parent(locked)
        _check_presenter(locked, acting_user)
        locked.full_clean()
        locked.save()
    return locked


@transaction.atomic
def agenda_document_add(*, acting_user, item: AgendaItem, upload) -> AgendaDocument:
    """Attach a presented document: checked type and size, stored under a generated name."""
    ensure_in_scope(acting_user, item, CHANGE)
    checked = check_upload(upload)
    document = AgendaDocument(
        item=item,
        name=checked.name,
        kind=checked.kind,
        size=checked.size,
        uploaded_by=acting_user,
    )
    upload.seek(0)
    document.file.save(checked.name, upload, save=False)
    try:
        document.full_clean()
        document.save()
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def agenda_document_remove(*, acting_user, document: AgendaDocument) -> None:
    ensure_in_scope(acting_user, document, CHANGE)
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# --- conclusions -----------------------------------------------------------------------------


def _check_conclusion(conclusion: Conclusion) -> None:
    conclusion.text = (conclusion.text or "").strip()
    require(bool(conclusion.text), "text", _("Hãy nhập nội dung kết luận."))
    if conclusion.agenda_item is not None:
        require(
            conclusion.agenda_item.conference_id == conclusion.conference_id,
            "agenda_item",
            _("Nội dung được kết luận phải thuộc cùng hội nghị."),
        )


@transaction.atomic
def conclusion_create(
    *,
    acting_user,
    conference: Conference,
    text: str,
    agenda_item: AgendaItem | None = None,
    order: int | None = None,
) -> Conclusion:
    """Một điểm kết luận, về một nội dung hoặc chung cho cả hội nghị."""
    ensure_in_scope(acting_user, conference, CHANGE)
    if order is None:
        order = _next_order(Conclusion.objects.filter(conference=conference))
    conclusion = Conclusion(conference=conference, agenda_item=agenda_item, text=text, order=order)
    _check_conclusion(conclusion)
    conclusion.full_clean()
    conclusion.save()
    return conclusion


@transaction.atomic
def conclusion_update(*, acting_user, conclusion: Conclusion, **changes) -> Conclusion:
    ensure_in_scope(acting_user, conclusion, CHANGE)
    locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    if apply_changes(locked, changes, ("text", "agenda_item", "order")):
        _check_conclusion(locked)
        locked.full_clean()
        locked.save()
    return locked
