"""Committee terms and seats of the demo province: the district-level committees of 2015–2020
and the provincial committees of khóa XIX, XX and I (the new province)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term

from . import bacninh as bn

if TYPE_CHECKING:
    from .province import Candidate, DemoTree

BATCH = 2000
# Provincial committees: (khóa, start, end, BCH size, BTV size).
PROVINCE_TERMS = (
    ("XIX", date(2015, 10, 15), date(2020, 10, 15), 50, 15),
    ("XX", date(2020, 10, 15), bn.DISSOLVED_ON, 48, 15),
    ("I", date(2025, 9, 30), None, 71, 18),
)
# How many holders of the previous provincial BCH are re-elected (at most).
CARRIED_OVER = {"XX": 26, "I": 30}


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def eligible(c: Candidate, on: date, level: int) -> bool:
    """Stricter levels first: a leader is official, 35–60 and a member for five years."""
    if level == 0:
        return (
            c.official is not None
            and c.official <= on
            and 35 <= _age(c.born, on) <= 60
            and c.admitted.year <= on.year - 5
        )
    if level == 1:
        return c.official is not None and c.official <= on and 28 <= _age(c.born, on) <= 64
    if level == 2:
        return c.official is not None and c.official <= on
    return c.admitted <= on


def pick_holders(
    rng: random.Random, pools: list[list[Candidate]], on: date, count: int, taken: set[int]
) -> list[Candidate]:
    """``count`` distinct candidates not in ``taken``, from the first pool that has them."""
    chosen: list[Candidate] = []
    skip = set(taken)
    for level in range(4):
        for pool in pools:
            if len(chosen) == count:
                return chosen
            fresh = [c for c in pool if c.pk not in skip and eligible(c, on, level)]
            rng.shuffle(fresh)
            fresh = fresh[: count - len(chosen)]
            chosen.extend(fresh)
            skip.update(c.pk for c in fresh)
    if len(chosen) < count:
        raise ValueError("not enough members to fill the committee")
    return chosen


def _roles(bch: int, btv: int, deputies: int) -> list[str]:
    return (
        [SeatRole.BI_THU, SeatRole.PHO_BI_THU_THUONG_TRUC]
        + [SeatRole.PHO_BI_THU] * (deputies - 1)
        + [SeatRole.UY_VIEN_BTV] * (btv - 1 - deputies)
        + [SeatRole.UY_VIEN_BCH] * (bch - btv)
    )


def create_committee(
    org_pk: int,
    name: str,
    start: date,
    end: date | None,
    holders: list[Candidate],
    btv: int,
    deputies: int,
) -> tuple[Term, list[Seat]]:
    """A term with its BCH (every holder) and BTV (the first ``btv``), one seat per place.

    A standing-committee member has two seats, one on each committee, with the same role.
    """
    term = Term.objects.bulk_create(
        [Term(organization_id=org_pk, name=name, start_on=start, end_on=end)]
    )[0]
    bch_committee, btv_committee = Committee.objects.bulk_create(
        [Committee(term=term, kind=CommitteeKind.BCH), Committee(term=term, kind=CommitteeKind.BTV)]
    )
    roles = _roles(len(holders), btv, deputies)
    seats = [
        Seat(committee=bch_committee, member_id=h.pk, role=role, start_on=start, end_on=end)
        for h, role in zip(holders, roles, strict=True)
    ] + [
        Seat(committee=btv_committee, member_id=h.pk, role=role, start_on=start, end_on=end)
        for h, role in zip(holders[:btv], roles[:btv], strict=True)
    ]
    Seat.objects.bulk_create(seats, batch_size=BATCH)
    return term, seats


def create_committees(
    tree: DemoTree, candidates: list[Candidate], rng: random.Random
) -> tuple[int, dict[str, list[Candidate]]]:
    """District-level BCH/BTV 2015–2020, then the provincial XIX, XX and I."""
    by_owner: list[list[Candidate]] = [[] for _ in tree.owners]
    for c in candidates:
        by_owner[c.owner].append(c)
    seats = 0
    secretaries: list[Candidate] = []
    for index, owner in enumerate(tree.owners):
        start = date(2015, 6, 10) + timedelta(days=4 * index)
        end = start.replace(year=2020)
        bch, btv = 33 + rng.randint(0, 4), 9 + rng.randint(0, 4)
        pool = by_owner[index]
        agency = [c for c in pool if c.agency]
        top = pick_holders(rng, [agency, pool], start, btv, set())
        rest = pick_holders(rng, [pool], start, bch - btv, {c.pk for c in top})
        _, created = create_committee(
            owner.pk, tree.owner_terms[index], start, end, top + rest, btv, 2
        )
        seats += len(created)
        secretaries.append(top[0])

    provincial_pool = [c for c in candidates if c.agency and c.owner >= len(bn.DISTRICTS)]
    everyone_agency = [c for c in candidates if c.agency]
    holders_by_term: dict[str, list[Candidate]] = {}
    previous: list[Candidate] = []
    for name, start, end, bch, btv in PROVINCE_TERMS:
        if name == "XIX":
            taken = {c.pk for c in secretaries}
            top = pick_holders(rng, [provincial_pool], start, 4, taken)
            taken |= {c.pk for c in top}
            # Secretaries of the city, the town, the military and the police sit on the BTV.
            in_btv = [secretaries[i] for i in (0, 1, len(tree.owners) - 2, len(tree.owners) - 1)]
            others = [s for s in secretaries if s not in in_btv]
            btv_rest = pick_holders(rng, [provincial_pool], start, btv - 4 - len(in_btv), taken)
            taken |= {c.pk for c in btv_rest}
            bch_rest = pick_holders(
                rng, [provincial_pool, everyone_agency], start, bch - btv - len(others), taken
            )
            holders = top + in_btv + btv_rest + others + bch_rest
        else:
            carried = [c for c in previous if eligible(c, start, 0)]
            rng.shuffle(carried)
            carried = carried[: CARRIED_OVER[name]]
            fresh = pick_holders(
                rng,
                [provincial_pool, everyone_agency, candidates],
                start,
                bch - len(carried),
                {c.pk for c in carried},
            )
            holders = carried + fresh
        _, created = create_committee(tree.root.pk, name, start, end, holders, btv, 3)
        seats += len(created)
        holders_by_term[name] = holders
        previous = holders
    return seats, holders_by_term
