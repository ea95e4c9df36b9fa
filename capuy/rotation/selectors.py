"""Reads of the rotation planner for one user; every query starts from ``visible_to``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from capuy.core.scoping import VIEW

from .choices import PlanStatus
from .models import (
    RotationAssignment,
    RotationCell,
    RotationFeedToken,
    RotationLeader,
    RotationPlan,
    RotationUnavailability,
)


def plan_list(user):
    return (
        RotationPlan.objects.visible_to(user, VIEW)
        .select_related("organization")
        .annotate(
            leader_count=Count("leaders", distinct=True),
            cell_count=Count("cells", distinct=True),
        )
        .order_by("-period_start", "-id")
    )


def plan_get(user, pk: int, action: str = VIEW) -> RotationPlan:
    qs = RotationPlan.objects.visible_to(user, action).select_related(
        "organization", "committee__term", "created_by", "adopted_by"
    )
    return get_object_or_404(qs, pk=pk)


def _get(model, user, pk: int, action: str, *related):
    return get_object_or_404(
        model.objects.visible_to(user, action).select_related("plan__organization", *related),
        pk=pk,
    )


def leader_get(user, pk: int, action: str = VIEW) -> RotationLeader:
    return _get(RotationLeader, user, pk, action, "member", "seat")


def cell_get(user, pk: int, action: str = VIEW) -> RotationCell:
    return _get(RotationCell, user, pk, action, "cell")


def unavailability_get(user, pk: int, action: str = VIEW) -> RotationUnavailability:
    return _get(RotationUnavailability, user, pk, action, "leader__member")


def assignment_get(user, pk: int, action: str = VIEW) -> RotationAssignment:
    return _get(RotationAssignment, user, pk, action, "leader__member", "meeting__cell")


def token_get(user, pk: int, action: str = VIEW) -> RotationFeedToken:
    return get_object_or_404(
        RotationFeedToken.objects.visible_to(user, action).select_related("member"), pk=pk
    )


@dataclass
class LeaderLoad:
    leader: RotationLeader
    load: int
    target: int
    required: int
    pinned: int
    by_month: dict
    unavailable: list

    @property
    def behind(self) -> int:
        return max(0, self.required - self.load)


def leader_loads(plan: RotationPlan) -> list[LeaderLoad]:
    """Load per leader, highest first: attendances planned, the balanced target, the minimum
    owed (regulatory minimum + shortfall) and the month spread. Three queries."""
    fair = (plan.summary or {}).get("fair_share", plan.min_per_leader)
    counts = defaultdict(int)
    pinned = defaultdict(int)
    months: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for leader_id, day, is_pinned in RotationAssignment.objects.filter(plan=plan).values_list(
        "leader_id", "date", "pinned"
    ):
        counts[leader_id] += 1
        pinned[leader_id] += is_pinned
        months[leader_id][f"{day:%m/%Y}"] += 1
    away = defaultdict(list)
    for row in RotationUnavailability.objects.filter(plan=plan).order_by("start_on"):
        away[row.leader_id].append(row)
    rows = []
    for leader in plan.leaders.select_related("member", "seat__committee"):
        required = plan.min_per_leader + leader.shortfall
        rows.append(
            LeaderLoad(
                leader=leader,
                load=counts[leader.pk],
                target=max(fair, required),
                required=required,
                pinned=pinned[leader.pk],
                by_month=dict(months[leader.pk]),
                unavailable=away[leader.pk],
            )
        )
    rows.sort(key=lambda r: (-r.load, r.leader.member.sort_key, r.leader.pk))
    return rows


def plan_assignments(plan: RotationPlan, *, leader: int | None = None, q: str = ""):
    qs = plan.assignments.select_related("leader__member", "cell__cell", "meeting").order_by(
        "date", "cell__cell__path", "id"
    )
    if leader:
        qs = qs.filter(leader_id=leader)
    if q:
        qs = qs.filter(Q(cell__cell__name__icontains=q) | Q(leader__member__full_name__icontains=q))
    return qs


def plan_cells(plan: RotationPlan):
    return (
        plan.cells.select_related("cell")
        .annotate(visits=Count("assignments"))
        .order_by("-priority", "-weight", "cell__path")
    )


def cell_coverage(plan: RotationPlan) -> dict:
    cells = plan_cells(plan)
    priority = [c for c in cells if c.priority]
    return {
        "priority": len(priority),
        "priority_covered": sum(1 for c in priority if c.visits),
        "cells": len(cells),
        "covered": sum(1 for c in cells if c.visits),
    }


def feed_assignments(token: RotationFeedToken):
    """What a calendar link shows: the member's assignments in adopted plans of the issuing
    organization's subtree."""
    return (
        RotationAssignment.objects.filter(
            leader__member=token.member,
            plan__status=PlanStatus.ADOPTED,
            plan__organization__path__startswith=token.organization.path,
        )
        .select_related("plan", "cell__cell", "meeting", "leader__member")
        .order_by("date", "id")
    )


def active_tokens(plan: RotationPlan) -> dict[int, RotationFeedToken]:
    tokens = RotationFeedToken.objects.filter(
        organization=plan.organization,
        member_id__in=plan.leaders.values("member_id"),
        revoked_at__isnull=True,
    )
    return {t.member_id: t for t in tokens}
