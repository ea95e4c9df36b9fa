"""Remove generated data (the demo province, synth provinces) with set-based deletes."""

from __future__ import annotations

from collections import Counter

from django.db import models


def _incoming(model) -> list[models.ForeignKey]:
    """Foreign keys (from any model, hidden ``related_name="+"`` ones included) to ``model``."""
    return [
        rel.field
        for rel in model._meta.get_fields(include_hidden=True)
        if (rel.one_to_many or rel.one_to_one) and rel.auto_created and not rel.concrete
    ]


def _is_history(model) -> bool:
    """A django-simple-history copy model (it records the model it copies)."""
    return getattr(model, "instance_type", None) is not None


def _history_model(model):
    attr = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attr).model if attr else None


def purge(queryset, *, using: str = "default", counts: Counter | None = None) -> Counter:
    """Delete ``queryset`` and, before it, every row that references it, in a few SQL statements.

    Unlike ``QuerySet.delete()`` this loads no objects and sends no signals: deleting 5.6 M
    generated members must not load them into memory nor write 5.6 M "deleted" audit rows. It
    also goes through PROTECT (a seat protects its member), so it is only for generated data.
    References with ``on_delete=SET_NULL`` are cleared instead of deleted. The audit trail's
    copies (history rows' keys, which have no database constraint) are left alone, except the
    deleted rows' own history, which goes too; other keys without a constraint (a review's
    cycle, member, organization) are followed like the rest. Run it inside a transaction.
    """
    counts = Counter() if counts is None else counts
    model = queryset.model
    keys = queryset.order_by()
    for field in _incoming(model):
        if not field.db_constraint and _is_history(field.model):
            continue
        referencing = field.model._base_manager.using(using).filter(
            **{f"{field.name}__in": keys.values(field.remote_field.field_name)}
        )
        if field.remote_field.on_delete is models.SET_NULL or (field.model is model and field.null):
            referencing.update(**{field.name: None})
        else:
            purge(referencing, using=using, counts=counts)
    history = _history_model(model)
    if history is not None:
        counts[history._meta.label] += (
            history._base_manager.using(using)
            .filter(**{f"{model._meta.pk.attname}__in": keys.values("pk")})
            ._raw_delete(using)
        )
    # QuerySet has no public delete without signals and cascade collection.
    counts[model._meta.label] += keys._raw_delete(using)
    return counts
