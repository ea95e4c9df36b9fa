"""Helpers shared by every app's write services."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def require(condition: bool, field: str, message) -> None:
    """Raise a ValidationError attached to ``field`` unless ``condition`` holds."""
    if not condition:
        raise ValidationError({field: message})


def apply_changes(obj, changes: dict, allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields from ``changes`` on ``obj``; return the names that changed."""
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            dict.fromkeys(sorted(unknown), _("Trường này không được phép sửa ở đây."))
        )
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed
