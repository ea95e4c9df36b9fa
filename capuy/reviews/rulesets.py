"""From ``RuleSet`` rows to the engine's ``Rules``: a national rule set, or a provincial overlay
merged on its base (``effective_rules``)."""

from __future__ import annotations

from .models import RuleSet
from .rules import Rules, merge

_QUOTA_COLUMNS = {
    "quota_percent": "percent",
    "quota_denominator": "denominator",
    "quota_grouping": "grouping",
    "quota_rounding": "rounding",
}


def rule_set_as_dict(rule_set: RuleSet) -> dict:
    """What this one row sets (an overlay: only its non-blank columns and its config keys)."""
    data: dict = {}
    for column in ("code", "name", "regulation", "guidance", "unconfirmed_notes"):
        value = getattr(rule_set, column)
        if value:
            data[column] = value
    if rule_set.derivation:
        data["derivation"] = rule_set.derivation
    quota = {}
    for column, key in _QUOTA_COLUMNS.items():
        value = getattr(rule_set, column)
        if value not in (None, ""):
            quota[key] = str(value) if column == "quota_percent" else value
    if quota:
        data["quota"] = quota
    return merge(data, rule_set.config or {})


def effective_dict(rule_set: RuleSet) -> dict:
    if rule_set.base_id is None:
        return rule_set_as_dict(rule_set)
    base = rule_set.base
    merged = merge(effective_dict(base), rule_set_as_dict(rule_set))
    notes = [n for n in (base.unconfirmed_notes, rule_set.unconfirmed_notes) if n]
    merged["unconfirmed_notes"] = "\n".join(notes)
    # The overlay names itself but cites the base's regulation unless it sets its own.
    return merged


def effective_rules(rule_set: RuleSet) -> Rules:
    """The rules that apply under ``rule_set`` (cached on the instance)."""
    cached = getattr(rule_set, "_effective_rules", None)
    if cached is None:
        cached = Rules.from_dict(effective_dict(rule_set))
        rule_set._effective_rules = cached
    return cached


def rule_set_for(year: int, organization=None) -> RuleSet | None:
    """The rule set of ``year``: the overlay of the nearest ancestor of ``organization`` that
    has one, else the national rule set."""
    national = (
        RuleSet.objects.filter(base__isnull=True, first_year__lte=year)
        .exclude(last_year__lt=year)
        .order_by("-first_year")
        .first()
    )
    if national is None or organization is None:
        return national
    overlays = (
        RuleSet.objects.filter(
            base=national,
            organization__path__in=organization.ancestor_paths(),
            first_year__lte=year,
        )
        .exclude(last_year__lt=year)
        .select_related("organization")
    )
    best = max(overlays, key=lambda r: len(r.organization.path), default=None)
    return best or national
