"""Display helpers of the review pages: level badges and coverage bars."""

from django import template

from ..choices import Level, ReviewStatus

register = template.Library()

LEVEL_CLASSES = {
    Level.HTXSNV: "text-bg-success",
    Level.HTTNV: "text-bg-primary",
    Level.HTNV: "text-bg-warning",
    Level.KHTNV: "text-bg-danger",
}
STATUS_CLASSES = {
    ReviewStatus.PENDING: "text-bg-light border",
    ReviewStatus.SELF_REVIEWED: "text-bg-info",
    ReviewStatus.PROPOSED: "text-bg-primary",
    ReviewStatus.DECIDED: "text-bg-success",
    ReviewStatus.EXEMPT: "text-bg-secondary",
}


@register.filter
def level_class(level: str) -> str:
    return LEVEL_CLASSES.get(level, "text-bg-light border")


@register.filter
def level_label(level: str) -> str:
    return str(Level(level).label) if level in Level.values else ""


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light border")


@register.filter
def pct(value) -> str:
    """A width for a progress bar: "42.5" (dot decimal, whatever the locale)."""
    try:
        return f"{max(0.0, min(100.0, float(value))):.1f}"
    except (TypeError, ValueError):
        return "0"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
