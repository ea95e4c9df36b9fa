"""The demo province's annual reviews (kiểm điểm, đánh giá, xếp loại): ``build_review_demo``.

Two cycles over the demo province, both opened through ``capuy.reviews.services.cycle_open``
(set-based, the same code as the page) and closed level by level through
``cycle_close_level`` (which refuses while anyone required is undecided):

- **2019** under the 2019 rule set (QĐ 132 + HD 21, criterion ratings): the seed article's
  year. Everybody who must be reviewed is reviewed and decided; every individual's
  self-review is linked to the 27 manifestations (seed fact 4: 100%).
- **2025** under QĐ 366 + HD 43: 30 + 70 points with the task conditions of each band, the
  level derived from the scores.

The levels follow the published shares (domain.md §10, Hải Dương 2019: party members 90,33%
HTTNV or above, 9,1% HTNV, 0,57% KHTNV; grassroots organizations 91,2% / 8,8% / 0%), drawn from
a seeded ``random.Random``: the same seed gives the same rows. The excellent quota of the rule
set (20% of those graded HTTNV in each group, rounded down) is respected in every group: an
HTXSNV drawn beyond it is decided HTTNV with the reason written down, as a committee would.
(Hải Dương's 23,8% HTXSNV organizations are above what that quota allows; the demo keeps the
quota.)

Every input goes through the rules engine (``derive_level``, ``check_decision``,
``quota_maximum``) exactly as the services call it, and the derived level is checked against
the level aimed at; only the writing is done in bulk (batches of rows per table, no audit
rows; on PostgreSQL one ``UPDATE`` per batch of reviews, for the tally's trigger), because
150.000 reviews one service call at a time would take minutes. The figures on
the cycle pages and in the reports are then counted from these rows, never typed.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from capuy.organizations.models import Organization
from capuy.reviews import services
from capuy.reviews.choices import (
    DECISION_LEVEL_ORDER,
    Exemption,
    ReviewStatus,
    ReviewStep,
    SubjectKind,
)
from capuy.reviews.models import Manifestation, Review, ReviewCycle, ReviewEvent, RuleSet
from capuy.reviews.rules import (
    HTNV,
    HTTNV,
    HTXSNV,
    KHTNV,
    Rules,
    check_decision,
    derive_level,
    quota_maximum,
)
from capuy.reviews.rulesets import effective_rules

INDIVIDUALS = (SubjectKind.MEMBER, SubjectKind.LEADER)
BATCH = 5000

# Target shares by kind (domain.md §10): (HTTNV or above, HTNV, KHTNV), and the part of
# "HTTNV or above" drawn as HTXSNV before the quota (just under the 1/6 the quota allows).
TARGETS: dict[str, tuple[float, float, float]] = {
    SubjectKind.MEMBER: (0.9033, 0.091, 0.0057),
    SubjectKind.ORGANIZATION: (0.912, 0.088, 0.0),
    SubjectKind.COLLECTIVE: (0.93, 0.07, 0.0),
    SubjectKind.LEADER: (0.95, 0.05, 0.0),
}
EXCELLENT_PART = 0.15
# Elderly members relieved of party work and meetings (miễn công tác và sinh hoạt đảng): not
# reviewed. The part of those aged ``ELDERLY_AGE`` or more at the period's end.
ELDERLY_AGE = 70
ELDERLY_EXEMPT = 0.2
SICK_LEAVE_PART = 0.05  # of HTNV members: on sick leave ≥ 3 months, capped at HTNV (HD 21)
FREE_TEXT_SHARE = 0.1  # individuals who also write their own linkage

CYCLES = (
    # (year, rule set code)
    (2019, "qd132-hd21"),
    (2025, "qd366-hd43"),
)

# How often each manifestation is linked: the commonest self-criticisms first (A2 lười học
# tập nghị quyết, A3 né tránh trách nhiệm, A4 phê bình nể nang…), the "tự diễn biến" group
# rarely.
MANIFESTATION_WEIGHTS = {"A": 6.0, "B": 2.0, "C": 0.3}
COMMON = {"A2": 6.0, "A3": 5.0, "A4": 5.0, "B3": 3.0, "B8": 2.0}
FREE_TEXTS = (
    "Có lúc chưa mạnh dạn đấu tranh với biểu hiện sai trái trong chi bộ.",
    "Việc tự học tập, nghiên cứu nghị quyết có lúc chưa thường xuyên.",
    "Có lúc còn nể nang trong tự phê bình và phê bình.",
    "Tham gia sinh hoạt chi bộ có buổi chưa đầy đủ do bận công tác.",
)
SELF_TEXT = "Bản tự kiểm điểm năm {year} ({form}; dữ liệu mẫu)."
QUOTA_REASON = (
    "Đủ tiêu chuẩn HTXSNV nhưng vượt tỷ lệ HTXSNV của nhóm ({rules}): quyết định xếp loại HTTNV."
)


@dataclass
class CycleDemo:
    cycle: ReviewCycle
    levels: Counter = field(default_factory=Counter)
    reviewed: int = 0
    exempt: int = 0
    demoted: int = 0
    events: int = 0
    links: int = 0


@dataclass
class ReviewDemo:
    cycles: list[CycleDemo]

    def by_year(self, year: int) -> CycleDemo:
        return next(c for c in self.cycles if c.cycle.year == year)


# --- inputs for a level ----------------------------------------------------------------------


def _ratings(rng: random.Random, rules: Rules, kind: str, level: str) -> dict[str, str]:
    """Criterion ratings that the rule set's bands turn into ``level``."""
    criteria = rules.criteria.get(kind, ())
    tasks = [c.key for c in criteria if c.group == "tasks"]
    general = [c.key for c in criteria if c.group == "general"]
    collective = kind in (SubjectKind.ORGANIZATION, SubjectKind.COLLECTIVE)
    ratings: dict[str, str] = {}
    if level == HTXSNV:
        ratings.update(dict.fromkeys(tasks, "xuat_sac"))
        ratings.update({k: rng.choice(("xuat_sac", "tot", "tot")) for k in general})
    elif level == HTTNV:
        ratings.update({k: rng.choice(("xuat_sac", "tot")) for k in tasks})
        ratings[rng.choice(tasks)] = "tot"  # not every task criterion excellent
        floor = ("tot", "trung_binh") if collective else ("xuat_sac", "tot")
        ratings.update({k: rng.choice((*floor, "tot")) for k in general})
    elif level == HTNV:
        ratings.update({k: rng.choice(("tot", "trung_binh")) for k in tasks + general})
        weak = tasks if collective else tasks + general
        ratings[rng.choice(weak)] = "trung_binh"
    else:
        ratings.update({k: rng.choice(("trung_binh", "trung_binh", "tot")) for k in tasks})
        ratings.update({k: rng.choice(("tot", "trung_binh")) for k in general})
        ratings[rng.choice(tasks + general)] = "kem"
    return ratings


def _points(rng: random.Random, low: float, high: float) -> tuple[Decimal, Decimal]:
    """A total in [low, high) split into the 30-point and 70-point groups (half points)."""
    total = rng.randrange(int(low * 2), int(high * 2)) / 2
    general = min(30.0, max(0.0, round(total * rng.uniform(0.28, 0.34) * 2) / 2))
    tasks = total - general
    if tasks > 70:
        general, tasks = general + tasks - 70, 70.0
    return Decimal(str(general)), Decimal(str(tasks))


def _scores(rng: random.Random, level: str) -> tuple[Decimal, Decimal, dict]:
    """QĐ 366 points and task figures that the score bands turn into ``level``."""
    if level == HTXSNV:
        general, tasks = _points(rng, 90, 99)
        conditions = {
            "tasks_on_time_pct": 100,
            "tasks_exceeded_pct": rng.choice((30, 35, 40, 50)),
            "shortcomings_fixed_pct": 100,
            "tasks_done_pct": 100,
            "tasks_late_pct": 0,
        }
    elif level == HTTNV:
        general, tasks = _points(rng, 70, 90)
        conditions = {
            "tasks_on_time_pct": 100,
            "tasks_exceeded_pct": rng.choice((0, 10, 15, 20)),
            "shortcomings_fixed_pct": rng.choice((80, 90, 100)),
            "tasks_done_pct": 100,
            "tasks_late_pct": 0,
        }
    elif level == HTNV:
        general, tasks = _points(rng, 55, 70)
        conditions = {
            "tasks_on_time_pct": rng.choice((85, 90, 95)),
            "tasks_done_pct": 100,
            "tasks_late_pct": rng.choice((5, 10, 15)),
            "shortcomings_fixed_pct": rng.choice((60, 80)),
        }
    else:
        general, tasks = _points(rng, 35, 50)
        conditions = {"tasks_on_time_pct": 70, "tasks_done_pct": 80, "tasks_late_pct": 30}
    return general, tasks, conditions


def _draw(rng: random.Random, kind: str) -> str:
    good, fair, poor = TARGETS[kind]
    roll = rng.random()
    if roll < poor:
        return KHTNV
    if roll < poor + fair:
        return HTNV
    return HTXSNV if rng.random() < EXCELLENT_PART else HTTNV


# --- one cycle ---------------------------------------------------------------------------------


@dataclass
class _Plan:
    pk: int
    kind: str
    decision_level: str
    quota_group: str
    exemption: str
    classify: bool
    status: str = ReviewStatus.DECIDED
    merit: str = ""  # the level the inputs lead to
    decided: str = ""
    override: str = ""
    ratings: dict = field(default_factory=dict)
    general: Decimal | None = None
    tasks: Decimal | None = None
    conditions: dict = field(default_factory=dict)
    links: list[int] = field(default_factory=list)
    links_text: str = ""


def _age(born: date | None, on: date) -> int:
    if born is None:
        return 0
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _plan(rng: random.Random, cycle: ReviewCycle, rules: Rules) -> list[_Plan]:
    rows = (
        Review.objects.filter(cycle=cycle)
        .order_by("id")
        .values_list(
            "pk",
            "subject_kind",
            "decision_level",
            "quota_group",
            "status",
            "exemption",
            "classify",
            "member__birth_date",
        )
    )
    plans = []
    for pk, kind, level, group, status, exemption, classify, born in rows:
        plan = _Plan(pk, kind, level, group, exemption, classify)
        if status == ReviewStatus.EXEMPT:
            plan.status = ReviewStatus.EXEMPT
        elif (
            kind == SubjectKind.MEMBER
            and _age(born, cycle.period_end) >= ELDERLY_AGE
            and rng.random() < ELDERLY_EXEMPT
        ):
            plan.status = ReviewStatus.EXEMPT
            plan.exemption = Exemption.MIEN_SINH_HOAT
            plan.classify = False
        elif classify:
            plan.merit = _draw(rng, kind)
        plans.append(plan)
    return plans


def _apply_quota(rng: random.Random, rules: Rules, plans: list[_Plan]) -> int:
    """Decide HTXSNV within each group's quota; the excess is decided HTTNV, with a reason."""
    groups: dict[str, list[_Plan]] = defaultdict(list)
    for plan in plans:
        if plan.merit:
            plan.decided = plan.merit
            groups[plan.quota_group].append(plan)
    demoted = 0
    reason = QUOTA_REASON.format(rules=rules.title)
    for members in groups.values():
        if members[0].kind not in rules.quota_applies_to:
            continue
        excellent = [p for p in members if p.decided == HTXSNV]
        good = sum(1 for p in members if p.decided == HTTNV)
        rng.shuffle(excellent)
        while excellent and len(excellent) > quota_maximum(
            rules, excellent=len(excellent), good=good
        ):
            plan = excellent.pop()
            plan.decided, plan.override = HTTNV, reason
            good += 1
            demoted += 1
    return demoted


def _inputs(rng: random.Random, rules: Rules, plan: _Plan, manifestations: list, weights) -> None:
    """Ratings or scores (and conditions) leading to the plan's merit level, the linked
    manifestations, and a check of the whole against the rules engine."""
    if plan.status == ReviewStatus.EXEMPT:
        return
    level = plan.merit or HTTNV  # a subject reviewed but not classified still rates itself
    if rules.derivation == "score":
        plan.general, plan.tasks, plan.conditions = _scores(rng, level)
    else:
        variant = rng.random()
        if plan.kind in INDIVIDUALS and level == KHTNV and variant < 0.5:
            # Disciplined during the year: good ratings, the disqualifier decides.
            plan.ratings = _ratings(rng, rules, plan.kind, HTTNV)
            plan.conditions = {"disciplined": True}
        elif plan.kind == SubjectKind.MEMBER and level == HTNV and variant < SICK_LEAVE_PART:
            plan.ratings = _ratings(rng, rules, plan.kind, HTTNV)
            plan.conditions = {"sick_leave_months": rng.choice((3, 4, 5))}
        else:
            plan.ratings = _ratings(rng, rules, plan.kind, level)
    if plan.kind in INDIVIDUALS:
        count = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        chosen: set[int] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(manifestations, weights=weights)[0].pk)
        plan.links = sorted(chosen)
        if rng.random() < FREE_TEXT_SHARE:
            plan.links_text = rng.choice(FREE_TEXTS)

    derivation = derive_level(
        rules,
        plan.kind,
        ratings=plan.ratings,
        score_general=plan.general,
        score_tasks=plan.tasks,
        conditions=plan.conditions,
        exemption=plan.exemption,
    )
    if (derivation.level or "") != plan.merit:
        raise RuntimeError(
            f"demo inputs for {plan.merit or 'no level'} derive {derivation.level} "
            f"({plan.kind}, {rules.code}): {derivation.reasons}"
        )
    problems = check_decision(
        rules,
        plan.kind,
        level=plan.decided,
        derivation=derivation,
        override_reason=plan.override,
        exemption_label=plan.exemption,
    )
    if problems:
        raise RuntimeError(f"demo decision refused: {problems}")


# --- writing -----------------------------------------------------------------------------------


def _moment(rng: random.Random, first: date, last: date, tz) -> datetime:
    span = max((last - first).days, 0)
    day = first + timedelta(days=rng.randint(0, span))
    return datetime.combine(day, time(rng.randint(7, 16), rng.choice((0, 15, 30, 45))), tz)


def _datetime_param():
    """Aware datetimes as the backend stores them (SQLite: naive UTC text), without Django's
    per-value adaptation (a few hundred thousand values)."""
    if connection.vendor == "sqlite":
        return lambda moment: moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return lambda moment: moment


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _decision_window(cycle: ReviewCycle, level: str) -> tuple[date, date]:
    end = cycle.period_end
    deadline = cycle.deadlines.get(level)
    last = date.fromisoformat(deadline) if deadline else end + timedelta(days=30)
    first = end - timedelta(days=12) if last <= end else end + timedelta(days=1)
    return first, max(first, last)


# What the demo writes on a decided review and on an exempt one: (column, PostgreSQL type), in
# the order of the tuples built below, each followed by the review's id.
REVIEW_COLUMNS = (
    ("status", "text"),
    ("ratings", "jsonb"),
    ("score_general", "numeric"),
    ("score_tasks", "numeric"),
    ("conditions", "jsonb"),
    ("self_text", "text"),
    ("manifestations_text", "text"),
    ("manifestations_linked", "boolean"),
    ("manifestation_ids", "jsonb"),
    ("self_level", "text"),
    ("proposed_level", "text"),
    ("decided_level", "text"),
    ("derived_level", "text"),
    ("locked", "boolean"),
)
EXEMPT_COLUMNS = (
    ("status", "text"),
    ("exemption", "text"),
    ("exemption_note", "text"),
    ("classify", "boolean"),
)
EVENT_INSERT = (
    "INSERT INTO {table} (review_id, step, level, derived_level, override_reason, note, data, "
    "warnings, by_id, at, held_on) VALUES (%s, %s, %s, %s, %s, %s, %s{json}, %s{json}, %s, %s, %s)"
)
SNAPSHOT = (
    '{{"ratings":{ratings},"score_general":{general},"score_tasks":{tasks},'
    '"conditions":{conditions}}}'
)
ELDERLY_NOTE = "Tuổi cao, sức yếu (dữ liệu mẫu)"


def _write(rng: random.Random, cycle: ReviewCycle, rules: Rules, plans, user_id) -> int:
    """Update the review rows, then insert their events and manifestation links."""
    tz = timezone.get_current_timezone()
    moment = _datetime_param()
    codes = {
        pk: f"{group}{number}"
        for pk, group, number in Manifestation.objects.values_list("pk", "group", "number")
    }
    texts = {
        kind: SELF_TEXT.format(year=cycle.year, form=rules.forms.get(kind, rules.title))
        for kind in SubjectKind.values
    }
    windows = {level: _decision_window(cycle, level) for level in DECISION_LEVEL_ORDER}
    start = cycle.period_end - timedelta(days=30)
    exempt_data = _dumps({"exemption": Exemption.MIEN_SINH_HOAT, "effect": "not_reviewed"})
    exempt_note = f"{Exemption.MIEN_SINH_HOAT.label}: {ELDERLY_NOTE.lower()}"

    cache: dict[tuple, str] = {}

    def cached_dumps(value: dict) -> str:
        """Ratings and conditions repeat a lot: serialize each combination once."""
        key = tuple(value.items())
        text = cache.get(key)
        if text is None:
            text = cache[key] = _dumps(value)
        return text

    updates, exempted, events = [], [], []
    for plan in plans:
        if plan.status == ReviewStatus.EXEMPT:
            if plan.exemption == Exemption.MIEN_SINH_HOAT:  # recorded by the demo, not at opening
                exempted.append((ReviewStatus.EXEMPT, plan.exemption, ELDERLY_NOTE, False, plan.pk))
                at = _moment(rng, start, start + timedelta(days=7), tz)
                events.append(
                    (
                        plan.pk,
                        ReviewStep.EXEMPT,
                        "",
                        "",
                        "",
                        exempt_note,
                        exempt_data,
                        "[]",
                        user_id,
                        moment(at),
                        None,
                    )
                )
            continue
        ratings, conditions = cached_dumps(plan.ratings), cached_dumps(plan.conditions)
        linked = bool(plan.links or plan.links_text)
        updates.append(
            (
                ReviewStatus.DECIDED,
                ratings,
                plan.general,
                plan.tasks,
                conditions,
                texts[plan.kind],
                plan.links_text,
                linked,
                json.dumps(plan.links),
                plan.merit,
                plan.merit,
                plan.decided,
                plan.merit,
                True,
                plan.pk,
            )
        )
        # The event snapshot (as services._snapshot writes it), put together from the parts
        # already serialized: a few hundred thousand events.
        data = SNAPSHOT.format(
            ratings=ratings,
            general="null" if plan.general is None else f'"{plan.general}"',
            tasks="null" if plan.tasks is None else f'"{plan.tasks}"',
            conditions=conditions,
        )
        chosen = ",".join(sorted(f'"{codes[m]}"' for m in plan.links))
        self_data = f'{data[:-1]},"manifestations":[{chosen}]}}'
        first, last = windows[plan.decision_level]
        at_self = _moment(rng, start, min(first, cycle.period_end) - timedelta(days=4), tz)
        at_propose = at_self + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
        at_decide = max(_moment(rng, first, last, tz), at_propose + timedelta(days=1))
        merit = plan.merit
        events.append(
            (
                plan.pk,
                ReviewStep.SELF,
                merit,
                merit,
                "",
                "",
                self_data,
                "[]",
                user_id,
                moment(at_self),
                at_self.date(),  # the cell's meeting
            )
        )
        events.append(
            (
                plan.pk,
                ReviewStep.PROPOSE,
                merit,
                merit,
                "",
                "",
                data,
                "[]",
                user_id,
                moment(at_propose),
                at_self.date(),  # proposed at the same meeting
            )
        )
        events.append(
            (
                plan.pk,
                ReviewStep.DECIDE,
                plan.decided,
                merit,
                plan.override,
                "",
                data,
                "[]",
                user_id,
                moment(at_decide),
                at_decide.date(),  # the competent committee's meeting
            )
        )

    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        _update_reviews(cursor, REVIEW_COLUMNS, updates)
        _update_reviews(cursor, EXEMPT_COLUMNS, exempted)
        sql = EVENT_INSERT.format(table=ReviewEvent._meta.db_table, json=cast)
        for first_row in range(0, len(events), BATCH):
            cursor.executemany(sql, events[first_row : first_row + BATCH])
    return len(events)


def _update_reviews(cursor, columns, rows: list[tuple]) -> None:
    """``rows`` (the values of ``columns``, then the review's id) written onto the reviews. On
    PostgreSQL one ``UPDATE … FROM (VALUES …)`` per batch, so that the tally's statement
    trigger runs once a batch, not once a review (a statement a review: ~10 minutes for the
    demo's 220.000 reviews)."""
    table = Review._meta.db_table
    if connection.vendor != "postgresql":
        sets = ", ".join(f"{column} = %s" for column, _type in columns)
        sql = f"UPDATE {table} SET {sets} WHERE id = %s"
        for first_row in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[first_row : first_row + BATCH])
        return
    size = 60_000 // (len(columns) + 1)  # a statement takes at most 65.535 parameters
    row_sql = "(" + ", ".join(f"%s::{kind}" for _column, kind in columns) + ", %s::bigint)"
    sets = ", ".join(f"{column} = v.{column}" for column, _type in columns)
    names = ", ".join([column for column, _type in columns] + ["id"])
    for first_row in range(0, len(rows), size):
        batch = rows[first_row : first_row + size]
        cursor.execute(
            f"UPDATE {table} AS r SET {sets} FROM (VALUES {', '.join([row_sql] * len(batch))})"
            f" AS v({names}) WHERE r.id = v.id",
            [value for row in batch for value in row],
        )


def _demo_user(acting_user):
    if acting_user is not None:
        return acting_user
    user_model = get_user_model()
    return (
        user_model.objects.filter(username="vanphong", email__endswith="@demo.capuy.invalid")
        .order_by("pk")
        .first()
        or user_model.objects.filter(is_superuser=True).order_by("pk").first()
    )


def build_cycle(
    rng: random.Random,
    *,
    root: Organization,
    year: int,
    rule_set: RuleSet,
    acting_user,
    close: bool = True,
) -> CycleDemo:
    """Open one cycle over ``root``, review and decide everybody, and close it."""
    cycle = services.cycle_open(
        acting_user=acting_user, rule_set=rule_set, organization=root, year=year
    )
    rules = effective_rules(cycle.rule_set)
    plans = _plan(rng, cycle, rules)
    demoted = _apply_quota(rng, rules, plans)
    manifestations = list(Manifestation.objects.filter(active=True).order_by("group", "number"))
    weights = [COMMON.get(m.code, MANIFESTATION_WEIGHTS.get(m.group, 1.0)) for m in manifestations]
    for plan in plans:
        _inputs(rng, rules, plan, manifestations, weights)
    events = _write(rng, cycle, rules, plans, getattr(acting_user, "pk", None))
    if close:
        present = set(Review.objects.filter(cycle=cycle).values_list("decision_level", flat=True))
        for level in DECISION_LEVEL_ORDER:
            if level in present:
                cycle = services.cycle_close_level(
                    acting_user=acting_user, cycle=cycle, level=level
                )
    return CycleDemo(
        cycle=cycle,
        levels=Counter(p.decided for p in plans if p.decided),
        reviewed=sum(1 for p in plans if p.status != ReviewStatus.EXEMPT),
        exempt=sum(1 for p in plans if p.status == ReviewStatus.EXEMPT),
        demoted=demoted,
        events=events,
        links=sum(len(p.links) for p in plans),
    )


def build_review_demo(
    *,
    root: Organization | None = None,
    acting_user=None,
    seed: int | str = 2019,
    say: Callable[[str], None] = lambda s: None,
) -> ReviewDemo:
    """Create the demo province's 2019 and 2025 review cycles. Call inside the demo's
    transaction, after the tree, members and seats exist (``province.build_demo``)."""
    if root is None:
        from .province import find_demo_root

        root = find_demo_root()
    if root is None:
        raise ValueError("the demo province does not exist")
    user = _demo_user(acting_user)
    if user is None:
        raise ValueError("the demo needs a user to open the cycles (run after the demo users)")
    built = []
    for year, code in CYCLES:
        say(
            gettext("Kiểm điểm, đánh giá, xếp loại năm %(year)s (%(code)s)…")
            % {"year": year, "code": code}
        )
        rng = random.Random(f"{seed}:reviews:{year}")
        built.append(
            build_cycle(
                rng,
                root=root,
                year=year,
                rule_set=RuleSet.objects.get(code=code),
                acting_user=user,
            )
        )
    return ReviewDemo(cycles=built)
