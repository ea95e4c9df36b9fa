"""Which seat an attendance counts under: the seat held on the meeting date (domain.md §0).

Pure functions over rows already fetched, shared by the services (one attendance) and the
Excel import (thousands of rows checked against prefetched seats and transfers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Seat
from capuy.core.vntext import format_date
from capuy.organizations.choices import OrgKind, SeatLevel

# tỉnh > huyện > xã > cơ sở: a member holding several seats counts at the highest level.
LEVEL_RANK = {SeatLevel.TINH: 0, SeatLevel.HUYEN: 1, SeatLevel.XA: 2, SeatLevel.CO_SO: 3}
ROLE_RANK = {role: rank for rank, role in enumerate(SeatRole.values)}

# Short forms for a seat label without the organization's proper name ("Ủy viên BCH Đảng bộ
# tỉnh"): the label is shown to cell secretaries, whose scope does not include the province.
_ROLE_SHORT = {
    SeatRole.BI_THU: gettext_lazy("Bí thư"),
    SeatRole.PHO_BI_THU_THUONG_TRUC: gettext_lazy("Phó Bí thư Thường trực"),
    SeatRole.PHO_BI_THU: gettext_lazy("Phó Bí thư"),
    SeatRole.UY_VIEN_BTV: gettext_lazy("Ủy viên BTV"),
    SeatRole.UY_VIEN_BCH: gettext_lazy("Ủy viên BCH"),
    SeatRole.UY_VIEN_DU_KHUYET: gettext_lazy("Ủy viên dự khuyết BCH"),
}
_KIND_SHORT = {
    OrgKind.DANG_BO_TINH: gettext_lazy("Đảng bộ tỉnh"),
    OrgKind.DANG_BO_HUYEN: gettext_lazy("Đảng bộ huyện"),
    OrgKind.DANG_BO_XA: gettext_lazy("Đảng bộ xã"),
    OrgKind.DANG_BO_CO_SO: gettext_lazy("Đảng bộ cơ sở"),
    OrgKind.CHI_BO_CO_SO: gettext_lazy("Chi bộ cơ sở"),
    OrgKind.DANG_BO_BO_PHAN: gettext_lazy("Đảng bộ bộ phận"),
    OrgKind.CHI_BO_TRUC_THUOC: gettext_lazy("Chi bộ"),
}


def seat_label(seat: Seat) -> str:
    """ "Ủy viên BCH Đảng bộ tỉnh", "Ủy viên BTV Đảng bộ huyện"… (needs committee__term__organization)."""
    role = _ROLE_SHORT.get(seat.role, seat.get_role_display())
    if seat.role == SeatRole.UY_VIEN_BCH and seat.committee.kind == CommitteeKind.BTV:
        role = _ROLE_SHORT[SeatRole.UY_VIEN_BTV]
    kind = seat.committee.term.organization.kind
    return f"{role} {_KIND_SHORT.get(kind, '')}".strip()


def seat_rank(seat: Seat) -> tuple:
    btv_first = 0 if seat.committee.kind == CommitteeKind.BTV else 1
    return (LEVEL_RANK.get(seat.level, 9), ROLE_RANK.get(seat.role, 99), btv_first, seat.pk)


def seats_held_on(member, day: date) -> list[Seat]:
    return list(
        Seat.objects.held_on(day)
        .filter(member=member)
        .select_related("committee__term__organization")
    )


def is_above(seat: Seat, path: str) -> bool:
    """The seat's committee belongs to an organization strictly above ``path``."""
    org_path = seat.committee.term.organization.path
    return len(org_path) < len(path) and path.startswith(org_path)


def pick_seat(
    *,
    member,
    organization,
    day: date,
    seats: Iterable[Seat] | None = None,
    seat: Seat | None = None,
    strictly_above: bool = True,
) -> Seat:
    """The seat ``member`` attends ``organization`` under on ``day``.

    ``seats`` are the member's seats (any dates; fetched when not given). Only seats held on
    ``day`` on a committee above the organization count; of those the highest level wins
    (tỉnh > huyện > xã > cơ sở), then the highest role, unless ``seat`` names one explicitly.
    """
    candidates = seats_held_on(member, day) if seats is None else list(seats)
    held = [s for s in candidates if s.member_id == member.pk and s.is_held_on(day)]
    name, when = member.full_name, format_date(day)
    if not held:
        raise ValidationError(
            {
                "member": _("Đồng chí %(name)s không giữ chức vụ cấp ủy nào vào ngày %(day)s.")
                % {"name": name, "day": when}
            }
        )
    path = organization.path
    above = [
        s
        for s in held
        if (
            is_above(s, path)
            if strictly_above
            else path.startswith(s.committee.term.organization.path)
        )
    ]
    if seat is not None:
        if seat.pk not in {s.pk for s in above}:
            raise ValidationError(
                {
                    "seat": _(
                        "Chức vụ đã chọn không phải chức vụ cấp ủy cấp trên mà đồng chí "
                        "%(name)s giữ vào ngày %(day)s."
                    )
                    % {"name": name, "day": when}
                }
            )
        return next(s for s in above if s.pk == seat.pk)
    if not above:
        raise ValidationError(
            {
                "member": _(
                    "Vào ngày %(day)s, đồng chí %(name)s không giữ chức vụ trong cấp ủy cấp trên "
                    "của %(org)s."
                )
                % {"name": name, "day": when, "org": organization.name}
            }
        )
    return min(above, key=seat_rank)


def member_cell_on(member, day: date, transfers: Iterable | None = None) -> int | None:
    """The id of the cell ``member`` belonged to on ``day``, from the transfer history."""
    moves = member.transfers.all() if transfers is None else transfers
    cell_id = member.cell_id
    for move in sorted(moves, key=lambda t: (t.transferred_on, t.pk), reverse=True):
        if move.transferred_on <= day:
            break
        if move.from_cell_id is not None:
            cell_id = move.from_cell_id
    return cell_id
