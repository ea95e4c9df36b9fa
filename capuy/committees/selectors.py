"""Reads of terms, committees and seats for one user. Every query starts from the scoped queryset."""

from datetime import date

from django.db.models import BooleanField, Case, Count, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from capuy.core.scoping import VIEW
from capuy.core.vntext import nfc, search_key
from capuy.members.models import Member

from .choices import SeatRole
from .models import Committee, Seat, Term

PICKER_LIMIT = 20

# Bí thư first, then the deputies, standing members, members, alternates (SeatRole order).
ROLE_RANK = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(SeatRole.values)],
    default=Value(len(SeatRole.values)),
    output_field=IntegerField(),
)


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _held_on_q(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_on__lte": day}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gte": day})
    )


def _is_current(day: date) -> Case:
    return Case(
        When(_held_on_q(day), then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def seats_in_role_order(qs):
    return qs.annotate(role_rank=ROLE_RANK).order_by("role_rank", "start_on", "id")


def committee_terms_of(organization, *, on: date | None = None):
    """Terms of one organization, newest first; each committee carries ``current_seats``."""
    day = _today(on)
    seats = seats_in_role_order(Seat.objects.held_on(day).select_related("member"))
    committees = Committee.objects.order_by("kind").prefetch_related(
        Prefetch("seats", queryset=seats, to_attr="current_seats")
    )
    return (
        Term.objects.filter(organization=organization)
        .annotate(is_current=_is_current(day))
        .order_by("-start_on")
        .prefetch_related(Prefetch("committees", queryset=committees))
    )


def committee_list(
    user,
    *,
    organization=None,
    current_only: bool = True,
    q: str = "",
    on: date | None = None,
):
    """Terms visible to ``user`` in tree order, each with its committees and seat-holder counts.

    ``organization`` narrows to that organization and its subtree; ``current_only`` keeps the
    terms in force on ``on`` (today by default).
    """
    day = _today(on)
    terms = Term.objects.visible_to(user).select_related("organization")
    if organization is not None:
        terms = terms.filter(organization__path__startswith=organization.path)
    if current_only:
        terms = terms.filter(_held_on_q(day))
    for token in search_key(q).split():
        terms = terms.filter(organization__search_text__contains=token)
    committees = Committee.objects.order_by("kind").annotate(
        current_holders=Count("seats__member", filter=_held_on_q(day, "seats__"), distinct=True),
        seat_total=Count("seats"),
    )
    terms = terms.annotate(is_current=_is_current(day))
    return terms.order_by("organization__path", "-start_on", "id").prefetch_related(
        Prefetch("committees", queryset=committees)
    )


def committee_get(user, pk: int, action: str = VIEW) -> Committee:
    qs = Committee.objects.visible_to(user, action).select_related("term__organization")
    return get_object_or_404(qs, pk=pk)


def committee_seats(committee: Committee, *, on: date | None = None) -> dict:
    """The committee's seats split into current (incl. not yet started) and past, role order."""
    day = _today(on)
    seats = list(
        seats_in_role_order(committee.seats.select_related("member__cell")).order_by(
            "role_rank", "-start_on", "id"
        )
    )
    current = [s for s in seats if s.end_on is None or s.end_on >= day]
    past = [s for s in seats if s.end_on is not None and s.end_on < day]
    holders = {s.member_id for s in current if s.start_on <= day}
    return {"current": current, "past": past, "holder_count": len(holders), "day": day}


def seat_get(user, pk: int, action: str = VIEW) -> Seat:
    qs = Seat.objects.visible_to(user, action).select_related(
        "committee__term__organization", "member"
    )
    return get_object_or_404(qs, pk=pk)


def member_picker(user, q: str, *, limit: int = PICKER_LIMIT) -> list[Member]:
    """Members in scope whose name contains every typed word, with or without diacritics.

    Names written exactly as typed (with their diacritics) come first, then roster order.
    """
    tokens = search_key(q).split()
    if not tokens:
        return []
    qs = Member.objects.visible_to(user).select_related("cell")
    for token in tokens:
        qs = qs.filter(search_text__contains=token)
    exact = nfc(" ".join(q.split()))
    qs = qs.annotate(
        exact_rank=Case(
            When(full_name__contains=exact, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    return list(qs.order_by("exact_rank", "sort_key", "id")[:limit])
