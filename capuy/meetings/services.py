"""Writes: the attendance regulation, schedules, meetings, attendances and field visits.

Every function takes ``acting_user``, runs in one transaction, calls ``full_clean()`` and raises
``ValidationError`` with Vietnamese messages naming the field. Who may write is decided by
capuy.core.scoping (office and staff) and by capuy.meetings.access (the cell secretary and the
committee member himself), inside the transaction.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.core.vntext import format_date
from capuy.organizations.choices import CELL_KINDS, SeatLevel

from . import access
from .choices import (
    AttendanceRole,
    AttendanceStatus,
    Confirmation,
    EnteredBy,
    MeetingKind,
    MeetingStatus,
)
from .models import (
    Attendance,
    AttendanceQuota,
    AttendanceRule,
    CellMeeting,
    FieldVisit,
    MeetingSchedule,
)
from .seats import member_cell_on, pick_seat
from .selectors import rule_in_force

# The Kon Tum pattern (QĐ 776-QĐ/TU, domain.md §6): attendances a year per seat level.
DEFAULT_QUOTAS: dict[str, int] = {SeatLevel.TINH: 2, SeatLevel.HUYEN: 6, SeatLevel.XA: 6}


def _today() -> date:
    return timezone.localdate()


def _not_in_future(day: date, field_name: str = "date") -> None:
    require(
        day <= _today(),
        field_name,
        _("Ngày %(day)s chưa tới: không thể ghi nhận việc chưa diễn ra.")
        % {"day": format_date(day)},
    )


# --- the regulation ----------------------------------------------------------------------------


def _set_quotas(rule: AttendanceRule, quotas: dict) -> None:
    """``{level: min_attendances}`` or ``{level: (min_attendances, min_field_days)}``."""
    for level, value in quotas.items():
        require(level in SeatLevel.values, "quotas", _("Cấp không hợp lệ: %(l)s.") % {"l": level})
        minimum, days = value if isinstance(value, tuple | list) else (value, 0)
        if minimum is None:
            AttendanceQuota.objects.filter(rule=rule, level=level).delete()
            continue
        quota = AttendanceQuota.objects.filter(rule=rule, level=level).first() or AttendanceQuota(
            rule=rule, level=level
        )
        quota.min_attendances, quota.min_field_days = minimum, days or 0
        quota.full_clean()
        quota.save()


def _check_no_overlap(rule: AttendanceRule) -> None:
    others = AttendanceRule.objects.filter(organization=rule.organization).exclude(pk=rule.pk)
    if rule.effective_to:
        others = others.filter(effective_from__lte=rule.effective_to)
    others = others.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=rule.effective_from))
    clash = others.first()
    require(
        clash is None,
        "effective_from",
        _("Thời gian hiệu lực trùng với quy định %(n)s của cùng tổ chức.")
        % {"n": clash.number if clash else ""},
    )


@transaction.atomic
def attendance_rule_create(
    *,
    acting_user,
    organization,
    number: str,
    title: str,
    issued_on: date,
    issuing_body: str,
    effective_from: date,
    effective_to: date | None = None,
    must_attend_outside_own_cell: bool = True,
    quotas: dict | None = None,
) -> AttendanceRule:
    """Ban hành a regulation with its quotas (the Kon Tum 2/6/6 pattern unless given)."""
    ensure_in_scope(acting_user, organization, CHANGE)
    rule = AttendanceRule(
        organization=organization,
        number=number.strip(),
        title=title.strip(),
        issued_on=issued_on,
        issuing_body=issuing_body.strip(),
        effective_from=effective_from,
        effective_to=effective_to,
        must_attend_outside_own_cell=must_attend_outside_own_cell,
    )
    rule.full_clean()
    _check_no_overlap(rule)
    rule.save()
    _set_quotas(rule, DEFAULT_QUOTAS if quotas is None else quotas)
    return rule


@transaction.atomic
def attendance_rule_update(
    *, acting_user, rule: AttendanceRule, quotas: dict | None = None, **changes
) -> AttendanceRule:
    ensure_in_scope(acting_user, rule, CHANGE)
    locked = AttendanceRule.objects.select_for_update().get(pk=rule.pk)
    fields = (
        "number",
        "title",
        "issued_on",
        "issuing_body",
        "effective_from",
        "effective_to",
        "must_attend_outside_own_cell",
    )
    if apply_changes(locked, changes, fields):
        locked.full_clean()
        _check_no_overlap(locked)
        locked.save()
    if quotas is not None:
        _set_quotas(locked, quotas)
    return locked


@transaction.atomic
def attendance_rule_delete(*, acting_user, rule: AttendanceRule) -> None:
    ensure_in_scope(acting_user, rule, CHANGE)
    rule.delete()


# --- schedules ---------------------------------------------------------------------------------


def _ensure_cell(cell) -> None:
    require(cell.kind in CELL_KINDS, "cell", _("%(o)s không phải là chi bộ.") % {"o": cell.name})


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
    _ensure_cell(cell)
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
        d for d in schedule_dates(schedule, until) if cell.dissolved_on is None or d <= cell.dissolved_on
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


# --- meetings ----------------------------------------------------------------------------------


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
    _ensure_cell(cell)
    require(
        cell.is_valid_on(date),
        "date",
        _("Chi bộ không hoạt động vào ngày %(d)s.") % {"d": format_date(date)},
    )
    meeting = CellMeeting(cell=cell, date=date, kind=kind, place=place.strip(), topics=topics)
    meeting.full_clean()
    meeting.save()
    return meeting


def _lock_meeting(meeting: CellMeeting) -> CellMeeting:
    return CellMeeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)


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
    locked = _lock_meeting(meeting)
    day = date or locked.date
    _not_in_future(day, "date")
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
    locked = _lock_meeting(meeting)
    require(
        not locked.attendances.filter(status=AttendanceStatus.RECORDED).exists(),
        "status",
        _("Buổi sinh hoạt đã có lượt dự nên không hủy được."),
    )
    locked.status = MeetingStatus.CANCELLED
    locked.full_clean()
    locked.save()
    return locked


# --- attendances -------------------------------------------------------------------------------


def _capacity(acting_user, meeting: CellMeeting, member, entered_via: str | None) -> str:
    capacity = access.recording_capacity(acting_user, meeting.cell, member)
    if capacity is None:
        raise PermissionDenied(
            _(
                "Bạn không ghi được lượt dự này: chỉ văn phòng cấp ủy, bí thư chi bộ hoặc chính "
                "cấp ủy viên đã dự mới ghi được."
            )
        )
    if entered_via in (None, "", capacity):
        return capacity
    if entered_via == EnteredBy.IMPORT and capacity in (EnteredBy.SECRETARY, EnteredBy.OFFICE):
        return capacity
    if entered_via == EnteredBy.OFFICE and capacity == EnteredBy.SECRETARY:
        return capacity
    raise PermissionDenied(_("Bạn không ghi được lượt dự với tư cách này."))


def _check_own_cell(meeting: CellMeeting, member) -> None:
    rule = rule_in_force(meeting.cell, meeting.date)
    if rule is None or not rule.must_attend_outside_own_cell:
        return
    require(
        member_cell_on(member, meeting.date) != meeting.cell_id,
        "member",
        _(
            "Theo %(rule)s, cấp ủy viên dự sinh hoạt ở chi bộ khác chi bộ mình: đồng chí "
            "%(name)s đang sinh hoạt tại chính %(cell)s."
        )
        % {"rule": rule.number, "name": member.full_name, "cell": meeting.cell.name},
    )


@transaction.atomic
def attendance_record(
    *,
    acting_user,
    meeting: CellMeeting,
    member,
    role: str = AttendanceRole.DU,
    notes: str = "",
    entered_via: str | None = None,
    seat=None,
) -> Attendance:
    """Ghi một lượt dự: ``member`` attended ``meeting`` under the seat held that day.

    The seat (and so the level) is the one held on the meeting date on a committee above the
    cell, the highest level if several, unless ``seat`` is given. One row per member per
    meeting. The cell secretary's entry is confirmed at once; anyone else's waits for her.
    A planned attendance (from an adopted rotation plan) becomes the recorded one.
    """
    meeting = _lock_meeting(meeting)
    capacity = _capacity(acting_user, meeting, member, entered_via)
    require(
        meeting.status != MeetingStatus.CANCELLED,
        "meeting",
        _("Buổi sinh hoạt này đã bị hoãn/hủy."),
    )
    _not_in_future(meeting.date, "meeting")
    chosen = pick_seat(member=member, organization=meeting.cell, day=meeting.date, seat=seat)
    _check_own_cell(meeting, member)

    existing = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    if existing is not None and existing.status != AttendanceStatus.PLANNED:
        raise ValidationError(
            {
                "member": _("Đồng chí %(name)s đã được ghi dự buổi sinh hoạt này.")
                % {"name": member.full_name}
            }
        )
    attendance = existing or Attendance(meeting=meeting, member=member)
    attendance.seat = chosen
    attendance.level = chosen.level
    attendance.date = meeting.date
    attendance.cell_path = meeting.cell.path
    attendance.role = role or AttendanceRole.DU
    attendance.notes = notes.strip()
    attendance.status = AttendanceStatus.RECORDED
    attendance.entered_via = entered_via or capacity
    attendance.entered_by = acting_user
    if capacity == EnteredBy.SECRETARY:
        attendance.confirmation = Confirmation.CONFIRMED
        attendance.confirmed_by, attendance.confirmed_at = acting_user, timezone.now()
    else:
        attendance.confirmation = Confirmation.PENDING
        attendance.confirmed_by, attendance.confirmed_at = None, None
    attendance.dispute_reason = ""
    # The one-per-meeting constraint was checked above with the member's name in the message.
    attendance.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        # Two people recorded the same member at the same moment: the constraint decides.
        raise ValidationError(
            {
                "member": _("Đồng chí %(name)s đã được ghi dự buổi sinh hoạt này.")
                % {"name": member.full_name}
            }
        ) from None
    return attendance


def _lock_attendance(attendance: Attendance) -> Attendance:
    return (
        Attendance.objects.select_for_update()
        .select_related("meeting__cell", "member")
        .get(pk=attendance.pk)
    )


def _ensure_confirmer(acting_user, attendance: Attendance) -> None:
    if not access.may_confirm(acting_user, attendance.meeting.cell):
        raise PermissionDenied(_("Chỉ bí thư chi bộ nơi diễn ra buổi sinh hoạt mới xác nhận được."))
    require(
        attendance.status == AttendanceStatus.RECORDED,
        "confirmation",
        _("Lượt dự theo kế hoạch chưa diễn ra nên chưa xác nhận được."),
    )


@transaction.atomic
def attendance_confirm(*, acting_user, attendance: Attendance) -> Attendance:
    """The cell secretary confirms that the member did attend."""
    locked = _lock_attendance(attendance)
    _ensure_confirmer(acting_user, locked)
    locked.confirmation = Confirmation.CONFIRMED
    locked.confirmed_by, locked.confirmed_at = acting_user, timezone.now()
    locked.dispute_reason = ""
    locked.full_clean(validate_constraints=False)
    locked.save()
    return locked


@transaction.atomic
def attendance_dispute(*, acting_user, attendance: Attendance, reason: str) -> Attendance:
    """The cell secretary says the record is wrong, and why."""
    locked = _lock_attendance(attendance)
    _ensure_confirmer(acting_user, locked)
    reason = " ".join((reason or "").split())
    require(bool(reason), "reason", _("Hãy nêu lý do không xác nhận."))
    locked.confirmation = Confirmation.DISPUTED
    locked.confirmed_by, locked.confirmed_at = acting_user, timezone.now()
    locked.dispute_reason = reason[:500]
    locked.full_clean(validate_constraints=False)
    locked.save()
    return locked


@transaction.atomic
def attendance_delete(*, acting_user, attendance: Attendance) -> None:
    """Remove a wrong entry: office or the cell secretary; the member only his own pending one."""
    locked = _lock_attendance(attendance)
    capacity = access.recording_capacity(acting_user, locked.meeting.cell, locked.member)
    if capacity is None or (
        capacity == EnteredBy.MEMBER and locked.confirmation != Confirmation.PENDING
    ):
        raise PermissionDenied(_("Bạn không xóa được lượt dự này."))
    locked.delete()


# --- field visits ------------------------------------------------------------------------------


@transaction.atomic
def field_visit_record(
    *,
    acting_user,
    member,
    organization,
    date: date,
    purpose: str,
    days=1,
    seat=None,
) -> FieldVisit:
    """Đi công tác cơ sở: ``member`` visited ``organization`` on ``date``, under the seat held
    that day on a committee at or above it (the highest level if several)."""
    if access.recording_capacity(acting_user, organization, member) is None:
        raise PermissionDenied(
            _("Chỉ văn phòng cấp ủy hoặc chính cấp ủy viên mới ghi được chuyến công tác này.")
        )
    _not_in_future(date, "date")
    chosen = pick_seat(
        member=member, organization=organization, day=date, seat=seat, strictly_above=False
    )
    visit = FieldVisit(
        member=member,
        seat=chosen,
        level=chosen.level,
        organization=organization,
        org_path=organization.path,
        date=date,
        days=days,
        purpose=" ".join(purpose.split()),
        entered_by=acting_user,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def field_visit_delete(*, acting_user, visit: FieldVisit) -> None:
    if access.recording_capacity(acting_user, visit.organization, visit.member) is None:
        raise PermissionDenied(_("Bạn không xóa được chuyến công tác này."))
    visit.delete()


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
