"""Random but plausible party-member records (names, sex, dates, status) for demo and synth."""

from __future__ import annotations

import random
from datetime import date
from typing import NamedTuple

from capuy.members.choices import Gender, MemberStatus

from .names import NameGenerator

# members.services._check_dates accepts an admission when (admitted - born).days / 365.25 >= 18.
ADULT_DAYS = 6575
PROBATION_DAYS = 365


class Person(NamedTuple):
    ho: str
    ten_dem: str
    ten: str
    gender: str
    birth_date: date
    admitted_on: date
    official_on: date | None
    status: str


class PersonGenerator:
    """Draws members as they stand on ``as_of``.

    Born ``born_from``–``born_to``, admitted at 18 or older (most in their twenties); a share
    ``probationary`` are dự bị, admitted within the year before ``as_of`` and without an
    official date; everybody else became official about a year after admission, before ``as_of``.
    """

    def __init__(
        self,
        rng: random.Random,
        *,
        as_of: date,
        born_from: int = 1945,
        born_to: int = 2001,
        probationary: float = 0.05,
        female: float = 0.35,
    ) -> None:
        self._rng = rng
        self._names = NameGenerator(rng)
        self._as_of = as_of.toordinal()
        self._born_first = date(born_from, 1, 1).toordinal()
        self._born_span = date(born_to, 12, 31).toordinal() - self._born_first + 1
        if self._born_first + self._born_span - 1 + ADULT_DAYS > self._as_of:
            raise ValueError("born_to is too late: everybody must be 18 by as_of")
        self._probationary = probationary
        self._female = female
        # Dates repeat a lot across millions of rows; build each date object once.
        self._dates: dict[int, date] = {}

    def _date(self, ordinal: int) -> date:
        value = self._dates.get(ordinal)
        if value is None:
            value = self._dates[ordinal] = date.fromordinal(ordinal)
        return value

    def draw(self) -> Person:
        return Person(*self.draw_row())

    def draw_row(
        self,
        # Bound once, as defaults: this runs millions of times in ``capuy synth``.
        _nu=Gender.NU.value,
        _nam=Gender.NAM.value,
        _du_bi=MemberStatus.DU_BI.value,
        _chinh_thuc=MemberStatus.CHINH_THUC.value,
        _years=365.25,
    ) -> tuple:
        """Like :meth:`draw` as a plain tuple (ho, ten_dem, ten, gender, born, admitted,
        official, status)."""
        rng = self._rng
        rand = rng.random
        date_of = self._date
        gender = _nu if rand() < self._female else _nam
        ho, ten_dem, ten = self._names.pick(gender)
        born = self._born_first + int(rand() * self._born_span)
        adult = born + ADULT_DAYS
        latest_official_admission = self._as_of - PROBATION_DAYS - 60
        if rand() < self._probationary or adult > latest_official_admission:
            admitted = max(adult, self._as_of - int(rand() * PROBATION_DAYS))
            return (ho, ten_dem, ten, gender, date_of(born), date_of(admitted), None, _du_bi)
        # Most people join in their twenties; a long tail joins later.
        admitted = adult + int(min(rng.expovariate(1 / 7.0), 40.0) * _years) + int(rand() * 365)
        if admitted > latest_official_admission:
            admitted = adult + int(rand() * (latest_official_admission - adult + 1))
        official = admitted + PROBATION_DAYS + int(rand() * 45)
        return (
            ho,
            ten_dem,
            ten,
            gender,
            date_of(born),
            date_of(admitted),
            date_of(official),
            _chinh_thuc,
        )
