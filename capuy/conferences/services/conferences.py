"""Writes on a conference: creating and editing it (numbering checked), its attendance and its
invited guests."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from capuy.committees.models import Committee, Seat
from capuy.committees.selectors import seats_in_role_order
from capuy.core.scoping import CHANGE, ensure_in_scope
from capuy.core.services import apply_changes, require
from capuy.core.vntext import format_date

from ..choices import AttendanceStatus, ConferenceKind
from ..models import Conference, ConferenceAttendance, ConferenceGuest

EDITABLE = (
    "number",
    "kind",
    "date",
    "session",
    "place",
    "number_gap_reason",
    "minutes_taker",
    "notice_number",
    "conclusion",
    "quorum_numerator",
    "quorum_denominator",
)


def _numbers_text(first: int, last: int) -> str:
    if first == last:
        return _("số %(n)s") % {"n": first}
    return _("các số %(first)s–%(last)s") % {"first": first, "last": last}


def _check_numbering(conference: Conference) -> None:
    """No duplicate number; no gap after the highest number without a reason; numbers follow
    the dates."""
    siblings = Conference.objects.filter(committee=conference.committee).exclude(pk=conference.pk)
    same = siblings.filter(number=conference.number).first()
    if same is not None:
        raise ValidationError(
            {
                "number": _(
                    "%(committee)s đã có hội nghị lần thứ %(number)s (ngày %(date)s): mỗi số thứ "
                    "tự chỉ dùng một lần trong nhiệm kỳ."
                )
                % {
                    "committee": conference.committee.get_kind_display(),
                    "number": same.number,
                    "date": format_date(same.date),
                }
            }
        )
    highest = max(siblings.values_list("number", flat=True), default=0)
    if conference.number > highest + 1 and not conference.number_gap_reason.strip():
        if highest:
            opening = _("Hội nghị gần nhất của cấp ủy này là lần thứ %(last)s") % {"last": highest}
        else:
            opening = _("Cấp ủy này chưa có hội nghị nào")
        raise ValidationError(
            {
                "number": _(
                    "%(opening)s: lần thứ %(number)s bỏ qua %(missing)s. Nếu đúng như vậy, hãy "
                    "ghi lý do ở ô «Lý do số thứ tự không liền mạch»."
                )
                % {
                    "opening": opening,
                    "number": conference.number,
                    "missing": _numbers_text(highest + 1, conference.number - 1),
                }
            }
        )
    for other in (
        siblings.filter(number__lt=conference.number, date__gt=conference.date).first(),
        siblings.filter(number__gt=conference.number, date__lt=conference.date).first(),
    ):
        if other is not None:
            raise ValidationError(
                {
                    "date": _(
                        "Hội nghị lần thứ %(number)s họp ngày %(date)s: số thứ tự phải tăng theo "
                        "ngày họp."
                    )
                    % {"number": other.number, "date": format_date(other.date)}
                }
            )


def _check_in_term(conference: Conference) -> None:
    term = conference.committee.term
    inside = term.start_on <= conference.date and (
        term.end_on is None or conference.date <= term.end_on
    )
    require(
        inside,
        "date",
        _("Ngày họp phải trong nhiệm kỳ %(term)s.") % {"term": term},
    )


def holder_seats(committee: Committee, day: date) -> dict[int, Seat]:
    """member id → the highest seat that member held on the committee on ``day``."""
    seats = seats_in_role_order(Seat.objects.filter(committee=committee).held_on(day))
    holders: dict[int, Seat] = {}
    for seat in seats.select_related("member"):
        holders.setdefault(seat.member_id, seat)
    return holders


def _check_chairs(conference: Conference, chairs) -> None:
    holders = holder_seats(conference.committee, conference.date)
    strangers = [m for m in chairs if m.pk not in holders]
    if strangers:
        raise ValidationError(
            {
                "chairs": _(
                    "Đồng chí %(names)s không giữ chức vụ trong cấp ủy này ngày %(date)s nên "
                    "không chủ trì được."
                )
                % {
                    "names": ", ".join(m.full_name for m in strangers),
                    "date": format_date(conference.date),
                }
            }
        )


def _validate(conference: Conference, chairs) -> None:
    _check_in_term(conference)
    _check_numbering(conference)
    conference.full_clean()
    if chairs is not None:
        _check_chairs(conference, chairs)


@transaction.atomic
def conference_create(
    *,
    acting_user,
    committee: Committee,
    number: int,
    date: date,
    session: str,
    place: str,
    kind: str = ConferenceKind.THUONG_KY,
    chairs=(),
    number_gap_reason: str = "",
    minutes_taker: str = "",
    notice_number: str = "",
    conclusion: str = "",
    quorum_numerator: int = 2,
    quorum_denominator: int = 3,
) -> Conference:
    """Triệu tập hội nghị: the committee's seat holders that day are listed for attendance."""
    ensure_in_scope(acting_user, committee, CHANGE)
    # One numbering at a time per committee, so two offices cannot take the same number.
    committee = Committee.objects.select_for_update().select_related("term").get(pk=committee.pk)
    conference = Conference(
        committee=committee,
        number=number,
        kind=kind,
        date=date,
        session=session,
        place=(place or "").strip(),
        number_gap_reason=(number_gap_reason or "").strip(),
        minutes_taker=(minutes_taker or "").strip(),
        notice_number=(notice_number or "").strip(),
        conclusion=conclusion or "",
        quorum_numerator=quorum_numerator,
        quorum_denominator=quorum_denominator,
    )
    chairs = list(chairs or [])
    _validate(conference, chairs)
    conference.save()
    conference.chairs.set(chairs)
    _sync(conference)
    ensure_in_scope(acting_user, conference, CHANGE)
    return conference


@transaction.atomic
def conference_update(*, acting_user, conference: Conference, chairs=None, **changes) -> Conference:
    """Edit a conference; a new date re-lists the seat holders of that date."""
    ensure_in_scope(acting_user, conference, CHANGE)
    Committee.objects.select_for_update().filter(pk=conference.committee_id).first()
    locked = (
        Conference.objects.select_for_update()
        .select_related("committee__term")
        .get(pk=conference.pk)
    )
    for text_field in ("place", "number_gap_reason", "minutes_taker", "notice_number"):
        if isinstance(changes.get(text_field), str):
            changes[text_field] = changes[text_field].strip()
    old_date = locked.date
    changed = apply_changes(locked, changes, EDITABLE)
    chairs = list(chairs) if chairs is not None else None
    if changed or chairs is not None:
        _validate(locked, chairs if chairs is not None else list(locked.chairs.all()))
        locked.save()
        if chairs is not None:
            locked.chairs.set(chairs)
    if locked.date != old_date:
        _sync(locked)
    return locked


# --- attendance ------------------------------------------------------------------------------


def _sync(conference: Conference) -> dict[str, int]:
    holders = holder_seats(conference.committee, conference.date)
    existing = {row.member_id: row for row in conference.attendances.all()}
    added = [
        ConferenceAttendance(conference=conference, member_id=member_id, seat=seat)
        for member_id, seat in holders.items()
        if member_id not in existing
    ]
    bulk_create_with_history(added, ConferenceAttendance)
    for member_id, row in existing.items():
        seat = holders.get(member_id)
        if seat is not None and row.seat_id != seat.pk:
            row.seat = seat
            row.save(update_fields=["seat"])
    gone = [row for member_id, row in existing.items() if member_id not in holders]
    for row in gone:
        row.delete()
    return {"added": len(added), "removed": len(gone)}


@transaction.atomic
def attendance_sync(*, acting_user, conference: Conference) -> dict[str, int]:
    """List every seat holder of the conference date; drop those who held no seat that day."""
    ensure_in_scope(acting_user, conference, CHANGE)
    return _sync(conference)


def _check_mark(status: str, reason: str, field: str = "reason") -> None:
    require(
        status in AttendanceStatus.values,
        field.replace("reason", "status"),
        _("Hãy chọn một tình trạng điểm danh."),
    )
    require(
        status != AttendanceStatus.VANG_CO_LY_DO or bool(reason.strip()),
        field,
        _("Vắng có lý do: hãy ghi lý do vắng."),
    )


@transaction.atomic
def attendance_record(
    *, acting_user, conference: Conference, member, status: str, reason: str = ""
) -> ConferenceAttendance:
    """Điểm danh one member; only someone who held a seat on the committee that day."""
    ensure_in_scope(acting_user, conference, CHANGE)
    seat = holder_seats(conference.committee, conference.date).get(member.pk)
    require(
        seat is not None,
        "member",
        _(
            "Đồng chí %(name)s không giữ chức vụ nào trong %(committee)s ngày %(date)s: không "
            "điểm danh được. Khách mời thì ghi ở phần khách mời."
        )
        % {
            "name": member.full_name,
            "committee": conference.committee.get_kind_display(),
            "date": format_date(conference.date),
        },
    )
    reason = (reason or "").strip()
    _check_mark(status, reason)
    row = ConferenceAttendance.objects.filter(conference=conference, member=member).first()
    if row is None:
        row = ConferenceAttendance(conference=conference, member=member)
    row.seat, row.status, row.reason = seat, status, reason
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def attendance_update(
    *, acting_user, attendance: ConferenceAttendance, status: str | None = None, reason=None
) -> ConferenceAttendance:
    ensure_in_scope(acting_user, attendance, CHANGE)
    row = ConferenceAttendance.objects.select_for_update().get(pk=attendance.pk)
    row.status = row.status if status is None else status
    row.reason = row.reason if reason is None else reason.strip()
    _check_mark(row.status, row.reason)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def attendance_record_many(
    *, acting_user, conference: Conference, marks: dict[int, tuple[str, str]]
) -> int:
    """Save the attendance sheet: ``{attendance id: (status, reason)}``; all or nothing.

    Errors are keyed ``status-<id>`` / ``reason-<id>`` so the sheet can show them on the row.
    """
    ensure_in_scope(acting_user, conference, CHANGE)
    rows = {row.pk: row for row in conference.attendances.select_for_update()}
    errors: dict[str, list] = {}
    changed = []
    for pk, (status, reason) in marks.items():
        row = rows.get(pk)
        if row is None:
            continue
        reason = (reason or "").strip()
        try:
            _check_mark(status, reason, f"reason-{pk}")
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        if (row.status, row.reason) != (status, reason):
            row.status, row.reason = status, reason
            changed.append(row)
    if errors:
        raise ValidationError(errors)
    for row in changed:
        row.full_clean()
        row.save(update_fields=["status", "reason"])
    return len(changed)


# --- guests ----------------------------------------------------------------------------------


@transaction.atomic
def guest_add(
    *, acting_user, conference: Conference, name: str, title: str = ""
) -> ConferenceGuest:
    """Khách mời: a name and a title only."""
    ensure_in_scope(acting_user, conference, CHANGE)
    name = " ".join((name or "").split())
    require(bool(name), "name", _("Hãy nhập họ và tên khách mời."))
    order = conference.guests.count() + 1
    guest = ConferenceGuest(
        conference=conference, name=name, title=" ".join((title or "").split()), order=order
    )
    guest.full_clean()
    guest.save()
    return guest


@transaction.atomic
def guest_remove(*, acting_user, guest: ConferenceGuest) -> None:
    ensure_in_scope(acting_user, guest, CHANGE)
    guest.delete()
