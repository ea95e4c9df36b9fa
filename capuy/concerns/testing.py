"""Rows of concerns for the scope sweep (tests/test_scope_sweep.py), and what their lists show."""

from __future__ import annotations

from capuy.committees.models import Seat
from capuy.core.scoping import VIEW

from .models import Concern, ConcernEvent
from .services import ensure_default_categories

LABELS = {
    Concern: lambda c: [c.summary, c.agency],
    ConcernEvent: lambda e: [e.note],
}


def sweep_rows(place) -> None:
    """At the place's held meeting (made by capuy.meetings.testing.sweep_rows): a new concern
    received by the place's member, with its first event."""
    from capuy.meetings.models import CellMeeting

    meeting = CellMeeting.objects.get(place=f"Hội trường {place.label}")
    category = ensure_default_categories()[0]
    concern = Concern.objects.create(
        meeting=meeting,
        cell_path=meeting.cell.path,
        raised_on=meeting.date,
        received_by=place.member,
        category=category,
        summary=f"Kiến nghị {place.label}",
        agency=f"Cơ quan {place.label}",
    )
    ConcernEvent.objects.create(
        concern=concern, to_status=concern.status, note=f"Tiếp {place.label}"
    )


def a_category(_obj=None) -> int:
    return ensure_default_categories()[0].pk


def grassroots_names(user, obj=None) -> set[str]:
    """Names the grassroots pages show by design beyond the member scope: who attended or
    visited where the user may see, who received a visible concern, and who holds a seat on a
    committee the user may see (the compliance list)."""
    from capuy.meetings.testing import attendee_names

    receivers = Concern.objects.visible_to(user, VIEW).values_list(
        "received_by__full_name", flat=True
    )
    holders = Seat.objects.visible_to(user, VIEW).values_list("member__full_name", flat=True)
    names = attendee_names(user, obj) | set(receivers) | set(holders)
    return {name for name in names if name}
