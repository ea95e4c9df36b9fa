"""The derivation engine: from a rule set's data and one subject's inputs to a level.

Pure Python, no database: everything comes in as arguments (a ``Rules`` built from the rule
set's data by ``capuy.reviews.rulesets.effective_rules``), so the pages, the API, the Excel
import and the statistics all get the same answer, and every rule has a unit test named after it
(capuy/reviews/tests/test_rules.py).

The rules dict (a national rule set's columns and ``config``, an overlay merged on top):

``derivation``
    ``"ratings"`` (QĐ 132, QĐ 124: a rating per criterion) or ``"score"`` (QĐ 366: 30 + 70).
``quota``
    ``{"percent", "denominator", "grouping", "rounding"}`` and ``quota_applies_to`` (kinds).
``criteria``
    ``{kind: [{"key", "name", "group": "general" | "tasks"}]}``.
``rating_bands`` / ``score.bands``
    ``{kind: [band, …]}`` from the highest level down; a band is
    ``{"level", "min": {group: rating}}`` (ratings) or ``{"level", "min_total"}`` (score), with
    optional ``"conditions"``; the first band that holds gives the level, none gives KHTNV.
``disqualifiers`` / ``caps``
    Limits: ``{"code", "name", "field", "op", "value", "cap", "applies_to", "exceptions",
    "relief"}``. When the condition on ``field`` holds, the level is at most ``cap`` — unless an
    exception holds (the limit does not apply) or the relief holds (the cap is the relief's).
    ``op: "ceiling"`` caps at the level written in the field (civil-servant grade).
``exemptions``
    ``{code: {"effect": "not_reviewed" | "not_classified", "months": n}}``.
``maternity``, ``subjects``, ``deadline_days``, ``forms``
    Notes and settings used by the services and pages.

A condition is ``{"field", "op", "value", "default", "name"}`` with ``op`` one of ``true``,
``false``, ``==``, ``>=``, ``>``, ``<=``, ``<``; a missing field takes ``default`` or, without
one, fails the condition (the reason says the figure is missing).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HTXSNV, HTTNV, HTNV, KHTNV = "HTXSNV", "HTTNV", "HTNV", "KHTNV"
LEVELS = (HTXSNV, HTTNV, HTNV, KHTNV)  # highest first
LEVEL_RANK = {HTXSNV: 4, HTTNV: 3, HTNV: 2, KHTNV: 1}
RATINGS = ("xuat_sac", "tot", "trung_binh", "kem")  # highest first
RATING_RANK = {"xuat_sac": 4, "tot": 3, "trung_binh": 2, "kem": 1}
RATING_NAMES = {
    "xuat_sac": gettext_lazy("Xuất sắc"),
    "tot": gettext_lazy("Tốt"),
    "trung_binh": gettext_lazy("Trung bình"),
    "kem": gettext_lazy("Kém"),
}
GROUP_NAMES = {
    "general": gettext_lazy("các tiêu chí chung"),
    "tasks": gettext_lazy("các tiêu chí về kết quả nhiệm vụ"),
}
KINDS = ("organization", "member", "collective", "leader")
GRASSROOTS_KINDS = ("dang_bo_co_so", "chi_bo_co_so")

_MISSING = object()


# --- the condition fields a review may carry ------------------------------------------------


@dataclass(frozen=True)
class ConditionField:
    key: str
    label: str  # a lazy translation
    type: str  # "bool", "percent", "count", "months", "level"


CONDITION_FIELDS: dict[str, ConditionField] = {
    f.key: f
    for f in (
        ConditionField("disciplined", gettext_lazy("Bị xử lý kỷ luật trong năm"), "bool"),
        ConditionField(
            "discipline_self_detected_remedied",
            gettext_lazy("Vi phạm do tự phát hiện, đã khắc phục xong hậu quả"),
            "bool",
        ),
        ConditionField(
            "discipline_already_counted",
            gettext_lazy("Vi phạm đã được tính khi xếp loại năm trước"),
            "bool",
        ),
        ConditionField(
            "degradation_concluded",
            gettext_lazy("Bị kết luận suy thoái, “tự diễn biến”, “tự chuyển hóa”"),
            "bool",
        ),
        ConditionField(
            "targets_done_pct", gettext_lazy("Tỷ lệ chỉ tiêu, nhiệm vụ hoàn thành (%)"), "percent"
        ),
        ConditionField(
            "civil_servant_level",
            gettext_lazy("Xếp loại công chức, viên chức cùng năm (nếu có)"),
            "level",
        ),
        ConditionField("sick_leave_months", gettext_lazy("Số tháng nghỉ ốm trong năm"), "months"),
        ConditionField("maternity_leave", gettext_lazy("Nghỉ thai sản trong năm"), "bool"),
        ConditionField(
            "disciplined_units",
            gettext_lazy("Số tổ chức, cá nhân trực thuộc bị thi hành kỷ luật"),
            "count",
        ),
        ConditionField(
            "tasks_on_time_pct", gettext_lazy("Tỷ lệ nhiệm vụ hoàn thành đúng hạn (%)"), "percent"
        ),
        ConditionField(
            "tasks_exceeded_pct", gettext_lazy("Tỷ lệ nhiệm vụ vượt yêu cầu (%)"), "percent"
        ),
        ConditionField(
            "shortcomings_fixed_pct",
            gettext_lazy("Tỷ lệ hạn chế, khuyết điểm đã khắc phục (%)"),
            "percent",
        ),
        ConditionField("tasks_done_pct", gettext_lazy("Tỷ lệ nhiệm vụ hoàn thành (%)"), "percent"),
        ConditionField(
            "tasks_late_pct", gettext_lazy("Tỷ lệ nhiệm vụ chậm tiến độ (%)"), "percent"
        ),
        ConditionField(
            "outside_political_system",
            gettext_lazy("Đảng viên không làm việc trong hệ thống chính trị"),
            "bool",
        ),
    )
}


# --- the rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None
    default: Any = _MISSING
    name: str = ""

    @classmethod
    def from_dict(cls, data: Mapping) -> Condition:
        return cls(
            field=data["field"],
            op=data.get("op", "true"),
            value=data.get("value"),
            default=data.get("default", _MISSING),
            name=data.get("name", ""),
        )

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        known = CONDITION_FIELDS.get(self.field)
        return known.label if known else self.field

    def holds(self, conditions: Mapping) -> bool | None:
        """True / False, or None when the figure is missing and there is no default."""
        value = conditions.get(self.field, _MISSING)
        if value is _MISSING or value is None or value == "":
            if self.default is _MISSING:
                return None if self.op not in ("true", "false") else self.op == "false"
            value = self.default
        if self.op == "true":
            return bool(value)
        if self.op == "false":
            return not value
        try:
            left, right = Decimal(str(value)), Decimal(str(self.value))
        except (InvalidOperation, ValueError):
            return None
        return {
            "==": left == right,
            ">=": left >= right,
            ">": left > right,
            "<=": left <= right,
            "<": left < right,
        }[self.op]


@dataclass(frozen=True)
class Limit:
    """A disqualifier or a cap: when its condition holds, the level is at most ``cap``."""

    code: str
    name: str
    condition: Condition
    cap: str | None
    applies_to: tuple[str, ...]
    exceptions: tuple[Condition, ...] = ()
    relief: Condition | None = None
    relief_cap: str | None = None
    kind: str = "disqualifier"  # or "cap" (an exemption cap such as sick leave)

    @classmethod
    def from_dict(cls, data: Mapping, kind: str) -> Limit:
        relief = data.get("relief")
        return cls(
            code=data["code"],
            name=data.get("name", data["code"]),
            condition=Condition.from_dict(data),
            cap=data.get("cap"),
            applies_to=tuple(data.get("applies_to", KINDS)),
            exceptions=tuple(Condition.from_dict(e) for e in data.get("exceptions", ())),
            relief=Condition.from_dict(relief) if relief else None,
            relief_cap=relief.get("cap") if relief else None,
            kind=kind,
        )

    @property
    def is_ceiling(self) -> bool:
        return self.condition.op == "ceiling"


@dataclass(frozen=True)
class Band:
    level: str
    min_ratings: Mapping[str, str] = field(default_factory=dict)
    min_total: Decimal | None = None
    conditions: tuple[Condition, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping) -> Band:
        total = data.get("min_total")
        return cls(
            level=data["level"],
            min_ratings=dict(data.get("min", {})),
            min_total=Decimal(str(total)) if total is not None else None,
            conditions=tuple(Condition.from_dict(c) for c in data.get("conditions", ())),
        )


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    group: str


@dataclass(frozen=True)
class ExemptionRule:
    code: str
    effect: str  # "not_reviewed" | "not_classified"
    months: int | None = None


@dataclass(frozen=True)
class Rules:
    """One rule set's effective rules (an overlay already merged on its base)."""

    code: str
    name: str
    regulation: str
    guidance: str
    derivation: str
    quota_percent: Decimal
    quota_denominator: str
    quota_grouping: str
    quota_rounding: str
    quota_applies_to: tuple[str, ...]
    levels: Mapping[str, str]
    criteria: Mapping[str, tuple[Criterion, ...]]
    rating_bands: Mapping[str, tuple[Band, ...]]
    score_general_max: Decimal
    score_tasks_max: Decimal
    score_bands: Mapping[str, tuple[Band, ...]]
    limits: tuple[Limit, ...]
    exemptions: Mapping[str, ExemptionRule]
    maternity: Mapping[str, str]
    subjects: Mapping[str, Any]
    deadline_days: Mapping[str, int]
    forms: Mapping[str, str]
    unconfirmed_notes: str = ""

    @property
    def title(self) -> str:
        return " + ".join(part for part in (self.regulation, self.guidance) if part)

    @classmethod
    def from_dict(cls, data: Mapping) -> Rules:
        quota = data.get("quota", {})
        score = data.get("score", {})
        return cls(
            code=data.get("code", ""),
            name=data.get("name", ""),
            regulation=data.get("regulation", ""),
            guidance=data.get("guidance", ""),
            derivation=data.get("derivation", "ratings"),
            quota_percent=Decimal(str(quota.get("percent", 20))),
            quota_denominator=quota.get("denominator", "httnv"),
            quota_grouping=quota.get("grouping", "grassroots"),
            quota_rounding=quota.get("rounding", "floor"),
            quota_applies_to=tuple(data.get("quota_applies_to", KINDS)),
            levels=dict(data.get("levels", {})),
            criteria={
                kind: tuple(Criterion(c["key"], c["name"], c.get("group", "general")) for c in cs)
                for kind, cs in data.get("criteria", {}).items()
            },
            rating_bands={
                kind: tuple(Band.from_dict(b) for b in bands)
                for kind, bands in data.get("rating_bands", {}).items()
            },
            score_general_max=Decimal(str(score.get("general_max", 30))),
            score_tasks_max=Decimal(str(score.get("tasks_max", 70))),
            score_bands={
                kind: tuple(Band.from_dict(b) for b in bands)
                for kind, bands in score.get("bands", {}).items()
            },
            limits=tuple(
                [Limit.from_dict(d, "disqualifier") for d in data.get("disqualifiers", ())]
                + [Limit.from_dict(d, "cap") for d in data.get("caps", ())]
            ),
            exemptions={
                code: ExemptionRule(code, e["effect"], e.get("months"))
                for code, e in data.get("exemptions", {}).items()
            },
            maternity=dict(data.get("maternity", {})),
            subjects=dict(data.get("subjects", {})),
            deadline_days=dict(data.get("deadline_days", {})),
            forms=dict(data.get("forms", {})),
            unconfirmed_notes=data.get("unconfirmed_notes", ""),
        )

    def level_name(self, level: str) -> str:
        return self.levels.get(level, level)

    def exemption_effect(self, exemption: str) -> str | None:
        rule = self.exemptions.get(exemption) if exemption else None
        return rule.effect if rule else None


def merge(base: Mapping, overlay: Mapping) -> dict:
    """``base`` with ``overlay`` on top: nested dicts merge key by key, anything else (a number,
    a list of bands, a list of disqualifiers) is replaced whole. Keys absent from the overlay
    keep the base's value; that is how a provincial overlay "overrides only what it sets"."""
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# --- derivation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedLimit:
    code: str
    name: str
    cap: str


@dataclass(frozen=True)
class Derivation:
    """What the rule set says about one subject.

    ``level`` is the level the inputs lead to after every cap (None while the ratings or scores
    are incomplete); ``max_level`` is the highest level any decision may give (None when the
    subject is not classified at all); ``capped_by`` names the limits that lowered the ceiling;
    ``reasons`` explains it all in Vietnamese.
    """

    level: str | None
    max_level: str | None
    base_level: str | None = None
    capped_by: tuple[AppliedLimit, ...] = ()
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reviewed: bool = True
    classify: bool = True
    exemption: str = ""


def lower(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if LEVEL_RANK[a] <= LEVEL_RANK[b] else b


def _limits_for(rules: Rules, kind: str, conditions: Mapping) -> tuple[list[AppliedLimit], list]:
    applied: list[AppliedLimit] = []
    reasons: list[str] = []
    for limit in rules.limits:
        if kind not in limit.applies_to:
            continue
        if limit.is_ceiling:
            ceiling = conditions.get(limit.condition.field)
            if ceiling in LEVEL_RANK:
                applied.append(AppliedLimit(limit.code, limit.name, ceiling))
                reasons.append(
                    _("%(limit)s: tối đa %(level)s.") % {"limit": limit.name, "level": ceiling}
                )
            continue
        if not limit.condition.holds(conditions):
            continue
        exception = next((e for e in limit.exceptions if e.holds(conditions)), None)
        if exception is not None:
            reasons.append(
                _("Không áp dụng «%(limit)s»: %(exception)s.")
                % {"limit": limit.name, "exception": exception.label}
            )
            continue
        cap = limit.cap
        if limit.relief is not None and limit.relief.holds(conditions):
            cap = limit.relief_cap
            reasons.append(
                _("%(limit)s, nhưng %(relief)s: tối đa %(level)s.")
                % {"limit": limit.name, "relief": limit.relief.label, "level": cap}
            )
        else:
            reasons.append(_("%(limit)s: tối đa %(level)s.") % {"limit": limit.name, "level": cap})
        if cap:
            applied.append(AppliedLimit(limit.code, limit.name, cap))
    return applied, reasons


def _conditions_hold(band: Band, conditions: Mapping) -> tuple[bool, list[str]]:
    failed = []
    for condition in band.conditions:
        result = condition.holds(conditions)
        if result is None:
            failed.append(_("chưa có số liệu «%(condition)s»") % {"condition": condition.label})
        elif not result:
            failed.append(_("chưa đạt «%(condition)s»") % {"condition": condition.label})
    return not failed, failed


def _from_ratings(rules: Rules, kind: str, ratings: Mapping, conditions: Mapping):
    criteria = rules.criteria.get(kind, ())
    missing = tuple(c.name for c in criteria if ratings.get(c.key) not in RATING_RANK)
    if not criteria or missing:
        return None, [], missing
    worst: dict[str, int] = {}
    for c in criteria:
        rank = RATING_RANK[ratings[c.key]]
        worst[c.group] = min(worst.get(c.group, 5), rank)
    reasons: list[str] = []
    for band in rules.rating_bands.get(kind, ()):
        meets = all(
            worst.get(group, 5) >= RATING_RANK[minimum]
            for group, minimum in band.min_ratings.items()
        )
        if not meets:
            continue
        ok, failed = _conditions_hold(band, conditions)
        if ok:
            return band.level, reasons, ()
        reasons.append(
            _("Đạt tiêu chí của %(level)s nhưng %(failed)s.")
            % {"level": band.level, "failed": "; ".join(failed)}
        )
    if any(rank == RATING_RANK["kem"] for rank in worst.values()):
        reasons.append(_("Có tiêu chí xếp loại Kém."))
    return KHTNV, reasons, ()


def _from_score(rules: Rules, kind: str, general, tasks, conditions: Mapping):
    if general is None or tasks is None:
        missing = []
        if general is None:
            missing.append(
                _("Điểm tiêu chí chung (tối đa %(max)s)") % {"max": rules.score_general_max}
            )
        if tasks is None:
            missing.append(
                _("Điểm kết quả thực hiện nhiệm vụ (tối đa %(max)s)")
                % {"max": rules.score_tasks_max}
            )
        return None, [], tuple(missing)
    total = Decimal(str(general)) + Decimal(str(tasks))
    reasons = [_("Tổng điểm %(total)s/100.") % {"total": format_points(total)}]
    for band in rules.score_bands.get(kind, ()):
        if band.min_total is not None and total < band.min_total:
            continue
        ok, failed = _conditions_hold(band, conditions)
        if ok:
            return band.level, reasons, ()
        reasons.append(
            _("Đủ %(points)s điểm của %(level)s nhưng %(failed)s.")
            % {
                "points": format_points(band.min_total),
                "level": band.level,
                "failed": "; ".join(failed),
            }
        )
    if not reasons[1:] and total < Decimal(50):
        reasons.append(_("Dưới 50 điểm."))
    return KHTNV, reasons, ()


def format_points(value) -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",")


def derive_level(
    rules: Rules,
    subject_kind: str,
    *,
    ratings: Mapping | None = None,
    score_general=None,
    score_tasks=None,
    conditions: Mapping | None = None,
    exemption: str = "",
) -> Derivation:
    """The level the rule set gives ``subject_kind`` with these inputs, and its ceiling."""
    conditions = conditions or {}
    effect = rules.exemption_effect(exemption)
    if effect == "not_reviewed":
        return Derivation(
            None,
            None,
            reasons=(_("Không kiểm điểm, không xếp loại (%(rules)s).") % {"rules": rules.title},),
            reviewed=False,
            classify=False,
            exemption=exemption,
        )
    if effect == "not_classified":
        return Derivation(
            None,
            None,
            reasons=(_("Có kiểm điểm nhưng không xếp loại (%(rules)s).") % {"rules": rules.title},),
            classify=False,
            exemption=exemption,
        )

    applied, reasons = _limits_for(rules, subject_kind, conditions)
    max_level = HTXSNV
    for limit in applied:
        max_level = lower(max_level, limit.cap)
    capped_by = tuple(limit for limit in applied if limit.cap == max_level)
    if max_level == HTXSNV:
        capped_by = ()

    if rules.derivation == "score":
        base, more, missing = _from_score(
            rules, subject_kind, score_general, score_tasks, conditions
        )
    else:
        base, more, missing = _from_ratings(rules, subject_kind, ratings or {}, conditions)
    reasons = [*more, *reasons]
    if missing:
        reasons.insert(0, _("Chưa đủ dữ liệu: %(missing)s.") % {"missing": ", ".join(missing)})

    level = lower(base, max_level) if base else None
    if base and level != base:
        names = "; ".join(limit.name for limit in capped_by)
        reasons.append(
            _("Hạ từ %(base)s xuống %(level)s theo quy định: %(limits)s.")
            % {"base": base, "level": level, "limits": names}
        )
    if rules.maternity and conditions.get(rules.maternity.get("field", "maternity_leave")):
        note = rules.maternity.get("note")
        reasons.append(_("Nghỉ thai sản.") if note is None else note)
    return Derivation(
        level=level,
        max_level=max_level,
        base_level=base,
        capped_by=capped_by,
        reasons=tuple(reasons),
        missing=tuple(missing),
    )


# --- checking a chosen level -------------------------------------------------------------------


def check_decision(
    rules: Rules,
    subject_kind: str,
    *,
    level: str,
    derivation: Derivation,
    override_reason: str = "",
    exemption_label: str = "",
) -> list[tuple[str, str]]:
    """Problems with choosing ``level`` (for a self-assessment, a proposal or a decision), as
    ``(field, message)`` pairs; empty when the choice stands."""
    problems: list[tuple[str, str]] = []
    why = exemption_label or derivation.exemption
    if not derivation.reviewed:
        return [
            (
                "__all__",
                _("Đối tượng không thuộc diện kiểm điểm, xếp loại (%(why)s) theo %(rules)s.")
                % {"why": why, "rules": rules.title},
            )
        ]
    if level and level not in LEVEL_RANK:
        return [("level", _("Mức xếp loại không hợp lệ: «%(level)s».") % {"level": level})]
    if not derivation.classify:
        if level:
            problems.append(
                (
                    "level",
                    _(
                        "Đối tượng có kiểm điểm nhưng không xếp loại (%(why)s) theo %(rules)s: "
                        "để trống mức xếp loại."
                    )
                    % {"why": why, "rules": rules.title},
                )
            )
        return problems
    if not level:
        return [("level", _("Hãy chọn mức xếp loại."))]
    if derivation.max_level and LEVEL_RANK[level] > LEVEL_RANK[derivation.max_level]:
        names = "; ".join(f"«{limit.name}»" for limit in derivation.capped_by)
        problems.append(
            (
                "level",
                _(
                    "Không thể xếp loại %(level)s: theo quy định %(limits)s (%(rules)s) mức cao "
                    "nhất là %(max)s."
                )
                % {
                    "level": level,
                    "limits": names,
                    "rules": rules.title,
                    "max": derivation.max_level,
                },
            )
        )
        return problems
    if derivation.level and level != derivation.level and not override_reason.strip():
        problems.append(
            (
                "override_reason",
                _("Mức đã chọn (%(level)s) khác mức theo quy tắc (%(derived)s): hãy ghi lý do.")
                % {"level": level, "derived": derivation.level},
            )
        )
    return problems


# --- the excellent quota -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaCheck:
    ok: bool
    excellent: int
    good: int
    maximum: int
    message: str = ""


_ROUNDING = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}


def quota_maximum(rules: Rules, *, excellent: int, good: int) -> int:
    """The most HTXSNV a group may have: ``percent`` of the denominator, rounded as set."""
    base = good + (excellent if rules.quota_denominator == "httnv_or_above" else 0)
    raw = rules.quota_percent * base / Decimal(100)
    return int(raw.quantize(Decimal(1), rounding=_ROUNDING.get(rules.quota_rounding, ROUND_FLOOR)))


def quota_check(
    rules: Rules,
    subject_kind: str,
    *,
    counts: Mapping[str, int],
    new_level: str,
    old_level: str = "",
    group_label: str = "",
) -> QuotaCheck:
    """Whether deciding ``new_level`` (replacing ``old_level``) keeps the group within quota.

    ``counts`` are the group's decided levels now. A decision that leaves the group over the
    quota is refused only if it makes things worse (more HTXSNV, or a smaller denominator).
    """
    excellent, good = counts.get(HTXSNV, 0), counts.get(HTTNV, 0)
    maximum = quota_maximum(rules, excellent=excellent, good=good)
    if subject_kind not in rules.quota_applies_to:
        return QuotaCheck(True, excellent, good, maximum)
    after = {HTXSNV: excellent, HTTNV: good}
    if old_level in after:
        after[old_level] -= 1
    if new_level in after:
        after[new_level] += 1
    max_after = quota_maximum(rules, excellent=after[HTXSNV], good=after[HTTNV])
    worse = after[HTXSNV] > excellent or max_after < maximum
    if after[HTXSNV] <= max_after or not worse:
        return QuotaCheck(True, excellent, good, maximum)
    rounding = {"floor": _("làm tròn xuống"), "half_up": _("làm tròn"), "ceil": _("làm tròn lên")}
    denominator = _("số HTTNV") if rules.quota_denominator == "httnv" else _("số HTTNV trở lên")
    message = _(
        "Vượt tỷ lệ HTXSNV trong nhóm «%(group)s»: đã có %(excellent)s HTXSNV / %(good)s HTTNV, "
        "tối đa %(max)s (%(percent)s%% %(denominator)s, %(rounding)s; %(rules)s)."
    ) % {
        "group": group_label,
        "excellent": excellent,
        "good": good,
        "max": maximum,
        "percent": format_points(rules.quota_percent),
        "denominator": denominator,
        "rounding": rounding.get(rules.quota_rounding, ""),
        "rules": rules.title,
    }
    return QuotaCheck(False, excellent, good, maximum, message)


def quota_group_key(
    grouping: str,
    subject_kind: str,
    *,
    competent_path: str,
    grassroots_path: str = "",
    org_kind: str = "",
    unit_type: str = "",
    seat_role: str = "",
) -> str:
    """The key the excellent quota is counted in.

    ``grassroots`` (HD 21): members within each grassroots organization; organizations,
    collectives and leaders within their deciding committee (grassroots organizations apart from
    subordinate cells). ``similar_role`` (QĐ 124): also split by kind of organization and type
    of unit, and leaders by post.
    """
    if subject_kind == "member":
        return f"member:{grassroots_path or competent_path}"
    if subject_kind == "organization":
        if grouping == "similar_role":
            return f"organization:{competent_path}:{org_kind}:{unit_type}"
        kind_class = "tccsd" if org_kind in GRASSROOTS_KINDS else org_kind
        return f"organization:{competent_path}:{kind_class}"
    if subject_kind == "collective":
        if grouping == "similar_role":
            return f"collective:{competent_path}:{org_kind}"
        return f"collective:{competent_path}"
    if grouping == "similar_role":
        return f"leader:{competent_path}:{seat_role}"
    return f"leader:{competent_path}"


def parse_quota_group(key: str) -> tuple[str, str, tuple[str, ...]]:
    """``(kind, path, extra parts)`` of a quota group key."""
    kind, _, rest = key.partition(":")
    path, *extra = rest.split(":")
    return kind, path, tuple(extra)


# --- validating inputs -------------------------------------------------------------------------


def validate_ratings(rules: Rules, subject_kind: str, ratings: Mapping) -> dict[str, str]:
    """Errors by criterion key: unknown criteria, unknown ratings."""
    known = {c.key: c for c in rules.criteria.get(subject_kind, ())}
    errors = {}
    for key, value in ratings.items():
        if key not in known:
            errors[key] = _("Tiêu chí không có trong %(rules)s: «%(key)s».") % {
                "rules": rules.title,
                "key": key,
            }
        elif value not in RATING_RANK and value not in ("", None):
            errors[key] = _(
                "Xếp loại tiêu chí «%(criterion)s» phải là Xuất sắc, Tốt, Trung bình hoặc Kém."
            ) % {"criterion": known[key].name}
    return errors


def validate_scores(rules: Rules, score_general, score_tasks) -> dict[str, str]:
    errors = {}
    for name, value, maximum, label in (
        ("score_general", score_general, rules.score_general_max, _("Điểm tiêu chí chung")),
        ("score_tasks", score_tasks, rules.score_tasks_max, _("Điểm kết quả thực hiện nhiệm vụ")),
    ):
        if value is None:
            continue
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            errors[name] = _("%(field)s phải là một số.") % {"field": label}
            continue
        if number < 0 or number > maximum:
            errors[name] = _("%(field)s phải từ 0 đến %(max)s.") % {
                "field": label,
                "max": format_points(maximum),
            }
    return errors


def clean_conditions(conditions: Mapping) -> tuple[dict, dict[str, str]]:
    """Typed conditions (unknown keys refused, blanks dropped) and errors by key."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in conditions.items():
        spec = CONDITION_FIELDS.get(key)
        if spec is None:
            errors[key] = _("Điều kiện không xác định: «%(key)s».") % {"key": key}
            continue
        if value is None or value == "":
            continue
        if spec.type == "bool":
            if isinstance(value, str):
                value = value.strip().lower() in ("1", "true", "on", "yes", "co", "có", "x")
            cleaned[key] = bool(value)
            continue
        if spec.type == "level":
            if value not in LEVEL_RANK:
                errors[key] = _("«%(field)s» phải là HTXSNV, HTTNV, HTNV hoặc KHTNV.") % {
                    "field": spec.label
                }
            else:
                cleaned[key] = value
            continue
        try:
            number = Decimal(str(value).replace(",", "."))
        except (InvalidOperation, ValueError):
            errors[key] = _("«%(field)s» phải là một số.") % {"field": spec.label}
            continue
        limit = {"percent": 100, "months": 12}.get(spec.type)
        if number < 0 or (limit is not None and number > limit):
            errors[key] = (
                _("«%(field)s» phải từ 0 đến %(max)s.") % {"field": spec.label, "max": limit}
                if limit
                else _("Phải ≥ 0.")
            )
            continue
        cleaned[key] = int(number) if number == number.to_integral_value() else float(number)
    return cleaned, errors
