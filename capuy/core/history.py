"""The audit trail of a domain record, read from django-simple-history, as rows for a page.

Every create, update and delete made through the services (and the admin) writes a historical
row with the acting user (HistoryRequestMiddleware); this turns them into "who, when, which
fields from what to what".
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from capuy.core.vntext import format_date, format_number

CHANGE_TYPES = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: datetime
    who: str
    kind: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(record, field_name: str, memo: dict) -> str:
    """``memo`` lives for one page: what a value names (a related row, the catalogue a model's
    ``history_display`` reads) is read once however many rows show it."""
    model_field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, model_field.attname, None)
    shown = getattr(record.instance_type, "history_display", None)
    if shown is not None and (text := shown(field_name, value, memo)) is not None:
        return text or "—"
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        key = (model_field.related_model, value)
        if key not in memo:
            related = model_field.related_model._default_manager.filter(pk=value).first()
            memo[key] = str(related) if related else f"#{value}"
        return memo[key]
    if isinstance(value, bool):
        return str(_("có") if value else _("không"))
    if isinstance(value, Decimal):  # a score: 25,50 (an integer may be a year: left as is)
        return format_number(value, max(0, -value.as_tuple().exponent))
    if hasattr(value, "strftime"):
        return format_date(value)
    if isinstance(value, dict):  # a JSON field: criterion ratings, conditions
        return "; ".join(f"{key}: {item}" for key, item in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


@cache
def internal(model_field) -> bool:
    """A column the code keeps for itself (a search key, a sort key, a tree path copied from
    the organization, a timestamp): not editable and without a label of its own. A history
    page does not list it, in a change or in a creation; a derived field worth showing has a
    label (``Review.manifestations_linked``).

    The label is compared untranslated: a Vietnamese label may translate to the field's name
    (``date``: "ngày" → "date") and still be a label.
    """
    if model_field.editable:
        return False
    with translation.override(None):
        return str(model_field.verbose_name) == model_field.name.replace("_", " ")


def _unset(record, model_field) -> bool:
    """A value a creation need not list: empty, or a flag left off."""
    return getattr(record, model_field.attname, None) in (None, "", False, {}, [])


def _who(record) -> str:
    if record.history_user is not None:
        return str(record.history_user)
    if record.history_user_id is not None:  # a history kept without a constraint on the user
        return str(_("người dùng #%(id)s (đã xóa)") % {"id": record.history_user_id})
    return str(_("hệ thống"))


def history_rows(obj, limit: int = 200) -> list[HistoryRow]:
    """Newest first; each update lists only the fields that changed."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    rows = []
    memo: dict = {}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        row = HistoryRow(
            when=record.history_date,
            who=_who(record),
            kind=str(CHANGE_TYPES.get(record.history_type, record.history_type)),
        )
        if record.history_type == "~" and previous is not None:
            # simple-history's diff leaves out the fields that are not editable already; the
            # rule is kept here too, so that a diff over other fields still hides them
            delta = record.diff_against(previous)
            for change in delta.changes:
                model_field = record.instance_type._meta.get_field(change.field)
                if internal(model_field):
                    continue
                label = model_field.verbose_name
                row.changes.append(
                    FieldChange(
                        change.field,
                        str(label),
                        _display(previous, change.field, memo),
                        _display(record, change.field, memo),
                    )
                )
        elif record.history_type == "+" or (previous is None and len(records) <= limit):
            # a creation, or the oldest change of a record created without a history row (a
            # review cycle opens its subjects in bulk): the values it set
            for model_field in record.instance_type._meta.concrete_fields:
                if model_field.name in ("id", "path", "depth", "numchild") or not hasattr(
                    record, model_field.attname
                ):
                    continue
                if internal(model_field) or _unset(record, model_field):
                    continue
                shown = _display(record, model_field.name, memo)
                row.changes.append(
                    FieldChange(model_field.name, str(model_field.verbose_name), "", shown)
                )
        rows.append(row)
    return rows
