"""The audit trail of a domain record, read from django-simple-history, as rows for a page.

Every create, update and delete made through the services (and the admin) writes a historical
row with the acting user (HistoryRequestMiddleware); this turns them into "who, when, which
fields from what to what".
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

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


def _display(record, field_name: str) -> str:
    model_field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, model_field.attname, None)
    shown = getattr(record.instance_type, "history_display", None)
    if shown is not None and (text := shown(field_name, value)) is not None:
        return text or "—"
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


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
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        row = HistoryRow(
            when=record.history_date,
            who=_who(record),
            kind=str(CHANGE_TYPES.get(record.history_type, record.history_type)),
        )
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = record.instance_type._meta.get_field(change.field).verbose_name
                row.changes.append(
                    FieldChange(
                        change.field,
                        str(label),
                        _display(previous, change.field),
                        _display(record, change.field),
                    )
                )
        elif record.history_type == "+":
            for model_field in record.instance_type._meta.concrete_fields:
                if model_field.name in ("id", "path", "depth", "numchild") or not hasattr(
                    record, model_field.attname
                ):
                    continue
                shown = _display(record, model_field.name)
                if shown != "—":
                    row.changes.append(
                        FieldChange(model_field.name, str(model_field.verbose_name), "", shown)
                    )
        rows.append(row)
    return rows
