"""Each upper-level committee member's attendances against the quota in force."""

from datetime import date

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.reports.compliance import (
    BEHIND,
    MET,
    NO_QUOTA,
    ON_TRACK,
    compliance_summary,
    leader_rows,
    status_of,
)
from capuy.reports.periods import period_for
from capuy.reports.testing import attendance_at, meeting_in, rule_for


def rows_by_member(user, period, **kwargs):
    return {(r["member_id"], r["level"]): r for r in leader_rows(user, period, **kwargs)}


def test_members_are_judged_against_the_quota_of_their_level(figures):
    world = figures.world
    period = period_for(2019, date(2020, 1, 10))
    rows = rows_by_member(world.users["office"], period, org=world.province)

    tuan = rows[world.members["tuan"].pk, "tinh"]
    lan = rows[world.members["lan"].pk, "huyen"]
    assert (tuan["quota"], tuan["attendances"], status_of(tuan, period)) == (2, 2, MET)
    assert (lan["quota"], lan["attendances"], status_of(lan, period)) == (6, 1, BEHIND)


def test_the_summary_counts_met_and_behind_per_level(figures):
    world = figures.world
    summary = compliance_summary(world.users["office"], period_for(2019, date(2020, 1, 10)))
    assert summary["tinh"] == {
        "members": 1,
        "quota": 2,
        "met": 1,
        "on_track": 0,
        "behind": 0,
        "no_quota": 0,
    }
    assert summary["huyen"]["behind"] == 1
    assert summary["xa"]["members"] == 0


def test_on_track_is_pro_rata_while_the_year_runs(figures):
    world = figures.world
    office = world.users["office"]
    lan = (world.members["lan"].pk, "huyen")
    # 01/02/2019: 32 of 365 days gone, 6 × 32/365 ≈ 0,5 needed: her 1 attendance is on track.
    early = period_for(2019, date(2019, 2, 1))
    assert status_of(rows_by_member(office, early)[lan], early) == ON_TRACK
    assert compliance_summary(office, early)["huyen"]["on_track"] == 1
    # 12/04/2019: 102 days gone, 6 × 102/365 ≈ 1,7 needed: behind.
    april = period_for(2019, date(2019, 4, 12))
    assert status_of(rows_by_member(office, april)[lan], april) == BEHIND
    assert compliance_summary(office, april)["huyen"]["behind"] == 1
    # Once the year is over nobody is "on track": met or behind.
    over = period_for(2019, date(2020, 1, 2))
    assert compliance_summary(office, over)["huyen"] == {
        "members": 1,
        "quota": 6,
        "met": 0,
        "on_track": 0,
        "behind": 1,
        "no_quota": 0,
    }


def test_the_deepest_regulation_wins(figures):
    world = figures.world
    rule_for(world.district, {"huyen": 4}, number="05-QĐ/HU")
    period = period_for(2019, date(2020, 1, 10))
    rows = rows_by_member(world.users["office"], period)
    assert rows[world.members["lan"].pk, "huyen"]["quota"] == 4
    assert rows[world.members["tuan"].pk, "tinh"]["quota"] == 2


def test_a_regulation_not_yet_in_force_does_not_apply(world):
    rule_for(world.province, effective_from=date(2021, 1, 1))
    period = period_for(2019, date(2020, 1, 10))
    row = rows_by_member(world.users["office"], period)[world.members["tuan"].pk, "tinh"]
    assert row["quota"] is None and status_of(row, period) == NO_QUOTA


def test_a_member_with_seats_at_two_levels_is_judged_at_both_with_all_his_attendances(figures):
    world = figures.world
    term = Term.objects.get(organization=world.district)
    Seat.objects.create(
        committee=Committee.objects.get(term=term, kind=CommitteeKind.BCH),
        member=world.members["tuan"],
        role=SeatRole.BI_THU,
        start_on=date(2015, 6, 1),
    )
    period = period_for(2019, date(2020, 1, 10))
    rows = rows_by_member(world.users["office"], period)
    assert rows[world.members["tuan"].pk, "tinh"]["attendances"] == 2
    assert rows[world.members["tuan"].pk, "huyen"]["attendances"] == 2
    assert status_of(rows[world.members["tuan"].pk, "huyen"], period) == BEHIND


def test_seats_outside_the_year_are_not_counted(figures):
    world = figures.world
    period = period_for(2021, date(2022, 1, 1))  # Lan's district seat ended 01/06/2020
    rows = rows_by_member(world.users["office"], period)
    assert (world.members["lan"].pk, "huyen") not in rows


def test_confirmed_only_can_turn_met_into_behind(figures):
    world = figures.world
    extra = meeting_in(world.other_cell, date(2019, 9, 5))
    attendance_at(extra, figures.lan_seat)
    period = period_for(2019, date(2020, 1, 10))
    all_rows = rows_by_member(world.users["office"], period)
    confirmed = rows_by_member(world.users["office"], period, confirmed_only=True)
    assert all_rows[world.members["lan"].pk, "huyen"]["attendances"] == 2
    assert confirmed[world.members["lan"].pk, "huyen"]["attendances"] == 1


def test_leaders_are_scoped_by_their_committee(figures):
    world = figures.world
    period = period_for(2019, date(2020, 1, 10))
    assert leader_rows(world.users["outsider"], period) == []
    staff_rows = rows_by_member(world.users["staff"], period)
    assert set(staff_rows) == {(world.members["lan"].pk, "huyen")}


def test_status_of_row_values():
    period = period_for(2019, date(2019, 7, 2))
    assert status_of({"quota": 2, "attendances": 2, "progress": 0}, period) == MET
    assert status_of({"quota": 2, "attendances": 1, "progress": 1}, period) == ON_TRACK
    assert status_of({"quota": 2, "attendances": 0, "progress": -1}, period) == BEHIND
    assert status_of({"quota": None, "attendances": 3, "progress": None}, period) == NO_QUOTA
