"""Write operations of the annual review (kiểm điểm, đánh giá, xếp loại).

Every function is keyword-only, takes ``acting_user``, runs in one transaction, re-checks the
user's scope and the finer rule of its step (capuy/reviews/access.py), and raises Django's
``ValidationError`` with Vietnamese messages keyed by its argument names (``level``,
``override_reason``, ``manifestations``…) or ``PermissionDenied`` when the user may not take the
step. Pages, the API, the Excel import and commands call these same functions.

Cycles
    ``cycle_open`` (who must be reviewed, set-based), ``cycle_update``, ``cycle_close_level``.
One review
    ``review_self_assess`` → ``review_propose`` → ``review_decide`` (also ``review_decide_many``
    for a batch, lowest levels first so the quota counts the good before the excellent),
    ``review_record_cell_result`` (self-assessment and the cell's proposal in one go),
    ``review_reopen``, ``review_set_exemption``. Each writes a ``ReviewEvent``.
Catalogue and rules
    ``rule_set_update``, ``rule_set_create_overlay``, ``manifestation_create``,
    ``manifestation_update``.
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, VIEW, OutOfScope, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.core.vntext import format_date
from capuy.organizations.models import Organization

from . import access
from .choices import (
    DECISION_LEVEL_ORDER,
    INDIVIDUAL_KINDS,
    LEVEL_RANK,
    DecisionLevel,
    Exemption,
    ExemptionEffect,
    PeriodKind,
    ReviewStatus,
    ReviewStep,
)
from .models import Manifestation, Review, ReviewCycle, ReviewEvent, RuleSet
from .opening import populate
from .rules import (
    Derivation,
    Rules,
    check_decision,
    clean_conditions,
    derive_level,
    validate_ratings,
    validate_scores,
)
from .rulesets import effective_dict, effective_rules
from .selectors import missing_at_level, order_warnings, organization_names, quota_check_for


class NotCompetent(PermissionDenied):
    """The user is not the competent level for this decision (the message says who is)."""


# --- cycles ---------------------------------------------------------------------------------


def period_bounds(
    period_kind: str, year: int, quarter: int | None = None
) -> tuple[date, date] | None:
    if period_kind == PeriodKind.YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    if period_kind == PeriodKind.QUARTER and quarter in (1, 2, 3, 4):
        first = 3 * (quarter - 1) + 1
        last = first + 2
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    return None


def default_cycle_name(
    organization: Organization, period_kind: str, year: int, quarter: int | None
) -> str:
    if period_kind == PeriodKind.QUARTER:
        period = _("quý %(q)s năm %(y)s") % {"q": quarter, "y": year}
    elif period_kind == PeriodKind.TERM:
        period = _("nhiệm kỳ (đến năm %(y)s)") % {"y": year}
    else:
        period = _("năm %(y)s") % {"y": year}
    return _("Kiểm điểm, đánh giá, xếp loại %(period)s — %(org)s") % {
        "period": period,
        "org": organization.name,
    }


@transaction.atomic
def cycle_open(
    *,
    acting_user,
    rule_set: RuleSet,
    organization: Organization,
    year: int,
    period_kind: str = PeriodKind.YEAR,
    quarter: int | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    name: str = "",
    deadlines: Mapping[str, str] | None = None,
) -> ReviewCycle:
    """Open a review cycle over ``organization``'s subtree and insert every subject.

    Subjects (capuy/reviews/opening.py): the organizations of the subtree valid at the period's
    end (not the scope's own root, reviewed by its superior), every party member admitted by
    then (with member_status at that date; admitted < 6 months: exempt as the rule set says),
    one leader collective per organization with a committee (its BTV, else its BCH), and one
    review per leader and organization where a seat was held at the period's end. The result
    carries ``opened_counts`` (per kind).
    """
    ensure_in_scope(acting_user, organization, CHANGE)
    organization = Organization.objects.get(pk=organization.pk)
    rule_set = RuleSet.objects.select_related("base", "organization").get(pk=rule_set.pk)
    require(period_kind in PeriodKind.values, "period_kind", _("Kỳ đánh giá không hợp lệ."))
    require(
        rule_set.covers_year(year),
        "rule_set",
        (
            _(
                "Bộ quy tắc «%(rs)s» áp dụng từ năm %(first)s đến năm %(last)s, không áp dụng "
                "cho năm %(year)s."
            )
            if rule_set.last_year
            else _("Bộ quy tắc «%(rs)s» áp dụng từ năm %(first)s, không áp dụng cho năm %(year)s.")
        )
        % {
            "rs": rule_set.name,
            "first": rule_set.first_year,
            "last": rule_set.last_year,
            "year": year,
        },
    )
    if rule_set.is_overlay:
        require(
            organization.path.startswith(rule_set.organization.path),
            "rule_set",
            _("Bộ quy tắc riêng của %(owner)s không áp dụng cho %(org)s.")
            % {"owner": rule_set.organization.name, "org": organization.name},
        )
    bounds = period_bounds(period_kind, year, quarter)
    if bounds is None:
        require(period_kind != PeriodKind.QUARTER, "quarter", _("Hãy chọn quý từ 1 đến 4."))
        require(
            period_start is not None and period_end is not None,
            "period_start",
            _("Hãy nhập ngày bắt đầu và kết thúc nhiệm kỳ đánh giá."),
        )
        bounds = (period_start, period_end)
    start, end = bounds
    rules = effective_rules(rule_set)
    if deadlines is None:
        deadlines = {
            level: (end + timedelta(days=int(days))).isoformat()
            for level, days in rules.deadline_days.items()
        }
    cycle = ReviewCycle(
        rule_set=rule_set,
        organization=organization,
        name=(name or default_cycle_name(organization, period_kind, year, quarter))[:255],
        period_kind=period_kind,
        year=year,
        quarter=quarter if period_kind == PeriodKind.QUARTER else None,
        period_start=start,
        period_end=end,
        deadlines=_clean_deadlines(deadlines),
        opened_at=timezone.now(),
        opened_by=acting_user,
    )
    cycle.full_clean()
    cycle._history_user = acting_user
    cycle.save()
    counts = populate(cycle, rules)
    cycle.opened_counts = asdict(counts)
    return cycle


def _clean_deadlines(deadlines: Mapping[str, str]) -> dict[str, str]:
    cleaned = {}
    for level, value in deadlines.items():
        require(level in DecisionLevel.values, "deadlines", _("Cấp không hợp lệ: %s") % level)
        if not value:
            continue
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(
                {"deadlines": _("Thời hạn không hợp lệ: %s (yyyy-mm-dd)") % value}
            ) from None
        cleaned[level] = day.isoformat()
    return cleaned


@transaction.atomic
def cycle_update(
    *, acting_user, cycle: ReviewCycle, name: str | None = None, deadlines=None
) -> ReviewCycle:
    """Rename a cycle or set its deadlines per deciding level."""
    ensure_in_scope(acting_user, cycle, CHANGE)
    locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    changes = {}
    if name is not None:
        changes["name"] = name.strip()
    if deadlines is not None:
        changes["deadlines"] = _clean_deadlines(deadlines)
    if apply_changes(locked, changes, ("name", "deadlines")):
        locked.full_clean(validate_constraints=False)
        locked._history_user = acting_user
        locked.save()
    return locked


@transaction.atomic
def cycle_close_level(*, acting_user, cycle: ReviewCycle, level: str) -> ReviewCycle:
    """Khóa sổ one deciding level: refused while a required subject of that level has no
    decision, or while a lower level with subjects is still open. The cycle is closed when its
    last level is."""
    ensure_in_scope(acting_user, cycle, CHANGE)
    locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    require(level in DecisionLevel.values, "level", _("Cấp không hợp lệ."))
    label = str(DecisionLevel(level).label)
    require(not locked.level_closed(level), "level", _("%(level)s đã khóa sổ.") % {"level": label})
    present = set(Review.objects.filter(cycle=locked).values_list("decision_level", flat=True))
    for lower in DECISION_LEVEL_ORDER[: DECISION_LEVEL_ORDER.index(level)]:
        require(
            lower not in present or locked.level_closed(lower),
            "level",
            _("Hãy khóa sổ %(lower)s trước %(level)s (cấp dưới trước, cấp trên sau).")
            % {"lower": str(DecisionLevel(lower).label).lower(), "level": label.lower()},
        )
    missing = missing_at_level(locked, level)
    count = missing.count()
    if count:
        not_reviewed = missing.filter(status=ReviewStatus.PENDING).count()
        names = ", ".join(r.subject_name for r in missing[:5])
        raise ValidationError(
            {
                "level": _(
                    "Chưa thể khóa sổ %(level)s: còn %(count)s đối tượng phải kiểm điểm chưa có "
                    "quyết định xếp loại (%(pending)s chưa kiểm điểm), ví dụ: %(names)s%(more)s."
                )
                % {
                    "level": label.lower(),
                    "count": count,
                    "pending": not_reviewed,
                    "names": names,
                    "more": "…" if count > 5 else "",
                }
            }
        )
    locked.closed_levels = [*locked.closed_levels, level]
    if all(locked.level_closed(lvl) for lvl in present):
        locked.closed_at = timezone.now()
    locked._history_user = acting_user
    locked.save(update_fields=["closed_levels", "closed_at"])
    return locked


# --- one review -------------------------------------------------------------------------------


def _lock_review(acting_user, review: Review) -> Review:
    """Re-select the review inside the transaction, with its cycle and rules, through the
    user's scope (one statement: the scope is the lock's own condition)."""
    locked = (
        Review.objects.visible_to(acting_user, VIEW)
        .select_for_update(of=("self",))
        .select_related("cycle", "cycle__rule_set", "cycle__rule_set__base")
        .filter(pk=review.pk)
        .first()
    )
    if locked is None:
        raise OutOfScope()
    return locked


def _refuse_if(message: str | None, exc=PermissionDenied) -> None:
    if message:
        raise exc(message)


def held_on_problem(cycle: ReviewCycle, held_on: date | None, today: date) -> str | None:
    """What is wrong with a meeting's day for ``cycle`` (in the future, or before the cycle's
    period), or None; the import's "Ngày" column is checked with it row by row."""
    if held_on is None:
        return None
    if held_on > today:
        return _("Ngày %(d)s chưa tới.") % {"d": format_date(held_on)}
    if held_on < cycle.period_start:
        return _("Ngày %(d)s trước kỳ đánh giá (từ %(a)s).") % {
            "d": format_date(held_on),
            "a": format_date(cycle.period_start),
        }
    return None


def _check_held_on(review: Review, held_on: date | None) -> None:
    problem = held_on_problem(review.cycle, held_on, timezone.localdate())
    if problem:
        raise ValidationError({"held_on": problem})


def _check_open(review: Review) -> None:
    cycle = review.cycle
    if cycle.level_closed(review.decision_level):
        raise ValidationError(
            {
                "__all__": _("%(level)s của đợt «%(cycle)s» đã khóa sổ.")
                % {"level": DecisionLevel(review.decision_level).label, "cycle": cycle.name}
            }
        )


def _check_not_exempt(review: Review) -> None:
    if review.status == ReviewStatus.EXEMPT:
        raise ValidationError(
            {
                "__all__": _(
                    "%(subject)s không thuộc diện kiểm điểm, xếp loại (%(why)s): không ghi kết "
                    "quả cho đối tượng này."
                )
                % {"subject": review.subject_name, "why": _exemption_text(review)}
            }
        )


def _check_unlocked(review: Review) -> None:
    if review.locked:
        raise ValidationError(
            {
                "__all__": _(
                    "Xếp loại của %(subject)s đã được quyết định và khóa; cấp có thẩm quyền phải "
                    "mở lại (kèm lý do) trước khi sửa."
                )
                % {"subject": review.subject_name}
            }
        )


def _exemption_text(review: Review) -> str:
    text = Exemption(review.exemption).label if review.exemption else _("không xếp loại")
    return f"{text}; {review.exemption_note}" if review.exemption_note else str(text)


def _to_decimal(value, field: str):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Phải là một số.")}) from None


def _apply_inputs(
    review: Review,
    rules: Rules,
    *,
    ratings: Mapping | None,
    score_general,
    score_tasks,
    conditions: Mapping | None,
) -> None:
    """Validate and merge the criterion ratings, scores and conditions into ``review``."""
    errors: dict[str, list[str]] = {}
    if ratings is not None:
        ratings = {k: v for k, v in ratings.items() if v not in (None, "")}
        bad = validate_ratings(rules, review.subject_kind, ratings)
        if bad:
            errors["ratings"] = list(bad.values())
        else:
            review.ratings = ratings
    general = _to_decimal(score_general, "score_general")
    tasks = _to_decimal(score_tasks, "score_tasks")
    for name, message in validate_scores(rules, general, tasks).items():
        errors[name] = [message]
    if score_general is not None and "score_general" not in errors:
        review.score_general = general
    if score_tasks is not None and "score_tasks" not in errors:
        review.score_tasks = tasks
    if conditions is not None:
        cleaned, bad = clean_conditions(conditions)
        if bad:
            errors["conditions"] = list(bad.values())
        else:
            review.conditions = cleaned
    if errors:
        raise ValidationError(errors)


def _derive(review: Review, rules: Rules) -> Derivation:
    return derive_level(
        rules,
        review.subject_kind,
        ratings=review.ratings,
        score_general=review.score_general,
        score_tasks=review.score_tasks,
        conditions=review.conditions,
        exemption=review.exemption,
    )


def _check_level(
    review: Review, rules: Rules, derivation: Derivation, level: str, override_reason: str
) -> None:
    problems = check_decision(
        rules,
        review.subject_kind,
        level=level,
        derivation=derivation,
        override_reason=override_reason,
        exemption_label=_exemption_text(review) if review.exemption else "",
    )
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def _save(review: Review, acting_user, *fields: str) -> None:
    review.full_clean(validate_unique=False, validate_constraints=False)
    review._history_user = acting_user
    review.save(update_fields=[*fields])


def _event(review: Review, acting_user, step: str, **fields) -> ReviewEvent:
    return ReviewEvent.objects.create(review=review, step=step, by=acting_user, **fields)


def _snapshot(review: Review) -> dict:
    """What a step recorded beside its level: the ratings, scores and conditions given, and
    nothing for a review without them (most party members' under a rating-based rule set:
    an import writes 300.000 of these events, and empty keys were a third of each row)."""
    data = {}
    if review.ratings:
        data["ratings"] = review.ratings
    if review.score_general is not None:
        data["score_general"] = str(review.score_general)
    if review.score_tasks is not None:
        data["score_tasks"] = str(review.score_tasks)
    if review.conditions:
        data["conditions"] = review.conditions
    return data


@transaction.atomic
def review_self_assess(
    *,
    acting_user,
    review: Review,
    level: str = "",
    ratings: Mapping | None = None,
    score_general=None,
    score_tasks=None,
    conditions: Mapping | None = None,
    self_text: str | None = None,
    manifestations: Iterable[Manifestation] | None = None,
    manifestations_text: str | None = None,
    override_reason: str = "",
    note: str = "",
    held_on: date | None = None,
) -> Review:
    """Tự kiểm điểm, tự xếp loại: the subject's own ratings or scores, text, the
    manifestations it reviewed itself against, and its self-proposed level.

    Individuals (party members, leaders) must link at least one of the 27 manifestations or
    write a free-text linkage. ``None`` leaves a field as it is. ``held_on`` (here, in the
    proposal and the decision) is the day of the meeting, when known; it goes on the event.
    """
    _check_held_on(review, held_on)
    review = _lock_review(acting_user, review)
    _refuse_if(access.self_assess_refusal(acting_user, review))
    _check_open(review)
    _check_not_exempt(review)
    _check_unlocked(review)
    rules = effective_rules(review.cycle.rule_set)
    _apply_inputs(
        review,
        rules,
        ratings=ratings,
        score_general=score_general,
        score_tasks=score_tasks,
        conditions=conditions,
    )
    if self_text is not None:
        review.self_text = self_text.strip()
    if manifestations_text is not None:
        review.manifestations_text = manifestations_text.strip()
    chosen = None
    if manifestations is not None:
        chosen = list(manifestations)
        inactive = [m.code for m in chosen if not m.active]
        require(
            not inactive,
            "manifestations",
            _("Biểu hiện không còn dùng: %s.") % ", ".join(inactive),
        )
        review.manifestation_ids = sorted({m.pk for m in chosen})
    linked = bool(review.manifestation_ids) or bool(review.manifestations_text)
    if review.subject_kind in INDIVIDUAL_KINDS:
        require(
            linked,
            "manifestations",
            _(
                "Bản tự kiểm điểm của cá nhân phải liên hệ với các biểu hiện suy thoái: chọn ít "
                "nhất một trong 27 biểu hiện hoặc ghi nội dung liên hệ."
            ),
        )
    derivation = _derive(review, rules)
    _check_level(review, rules, derivation, level, override_reason)
    review.self_level = level or ""
    review.derived_level = derivation.level or ""
    review.manifestations_linked = linked
    if review.status == ReviewStatus.PENDING:
        review.status = ReviewStatus.SELF_REVIEWED
    _save(
        review,
        acting_user,
        "ratings",
        "score_general",
        "score_tasks",
        "conditions",
        "self_text",
        "manifestation_ids",
        "manifestations_text",
        "manifestations_linked",
        "self_level",
        "derived_level",
        "status",
    )
    data = _snapshot(review)
    linked_now = chosen if chosen is not None else review.linked_manifestations()
    data["manifestations"] = sorted(m.code for m in linked_now)
    _event(
        review,
        acting_user,
        ReviewStep.SELF,
        level=review.self_level,
        derived_level=review.derived_level,
        override_reason=override_reason.strip(),
        note=note.strip(),
        held_on=held_on,
        data=data,
    )
    review.derivation = derivation
    return review


@transaction.atomic
def review_propose(
    *,
    acting_user,
    review: Review,
    level: str,
    ratings: Mapping | None = None,
    score_general=None,
    score_tasks=None,
    conditions: Mapping | None = None,
    override_reason: str = "",
    note: str = "",
    held_on: date | None = None,
) -> Review:
    """Thẩm định, đề xuất: the advisory body (the cell for its members, the organization
    committee for others) checks the inputs — it may correct ratings, scores and conditions —
    and proposes a level."""
    _check_held_on(review, held_on)
    review = _lock_review(acting_user, review)
    _refuse_if(access.propose_refusal(acting_user, review))
    _check_open(review)
    _check_not_exempt(review)
    _check_unlocked(review)
    if review.status == ReviewStatus.PENDING:  # the subject's name (a query) only when refused
        message = _("%(subject)s chưa tự kiểm điểm: ghi bản tự kiểm điểm trước khi đề xuất mức.")
        raise ValidationError({"__all__": message % {"subject": review.subject_name}})
    rules = effective_rules(review.cycle.rule_set)
    _apply_inputs(
        review,
        rules,
        ratings=ratings,
        score_general=score_general,
        score_tasks=score_tasks,
        conditions=conditions,
    )
    derivation = _derive(review, rules)
    _check_level(review, rules, derivation, level, override_reason)
    review.proposed_level = level or ""
    review.derived_level = derivation.level or ""
    review.status = ReviewStatus.PROPOSED
    _save(
        review,
        acting_user,
        "ratings",
        "score_general",
        "score_tasks",
        "conditions",
        "proposed_level",
        "derived_level",
        "status",
    )
    _event(
        review,
        acting_user,
        ReviewStep.PROPOSE,
        level=review.proposed_level,
        derived_level=review.derived_level,
        override_reason=override_reason.strip(),
        note=note.strip(),
        held_on=held_on,
        data=_snapshot(review),
    )
    review.derivation = derivation
    return review


@transaction.atomic
def review_record_cell_result(
    *,
    acting_user,
    review: Review,
    self_level: str,
    proposed_level: str = "",
    manifestations: Iterable[Manifestation] | None = None,
    manifestations_text: str | None = None,
    override_reason: str = "",
) -> Review:
    """What a cell secretary writes down at the year-end meeting for one party member: the
    self-assessed level with the linked manifestations, then the cell's proposed level. Both
    steps or neither (the journey-6 phone page and the Excel import call this)."""
    review = review_self_assess(
        acting_user=acting_user,
        review=review,
        level=self_level,
        manifestations=manifestations,
        manifestations_text=manifestations_text,
        override_reason=override_reason,
    )
    if proposed_level or not review.classify:
        review = review_propose(
            acting_user=acting_user,
            review=review,
            level=proposed_level,
            override_reason=override_reason,
        )
    return review


def _quota_lock(review: Review) -> None:
    """Serialize decisions in one quota group on PostgreSQL (SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"{review.cycle_id}:{review.quota_group}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, key - 2**31])


def _name_of(path: str) -> str:
    return organization_names([path]).get(path, "")


def _competent_name(review: Review):
    """The deciding organization's name, read only if a refusal names it (a lazy string)."""
    return lazy(_name_of, str)(review.competent_path)


@transaction.atomic
def review_decide(
    *,
    acting_user,
    review: Review,
    level: str,
    override_reason: str = "",
    note: str = "",
    held_on: date | None = None,
    conditions: Mapping | None = None,
) -> Review:
    """Cấp có thẩm quyền quyết định: the immediate superior committee of the subject (or one
    above it) decides the level. Refused above the rule set's ceiling (disqualifiers,
    exemption caps), over the excellent quota of the subject's group, for an exempt subject,
    or by someone outside the competent level. Order warnings are recorded, not blocking. The
    review is locked afterwards. The result carries ``warnings`` and ``quota``."""
    _check_held_on(review, held_on)
    review, derivation, quota, warnings = _decide_checks(
        acting_user, review, level, override_reason, conditions
    )
    review.decided_level = level or ""
    review.derived_level = derivation.level or ""
    review.status = ReviewStatus.DECIDED
    review.locked = True
    _save(review, acting_user, "conditions", "decided_level", "derived_level", "status", "locked")
    _event(
        review,
        acting_user,
        ReviewStep.DECIDE,
        level=review.decided_level,
        derived_level=review.derived_level,
        override_reason=override_reason.strip(),
        note=note.strip(),
        held_on=held_on,
        data=_snapshot(review),
        warnings=warnings,
    )
    review.derivation = derivation
    review.warnings = warnings
    review.quota = quota
    return review


def _decide_checks(acting_user, review: Review, level: str, override_reason: str, conditions):
    """Everything ``review_decide`` checks before it writes (bench/bench_review_decide.py
    times this): the locked review, the derivation, the quota and the order warnings."""
    review = _lock_review(acting_user, review)
    _refuse_if(access.decide_refusal(acting_user, review, _competent_name(review)), NotCompetent)
    _check_open(review)
    _check_not_exempt(review)
    _check_unlocked(review)
    if review.status not in (ReviewStatus.SELF_REVIEWED, ReviewStatus.PROPOSED):
        message = _("%(subject)s chưa tự kiểm điểm: chưa thể quyết định xếp loại.")
        raise ValidationError({"__all__": message % {"subject": review.subject_name}})
    rules = effective_rules(review.cycle.rule_set)
    _apply_inputs(
        review, rules, ratings=None, score_general=None, score_tasks=None, conditions=conditions
    )
    derivation = _derive(review, rules)
    _check_level(review, rules, derivation, level, override_reason)
    quota = None
    if level:
        _quota_lock(review)
        quota = quota_check_for(review, level)
        if not quota.ok:
            raise ValidationError({"level": quota.message})
    return review, derivation, quota, order_warnings(review)


@transaction.atomic
def review_decide_many(
    *, acting_user, decisions: Sequence[Mapping], stop_on_error: bool = True
) -> list[Review]:
    """Decide several reviews at once: each mapping holds ``review`` and ``level`` (and
    optionally ``override_reason``, ``note``). Lower levels are decided first so the quota
    counts every HTTNV before the HTXSNV it allows. All or nothing: the first refusal
    raises and nothing is saved."""
    ordered = sorted(decisions, key=lambda d: LEVEL_RANK.get(d.get("level") or "", 0))
    return [
        review_decide(
            acting_user=acting_user,
            review=d["review"],
            level=d.get("level") or "",
            override_reason=d.get("override_reason", ""),
            note=d.get("note", ""),
        )
        for d in ordered
    ]


@transaction.atomic
def review_reopen(*, acting_user, review: Review, reason: str) -> Review:
    """Mở lại a decided review (the competent level, with a reason; audited). The decision is
    withdrawn and the review returns to its proposal."""
    review = _lock_review(acting_user, review)
    _refuse_if(access.decide_refusal(acting_user, review, _competent_name(review)), NotCompetent)
    _check_open(review)
    require(bool(reason and reason.strip()), "reason", _("Hãy ghi lý do mở lại."))
    if review.status != ReviewStatus.DECIDED:
        message = _("Xếp loại của %(subject)s chưa được quyết định, không cần mở lại.")
        raise ValidationError({"__all__": message % {"subject": review.subject_name}})
    previous = review.decided_level
    review.decided_level = ""
    review.locked = False
    review.status = ReviewStatus.PROPOSED if review.proposed_level else ReviewStatus.SELF_REVIEWED
    _save(review, acting_user, "decided_level", "locked", "status")
    _event(review, acting_user, ReviewStep.REOPEN, level=previous, note=reason.strip())
    return review


@transaction.atomic
def review_set_exemption(*, acting_user, review: Review, exemption: str, note: str = "") -> Review:
    """Record (or clear, with ``exemption=""``) why a subject is not reviewed or not
    classified; the rule set says which (domain.md §5.1)."""
    review = _lock_review(acting_user, review)
    _refuse_if(access.exempt_refusal(acting_user, review))
    _check_open(review)
    _check_unlocked(review)
    require(
        exemption in Exemption.values,
        "exemption",
        _("Trường hợp miễn, không xếp loại không hợp lệ."),
    )
    note = (note or "").strip()
    require(
        exemption != Exemption.KHAC or bool(note),
        "note",
        _("Hãy ghi rõ lý do khác."),
    )
    rules = effective_rules(review.cycle.rule_set)
    effect = rules.exemption_effect(exemption) if exemption else None
    require(
        not exemption or effect is not None,
        "exemption",
        _("%(rules)s không quy định trường hợp này.") % {"rules": rules.title},
    )
    review.exemption = exemption
    review.exemption_note = note[:500]
    if effect == ExemptionEffect.NOT_REVIEWED:
        review.status = ReviewStatus.EXEMPT
        review.classify = False
    elif effect == ExemptionEffect.NOT_CLASSIFIED:
        review.classify = False
        review.self_level = review.proposed_level = ""
        if review.status == ReviewStatus.EXEMPT:
            review.status = ReviewStatus.PENDING
    else:
        review.classify = True
        if review.status == ReviewStatus.EXEMPT:
            review.status = ReviewStatus.PENDING
    _save(
        review,
        acting_user,
        "exemption",
        "exemption_note",
        "status",
        "classify",
        "self_level",
        "proposed_level",
    )
    _event(
        review,
        acting_user,
        ReviewStep.EXEMPT,
        note=f"{Exemption(exemption).label}{': ' + note if note else ''}",
        data={"exemption": exemption, "effect": effect or ""},
    )
    return review


# --- rules and catalogue --------------------------------------------------------------------

RULE_SET_FIELDS = (
    "name",
    "regulation",
    "guidance",
    "first_year",
    "last_year",
    "derivation",
    "quota_percent",
    "quota_denominator",
    "quota_grouping",
    "quota_rounding",
    "config",
    "unconfirmed_notes",
)


def _check_rules_parse(rule_set: RuleSet) -> None:
    """The merged rules must build and derive for every kind (a typo in the JSON is caught
    here, not in the middle of a decision)."""
    rule_set._effective_rules = None
    try:
        rules = Rules.from_dict(effective_dict(rule_set))
        for kind in ("organization", "member", "collective", "leader"):
            derive_level(rules, kind, ratings={}, conditions={})
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
        raise ValidationError(
            {"config": _("Cấu hình không hợp lệ: %(error)s") % {"error": exc}}
        ) from None


@transaction.atomic
def rule_set_update(*, acting_user, rule_set: RuleSet, **changes) -> RuleSet:
    """Edit a rule set (the office corrects unconfirmed points, a province its overlay)."""
    ensure_in_scope(acting_user, rule_set, CHANGE)
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if changes.get("config") is not None and not isinstance(changes["config"], dict):
        raise ValidationError({"config": _("Cấu hình phải là một đối tượng JSON.")})
    if apply_changes(locked, changes, RULE_SET_FIELDS):
        locked.full_clean()
        _check_rules_parse(locked)
        locked._history_user = acting_user
        locked.save()
    locked._effective_rules = None
    return locked


@transaction.atomic
def rule_set_create_overlay(
    *,
    acting_user,
    base: RuleSet,
    organization: Organization,
    code: str,
    name: str,
    first_year: int | None = None,
    last_year: int | None = None,
    config: dict | None = None,
    **quota,
) -> RuleSet:
    """A province's own values on top of a national rule set (only what it sets)."""
    ensure_in_scope(acting_user, organization, CHANGE)
    require(not base.is_overlay, "base", _("Chỉ lập bộ quy tắc riêng trên bộ quy tắc toàn quốc."))
    unknown = set(quota) - {
        "quota_percent",
        "quota_denominator",
        "quota_grouping",
        "quota_rounding",
    }
    require(not unknown, "__all__", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    overlay = RuleSet(
        code=code,
        name=name,
        regulation=base.regulation,
        guidance=base.guidance,
        first_year=first_year or base.first_year,
        last_year=last_year if last_year is not None else base.last_year,
        base=base,
        organization=organization,
        config=config or {},
        **{key: value for key, value in quota.items() if value not in (None, "")},
    )
    overlay.full_clean()
    _check_rules_parse(overlay)
    overlay._history_user = acting_user
    overlay.save()
    return overlay


MANIFESTATION_FIELDS = ("text", "confirmed", "active", "source")


def _check_catalogue_rights(acting_user) -> None:
    if not Manifestation.objects.visible_to(acting_user, CHANGE).exists():
        raise PermissionDenied(
            _("Danh mục 27 biểu hiện do Văn phòng / Ban Tổ chức cấp tỉnh cập nhật.")
        )


@transaction.atomic
def manifestation_update(*, acting_user, manifestation: Manifestation, **changes) -> Manifestation:
    """Correct a manifestation's wording (e.g. after checking the official text)."""
    _check_catalogue_rights(acting_user)
    locked = Manifestation.objects.select_for_update().get(pk=manifestation.pk)
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
        require(bool(changes["text"]), "text", _("Hãy nhập nội dung biểu hiện."))
    if apply_changes(locked, changes, MANIFESTATION_FIELDS):
        locked.full_clean()
        locked._history_user = acting_user
        locked.save()
    return locked


@transaction.atomic
def manifestation_create(
    *,
    acting_user,
    group: str,
    number: int,
    text: str,
    confirmed: bool = False,
    active: bool = True,
    source: str = "",
) -> Manifestation:
    _check_catalogue_rights(acting_user)
    item = Manifestation(
        group=group,
        number=number,
        text=(text or "").strip(),
        confirmed=confirmed,
        active=active,
        source=source,
    )
    item.full_clean()
    item._history_user = acting_user
    item.save()
    return item
