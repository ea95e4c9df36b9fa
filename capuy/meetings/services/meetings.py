"""Meetings: add one, mark it held (never in the future), cancel it, and record it on one
screen with its attendees and concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from capuy.core.services import require
from capuy.core.vntext import format_date

from .. import access
from ..choices import AttendanceRole, AttendanceStatus, MeetingKind, MeetingStatus
from ..models import CellMeeting
from .attendance import attendance_record
from .common import ensure_cell, lock_meeting, not_in_future


@transaction.atomic
def meeting_create(
    *,
    acting_user,
    cell,
    date: date,
    kind: str = MeetingKind.THUONG_KY,
    place: str = "",
    topics: str = "",
) -> CellMeeting:
    """Add one meeting (e.g. a thematic one) outside the schedule."""
    access.ensure_may_run_cell(acting_user, cell)
    ensure_cell(cell)
    require(
        cell.is_valid_on(date),
        "date",
        _("Chi bộ không hoạt động vào ngày %(d)s.") % {"d": format_date(date)},
    )
    meeting = CellMeeting(cell=cell, date=date, kind=kind, place=place.strip(), topics=topics)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_record_held(
    *,
    acting_user,
    meeting: CellMeeting,
    date: date | None = None,
    place: str | None = None,
    topics: str | None = None,
) -> CellMeeting:
    """Ghi nhận đã họp: the meeting took place (on ``date``, by default its planned date).

    A date in the future is refused; the date cannot move once attendances or concerns are
    attached (they carry it).
    """
    access.ensure_may_run_cell(acting_user, meeting.cell)
    locked = lock_meeting(meeting)
    day = date or locked.date
    not_in_future(day, "date")
    if day != locked.date:
        moved_rows = locked.attendances.exists() or locked.concerns.exists()
        require(
            not moved_rows,
            "date",
            _("Buổi sinh hoạt đã có lượt dự hoặc kiến nghị nên không đổi ngày được."),
        )
        require(
            locked.cell.is_valid_on(day),
            "date",
            _("Chi bộ không hoạt động vào ngày %(d)s.") % {"d": format_date(day)},
        )
        locked.date = day
    if place is not None:
        locked.place = place.strip()
    if topics is not None:
        locked.topics = topics
    locked.status = MeetingStatus.HELD
    locked.recorded_by = acting_user
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def meeting_cancel(*, acting_user, meeting: CellMeeting) -> CellMeeting:
    """Hoãn/hủy: only a meeting nobody has been recorded at."""
    access.ensure_may_run_cell(acting_user, meeting.cell)
    locked = lock_meeting(meeting)
    require(
        not locked.attendances.filter(status=AttendanceStatus.RECORDED).exists(),
        "status",
        _("Buổi sinh hoạt đã có lượt dự nên không hủy được."),
    )
    locked.status = MeetingStatus.CANCELLED
    locked.full_clean()
    locked.save()
    return locked


# --- the one-screen record of a meeting -----------------------------------------------------


@dataclass(eq=False)
class MeetingRecordError(Exception):
    """Problems found while recording a meeting on one screen, by part of the screen.

    ``meeting`` holds the meeting's own errors; ``attendees`` and ``concerns`` map the index of
    the row on the screen to its ValidationError. Nothing was saved.
    """

    meeting: ValidationError | None = None
    attendees: dict[int, ValidationError] = field(default_factory=dict)
    concerns: dict[int, ValidationError] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.meeting or self.attendees or self.concerns)


@transaction.atomic
def meeting_record(
    *,
    acting_user,
    meeting: CellMeeting,
    date: date | None = None,
    place: str | None = None,
    topics: str | None = None,
    attendees: list[dict] = (),
    concerns: list[dict] = (),
) -> dict:
    """Mark the meeting held, record its upper-level attendees and the concerns raised there,
    all or nothing (the phone screen of journey 1).

    ``attendees``: ``[{"index", "member", "role", "notes"}]``; ``concerns``: ``[{"index",
    "category", "summary", "received_by", "status", "answer", "agency", "due_on"}]`` as
    ``concern_raise`` takes them. Every row is tried so that all problems are reported at once;
    if any fails, :class:`MeetingRecordError` is raised and the transaction rolls back.
    """
    from capuy.concerns.services import concern_raise

    errors = MeetingRecordError()
    try:
        meeting = meeting_record_held(
            acting_user=acting_user, meeting=meeting, date=date, place=place, topics=topics
        )
    except ValidationError as error:
        errors.meeting = error
        raise errors from None

    recorded = []
    for row in attendees:
        try:
            recorded.append(
                attendance_record(
                    acting_user=acting_user,
                    meeting=meeting,
                    member=row["member"],
                    role=row.get("role") or AttendanceRole.DU,
                    notes=row.get("notes", ""),
                )
            )
        except ValidationError as error:
            errors.attendees[row["index"]] = error
    attendee_members = [a.member for a in recorded]
    raised = []
    for row in concerns:
        values = {k: v for k, v in row.items() if k != "index"}
        if values.get("received_by") is None and len(attendee_members) == 1:
            values["received_by"] = attendee_members[0]
        try:
            raised.append(concern_raise(acting_user=acting_user, meeting=meeting, **values))
        except ValidationError as error:
            errors.concerns[row["index"]] = error
    if errors:
        raise errors  # leaving the atomic block with an exception rolls everything back
    return {"meeting": meeting, "attendances": recorded, "concerns": raised}
