"""Builders for the rotation planner's tests (and rows for the scope sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from capuy.committees.choices import SeatRole
from capuy.committees.models import Seat
from capuy.core.testing import World, member_in, org_child
from capuy.meetings.models import CellMeeting
from capuy.organizations.choices import FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag

from .models import (
    RotationAssignment,
    RotationCell,
    RotationFeedToken,
    RotationLeader,
    RotationPlan,
    RotationPlanEvent,
    RotationUnavailability,
    hash_feed_token,
)

# January–June 2026: Tết Nguyên Đán falls on 16–20/02/2026, Giỗ Tổ on 26–27/04, then 30/04, 01/05.
START = date(2026, 1, 1)
END = date(2026, 6, 30)


@dataclass
class RotationWorld:
    world: World
    cells: list[Organization]  # flagged (priority) cells of district H01
    plain_cells: list[Organization]  # cells without a flag
    leaders: list  # members holding a seat on the province's BCH
    seats: list[Seat]


LEADER_NAMES = [
    ("Hoàng", "Văn", "Khải"),
    ("Vũ", "Thị", "Mai"),
    ("Đặng", "Quốc", "Bảo"),
    ("Bùi", "Thanh", "Hà"),
]


def rotation_world(world: World, *, cells: int = 4, plain: int = 1, day: int = 10) -> RotationWorld:
    """District H01's grassroots organization X01 is flagged "địa bàn khó khăn" from 2025: its
    cells are the priority cells. Each cell meets on ``day`` every month of 2026. The province's
    BCH (world.bch) gets four more members besides world.seat (Lê Minh Tuấn)."""
    OrganizationFlag.objects.create(
        organization=world.grassroots,
        kind=FlagKind.KHO_KHAN,
        valid_from=date(2025, 1, 1),
        note="Xã vùng sâu",
    )
    flagged = [world.cell, world.other_cell]
    for i in range(len(flagged), cells):
        flagged.append(
            org_child(
                world.grassroots,
                f"H01-X01-C{i + 1:02d}",
                f"Chi bộ thôn Số {i + 1}",
                OrgKind.CHI_BO_TRUC_THUOC,
            )
        )
    plain_cells = []
    for i in range(plain):
        plain_cells.append(
            org_child(
                world.district, f"H01-P{i + 1:02d}", f"Chi bộ Khu phố {i + 1}", OrgKind.CHI_BO_CO_SO
            )
        )
    for cell in flagged + plain_cells:
        for month in range(1, 13):
            CellMeeting.objects.create(cell=cell, date=date(2026, month, day))
    members = [world.members["tuan"]]
    seats = [world.seat]
    for i, (ho, dem, ten) in enumerate(LEADER_NAMES):
        member = member_in(world.outside_cell if i % 2 else world.cell, ho, dem, ten)
        members.append(member)
        seats.append(
            Seat.objects.create(
                committee=world.bch,
                member=member,
                role=SeatRole.UY_VIEN_BCH,
                start_on=date(2020, 10, 15),
            )
        )
    # The province's term XIX ended in 2020; the seats above run on (no end date) so that the
    # BCH still has holders in 2026 for these tests.
    world.term.end_on = None
    world.term.save()
    for org in flagged + plain_cells:
        org.refresh_from_db()
    return RotationWorld(world, flagged, plain_cells, members, seats)


# --- rows for the route sweep (tests/test_scope_sweep.py) ------------------------------------


LABELS = {
    RotationPlan: lambda p: [p.name, p.infeasibility],
    RotationLeader: lambda r: [r.note],
    RotationCell: lambda r: [r.reason],
    RotationUnavailability: lambda r: [r.reason],
    RotationAssignment: lambda r: [r.explanation],
    RotationPlanEvent: lambda e: [e.note],
    RotationFeedToken: lambda t: [t.hint],
}


def sweep_rows(place) -> None:
    """One plan at the place (made after capuy.meetings.testing.sweep_rows): the place's member
    as leader under his seat there, a cell, an absence, an assignment to the cell's meeting to
    come, an event and a calendar link."""
    org, member, label = place.org, place.member, place.label
    cell = org if org.is_cell else place.other_cell
    seat = Seat.objects.filter(member=member, committee__term__organization=org).first()
    plan = RotationPlan.objects.create(
        organization=org,
        name=f"Luân phiên {label}",
        period_start=date(2021, 1, 1),
        period_end=date(2021, 6, 30),
        infeasibility=f"Không đủ lượt {label}",
    )
    leader = RotationLeader.objects.create(
        plan=plan, member=member, seat=seat, note=f"Ghi chú {label}"
    )
    row = RotationCell.objects.create(
        plan=plan, cell=cell, weight=3, priority=True, reason=f"Khó khăn {label}"
    )
    RotationUnavailability.objects.create(
        plan=plan,
        leader=leader,
        start_on=date(2021, 2, 1),
        end_on=date(2021, 2, 10),
        reason=f"Vắng {label}",
    )
    meeting = CellMeeting.objects.get(place=f"Sắp họp {label}")
    RotationAssignment.objects.create(
        plan=plan,
        leader=leader,
        cell=row,
        meeting=meeting,
        date=meeting.date,
        explanation=f"Lý do phân công {label}",
    )
    RotationPlanEvent.objects.create(plan=plan, kind="created", note=f"Lập {label}")
    RotationFeedToken.objects.create(
        organization=org,
        member=member,
        token_hash=hash_feed_token(f"lich_{label}"),
        hint=f"lich_{label}",
    )
