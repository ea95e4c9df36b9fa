"""The year a report or the dashboard looks at, and the seat levels it counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capuy.organizations.choices import OrgKind, SeatLevel

# Upper-level seats whose holders attend cell meetings, highest first.
UPPER_LEVELS = (SeatLevel.TINH, SeatLevel.HUYEN, SeatLevel.XA)
LEVEL_KINDS = {
    SeatLevel.TINH: OrgKind.DANG_BO_TINH,
    SeatLevel.HUYEN: OrgKind.DANG_BO_HUYEN,
    SeatLevel.XA: OrgKind.DANG_BO_XA,
}
# As the yearly report names the members of each level.
LEVEL_LABELS = {
    SeatLevel.TINH: _("Tỉnh ủy viên"),
    SeatLevel.HUYEN: _("Cấp ủy viên cấp huyện và tương đương"),
    SeatLevel.XA: _("Cấp ủy viên cấp xã"),
}
# District-level units were abolished and commune-level committees set up on this date.
TWO_LEVEL_GOVERNMENT = date(2025, 7, 1)


def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, SeatLevel(level).label))


def levels_of_year(year: int) -> list[str]:
    """The levels a year's report shows: district level until 30/6/2025, commune level from
    1/7/2025 (both in 2025). Levels with rows in another year are added by the caller."""
    levels = [SeatLevel.TINH]
    if year <= TWO_LEVEL_GOVERNMENT.year:
        levels.append(SeatLevel.HUYEN)
    if year >= TWO_LEVEL_GOVERNMENT.year:
        levels.append(SeatLevel.XA)
    return levels


@dataclass(frozen=True)
class Period:
    """One calendar year, seen from ``today``: ``on`` is the last day counted so far."""

    year: int
    today: date

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def on(self) -> date:
        """The reference date: the year's last day, or today while the year runs."""
        return min(self.end, max(self.today, self.start))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def elapsed(self) -> int:
        """Days of the year gone by (the whole year once it is over; 0 before it starts)."""
        if self.today < self.start:
            return 0
        return (self.on - self.start).days + 1

    @property
    def running(self) -> bool:
        return self.start <= self.today < self.end

    @property
    def fraction(self) -> float:
        return self.elapsed / self.days


def period_for(year: int | None = None, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(year or today.year, today)
