"""Compliance with the attendance regulation: each upper-level committee member's attendances in
a year against the quota of the regulation in force, computed in the database.

A *leader row* is one (member, level) pair: a member who held a seat of that level (tỉnh,
huyện, xã) at some time in the year on a committee inside the chosen organization. Each row
carries the quota of that level under the deepest regulation covering the seat's organization
(``AttendanceRule`` in force on the period's reference date), and the member's attendances in
the year: all of them, whichever seat each was recorded under, since one person attends one
meeting once. A member with seats at two levels is judged at both.

Status: *met* (attendances ≥ quota), *on track* (the year is running and attendances ≥ the
quota pro rata of the days gone by), *behind* otherwise. Rows without a regulation are
*no quota*.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from capuy.committees.models import Seat
from capuy.core.scoping import VIEW
from capuy.meetings.models import Attendance, AttendanceQuota, AttendanceRule

from .periods import LEVEL_KINDS, UPPER_LEVELS, Period

MET, ON_TRACK, BEHIND, NO_QUOTA = "met", "on_track", "behind", "no_quota"
STATUS_LABELS = {
    MET: _("Đạt định mức"),
    ON_TRACK: _("Đúng tiến độ"),
    BEHIND: _("Chưa đạt"),
    NO_QUOTA: _("Chưa có định mức"),
}
SEAT_PATH = "committee__term__organization__path"
SEAT_KIND = "committee__term__organization__kind"


@dataclass(frozen=True)
class QuotaRule:
    path: str
    number: str
    quotas: dict  # level -> min attendances


def rules_for(org, period: Period) -> list[QuotaRule]:
    """Regulations in force on the period's reference date that may govern seats under
    ``org`` (its ancestors' and its descendants'), deepest first. Not scoped: which regulation
    governs an organization does not depend on who asks."""
    on = period.on
    rules = AttendanceRule.objects.filter(effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    if org is not None:
        rules = rules.filter(
            Q(organization__path__in=org.ancestor_paths())
            | Q(organization__path__startswith=org.path)
        )
    quotas: dict[int, dict] = {}
    for rule_id, level, minimum in AttendanceQuota.objects.filter(rule__in=rules).values_list(
        "rule_id", "level", "min_attendances"
    ):
        quotas.setdefault(rule_id, {})[level] = minimum
    found = {}
    ordered = rules.order_by("-organization__depth", "-effective_from", "-id").values_list(
        "pk", "organization__path", "number"
    )
    for pk, path, number in ordered:
        found.setdefault(path, QuotaRule(path, number, quotas.get(pk, {})))  # newest per org
    return sorted(found.values(), key=lambda r: -len(r.path))


def quota_expression(rules: list[QuotaRule], level: str, path_field: str = SEAT_PATH):
    """The quota of ``level`` for a row whose organization path is ``path_field``: the deepest
    rule covering it wins. ``None`` when no rule covers it."""
    whens = [
        When(**{f"{path_field}__startswith": rule.path}, then=Value(rule.quotas[level]))
        for rule in rules
        if level in rule.quotas
    ]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def level_expression():
    return Case(
        *[When(**{SEAT_KIND: kind}, then=Value(level)) for level, kind in LEVEL_KINDS.items()],
        default=Value(""),
    )


def counted_attendances(period: Period, *, confirmed_only: bool = False) -> QuerySet:
    return Attendance.objects.counted(confirmed_only=confirmed_only).filter(
        date__gte=period.start, date__lte=period.end
    )


def leader_rows(
    user,
    period: Period,
    *,
    org=None,
    level: str | None = None,
    confirmed_only: bool = False,
    member_id: int | None = None,
) -> QuerySet:
    """One row per (member, level): ``member_id``, ``level``, ``quota``, ``attendances``,
    ``progress`` (≥ 0 when on track pro rata), ``seat_org_id``/``seat_org_path`` (the committee's
    organization), from seats the user may see.

    With ``member_id`` the rows are that member's own, whatever the user's scope ("Của tôi":
    the caller passes the signed-in user's own member).
    """
    rules = rules_for(org, period)
    levels = [level] if level else list(UPPER_LEVELS)
    base = (
        Seat.objects.filter(member_id=member_id)
        if member_id is not None
        else Seat.objects.visible_to(user, VIEW)
    )
    seats = (
        base.filter(start_on__lte=period.end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=period.start))
        .filter(**{f"{SEAT_KIND}__in": [LEVEL_KINDS[lvl] for lvl in levels]})
    )
    if org is not None:
        seats = seats.filter(**{f"{SEAT_PATH}__startswith": org.path})
    quota = Case(
        *[
            When(**{SEAT_KIND: LEVEL_KINDS[lvl]}, then=quota_expression(rules, lvl))
            for lvl in UPPER_LEVELS
        ],
        default=Value(None),
        output_field=IntegerField(),
    )
    count = (
        counted_attendances(period, confirmed_only=confirmed_only)
        .filter(member_id=OuterRef("member_id"))
        .order_by()
        .values("member_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        seats.annotate(level=level_expression())
        .order_by()
        .values("member_id", "level")
        .annotate(
            quota=Max(quota),
            seat_org_id=Min("committee__term__organization_id"),
            seat_org_path=Min(SEAT_PATH),
            attendances=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        )
        .annotate(
            progress=F("attendances") * Value(period.days) - F("quota") * Value(period.elapsed)
        )
    )


def status_q(status: str, period: Period) -> Q:
    """A filter on leader rows by compliance status."""
    if status == NO_QUOTA:
        return Q(quota__isnull=True)
    met = Q(quota__isnull=False, attendances__gte=F("quota"))
    if status == MET:
        return met
    on_track = Q(quota__isnull=False, progress__gte=0) & ~met
    if status == ON_TRACK:
        return on_track
    if status == BEHIND:
        behind = Q(quota__isnull=False) & ~met
        return behind & ~Q(progress__gte=0) if period.running else behind
    return Q()


def status_of(row: dict, period: Period) -> str:
    if row["quota"] is None:
        return NO_QUOTA
    if row["attendances"] >= row["quota"]:
        return MET
    if period.running and row["progress"] >= 0:
        return ON_TRACK
    return BEHIND


def compliance_summary(
    user, period: Period, *, org=None, confirmed_only: bool = False
) -> dict[str, dict]:
    """``{level: {"members", "met", "on_track", "behind", "no_quota", "quota"}}``, one query."""
    rows = leader_rows(user, period, org=org, confirmed_only=confirmed_only)
    aggregates = {}
    for lvl in UPPER_LEVELS:
        at = Q(level=lvl)
        aggregates[f"{lvl}__members"] = Count("member_id", filter=at)
        aggregates[f"{lvl}__quota"] = Max("quota", filter=at)
        for status in (MET, ON_TRACK, BEHIND, NO_QUOTA):
            if status == ON_TRACK and not period.running:
                continue
            aggregates[f"{lvl}__{status}"] = Count(
                "member_id", filter=at & status_q(status, period)
            )
    totals = rows.aggregate(**aggregates)
    if not period.running:
        totals.update({f"{lvl}__{ON_TRACK}": 0 for lvl in UPPER_LEVELS})
    summary: dict[str, dict] = {}
    for key, value in totals.items():
        lvl, name = key.split("__")
        summary.setdefault(lvl, {})[name] = value if value is not None or name == "quota" else 0
    return summary
