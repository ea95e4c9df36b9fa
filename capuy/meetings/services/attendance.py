"""Attendances (the seat held on the meeting date; who records, who confirms) and field visits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capuy.core.services import require

from .. import access
from ..choices import AttendanceRole, AttendanceStatus, Confirmation, EnteredBy, MeetingStatus
from ..models import Attendance, CellMeeting, FieldVisit
from ..seats import member_cell_on, pick_seat
from ..selectors import rule_in_force
from .common import lock_meeting, not_in_future


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
    if entered_via == EnteredBy.MEMBER and getattr(acting_user, "member_id", None) == member.pk:
        return EnteredBy.MEMBER  # an office user recording himself still waits for the cell
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
    meeting = lock_meeting(meeting)
    capacity = _capacity(acting_user, meeting, member, entered_via)
    require(
        meeting.status != MeetingStatus.CANCELLED,
        "meeting",
        _("Buổi sinh hoạt này đã bị hoãn/hủy."),
    )
    not_in_future(meeting.date, "meeting")
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
    not_in_future(date, "date")
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
