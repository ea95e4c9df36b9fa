"""Recurring monthly schedules and the meetings they generate."""

from __future__ import annotations

import calendar
from datetime import date

from django.db import transaction

from capuy.core.services import apply_changes

from .. import access
from ..choices import MeetingKind
from ..models import CellMeeting, MeetingSchedule
from .common import ensure_cell


@transaction.atomic
def schedule_create(
    *,
    acting_user,
    cell,
    day_of_month: int,
    starts_on: date,
    kind: str = MeetingKind.THUONG_KY,
    every_months: int = 1,
    ends_on: date | None = None,
    place: str = "",
) -> MeetingSchedule:
    """Lịch sinh hoạt định kỳ: e.g. thường kỳ on the 5th of every month from ``starts_on``."""
    access.ensure_may_run_cell(acting_user, cell)
    ensure_cell(cell)
    schedule = MeetingSchedule(
        cell=cell,
        kind=kind,
        day_of_month=day_of_month,
        every_months=every_months,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip(),
    )
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def schedule_update(*, acting_user, schedule: MeetingSchedule, **changes) -> MeetingSchedule:
    access.ensure_may_run_cell(acting_user, schedule.cell)
    locked = MeetingSchedule.objects.select_for_update().get(pk=schedule.pk)
    allowed = ("kind", "day_of_month", "every_months", "starts_on", "ends_on", "place")
    if apply_changes(locked, changes, allowed):
        locked.full_clean()
        locked.save()
    return locked


@transaction.atomic
def schedule_delete(*, acting_user, schedule: MeetingSchedule) -> None:
    """Remove a schedule; its meetings stay (they lose the link)."""
    access.ensure_may_run_cell(acting_user, schedule.cell)
    schedule.delete()


def schedule_dates(schedule: MeetingSchedule, until: date) -> list[date]:
    """The dates the schedule calls for from its start to ``until`` (or its end)."""
    last = min(until, schedule.ends_on) if schedule.ends_on else until
    year, month = schedule.starts_on.year, schedule.starts_on.month
    dates = []
    while date(year, month, 1) <= last:
        day = min(schedule.day_of_month, calendar.monthrange(year, month)[1])
        when = date(year, month, day)
        if schedule.starts_on <= when <= last:
            dates.append(when)
        month += schedule.every_months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dates


@transaction.atomic
def meetings_generate(schedule: MeetingSchedule, until: date, *, acting_user=None) -> int:
    """Create the schedule's meetings up to ``until``; return how many were created.

    Idempotent: a month in which the cell already has a meeting of the schedule's kind (on any
    day — the secretary may have moved it) gets none. Dates after the cell was dissolved are
    skipped. Without ``acting_user`` it runs as the system (the management command).
    """
    if acting_user is not None:
        access.ensure_may_run_cell(acting_user, schedule.cell)
    cell = schedule.cell
    dates = [
        d
        for d in schedule_dates(schedule, until)
        if cell.dissolved_on is None or d <= cell.dissolved_on
    ]
    if not dates:
        return 0
    existing = {
        (d.year, d.month)
        for d in CellMeeting.objects.filter(
            cell=cell, kind=schedule.kind, date__gte=dates[0], date__lte=dates[-1]
        ).values_list("date", flat=True)
    }
    created = 0
    for day in dates:
        if (day.year, day.month) in existing:
            continue
        meeting = CellMeeting(
            cell=cell, date=day, kind=schedule.kind, place=schedule.place, schedule=schedule
        )
        meeting.full_clean()
        meeting.save()
        created += 1
    return created
