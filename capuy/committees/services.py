"""Write operations on terms, committees and seats."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from capuy.core.scoping import CHANGE, VIEW, ensure_in_scope
from capuy.core.services import apply_changes, require

from .models import Committee, Seat, Term


@transaction.atomic
def term_create(
    *, acting_user, organization, name: str, start_on: date, end_on: date | None = None
) -> Term:
    ensure_in_scope(acting_user, organization, CHANGE)
    term = Term(organization=organization, name=name.strip(), start_on=start_on, end_on=end_on)
    term.full_clean()
    term._history_user = acting_user  # the audit trail names who did it
    term.save()
    return term


@transaction.atomic
def committee_create(*, acting_user, term: Term, kind: str) -> Committee:
    ensure_in_scope(acting_user, term, CHANGE)
    committee = Committee(term=term, kind=kind)
    committee.full_clean()
    committee._history_user = acting_user  # the audit trail names who did it
    committee.save()
    return committee


def _check_seat(seat: Seat) -> None:
    term = seat.committee.term
    require(seat.start_on >= term.start_on, "start_on", _("Ngày bắt đầu phải trong nhiệm kỳ."))
    if term.end_on:
        require(seat.start_on <= term.end_on, "start_on", _("Ngày bắt đầu phải trong nhiệm kỳ."))
    overlapping = Seat.objects.filter(
        committee=seat.committee, member=seat.member, role=seat.role
    ).exclude(pk=seat.pk)
    if seat.end_on:
        overlapping = overlapping.filter(start_on__lte=seat.end_on)
    overlapping = overlapping.filter(Q(end_on__isnull=True) | Q(end_on__gte=seat.start_on))
    require(
        not overlapping.exists(),
        "start_on",
        _("Đảng viên đã giữ chức vụ này trong cấp ủy này ở khoảng thời gian trùng lặp."),
    )


@transaction.atomic
def seat_assign(
    *,
    acting_user,
    committee: Committee,
    member,
    role: str,
    start_on: date,
    end_on: date | None = None,
    note: str = "",
) -> Seat:
    """Bầu/chỉ định a member to a committee seat from ``start_on``."""
    ensure_in_scope(acting_user, committee, CHANGE)
    ensure_in_scope(acting_user, member, VIEW)
    seat = Seat(
        committee=committee, member=member, role=role, start_on=start_on, end_on=end_on, note=note
    )
    seat.full_clean()
    _check_seat(seat)
    seat._history_user = acting_user  # the audit trail names who did it
    seat.save()
    return seat


@transaction.atomic
def seat_update(*, acting_user, seat: Seat, **changes) -> Seat:
    ensure_in_scope(acting_user, seat, CHANGE)
    locked = Seat.objects.select_for_update().select_related("committee__term").get(pk=seat.pk)
    if apply_changes(locked, changes, ("role", "start_on", "end_on", "note")):
        locked.full_clean()
        _check_seat(locked)
        locked._history_user = acting_user  # the audit trail names who did it
        locked.save()
    return locked


@transaction.atomic
def seat_end(*, acting_user, seat: Seat, end_on: date, note: str = "") -> Seat:
    """Thôi giữ chức vụ from ``end_on``."""
    return seat_update(acting_user=acting_user, seat=seat, end_on=end_on, note=note or seat.note)
