"""The figures of grassroots work are counted from rows, scoped, by level, month and unit."""

from datetime import date

from capuy.meetings.choices import Confirmation
from capuy.reports import grassroots as g
from capuy.reports.periods import period_for

Y2019 = period_for(2019, date(2020, 3, 25))


def office(figures):
    return figures.world.users["office"]


def test_attendances_are_counted_by_the_level_stored_on_each_row(figures):
    by_level = g.attendances_by_level(office(figures), Y2019, org=figures.world.province)

    assert by_level["tinh"]["attendances"] == 2
    assert by_level["tinh"]["planned"] == 1  # the December plan is not an attendance
    assert by_level["huyen"]["attendances"] == 1
    assert by_level["huyen"]["confirmed"] == 0


def test_confirmed_only_leaves_out_pending_attendances(figures):
    by_level = g.attendances_by_level(
        office(figures), Y2019, org=figures.world.province, confirmed_only=True
    )
    assert by_level["tinh"]["attendances"] == 2
    assert "huyen" not in by_level or by_level["huyen"]["attendances"] == 0


def test_another_year_counts_nothing(figures):
    assert g.attendances_by_level(office(figures), period_for(2018), org=None) == {}


def test_by_month_has_twelve_months(figures):
    months = g.attendances_by_month(office(figures), Y2019, org=figures.world.province)
    assert [m["total"] for m in months] == [0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert months[2]["tinh"] == 1 and months[2]["huyen"] == 1


def test_by_unit_rolls_up_to_the_districts_with_zeros(figures):
    world = figures.world
    groups = g.attendances_by_unit(office(figures), Y2019, world.province)
    counts = {group.organization.code: group.counts for group in groups}
    assert counts["H01"]["total"] == 3 and counts["H01"]["cells"] == 2
    assert counts["H02"]["total"] == 0


def test_cells_never_visited_in_the_year(figures):
    world = figures.world
    coverage = g.cell_coverage(office(figures), Y2019, org=world.province)
    assert coverage == {"cells": 3, "visited": 2, "never_visited": 1}
    never = list(g.cells_never_visited(office(figures), Y2019, org=world.province))
    assert never == [world.outside_cell]


def test_flagged_localities_visited_share(figures):
    coverage = g.flagged_coverage(office(figures), Y2019, org=figures.world.province)
    assert coverage == {"localities": 2, "visited": 1, "share": 0.5}


def test_a_flag_outside_the_year_does_not_count(figures):
    assert g.flagged_coverage(office(figures), period_for(2017), org=None)["localities"] == 0


def test_concern_figures_count_on_the_spot_open_and_overdue(figures):
    counts = g.concern_figures(office(figures), period_for(2019, date(2019, 12, 31)))
    assert (counts["raised"], counts["on_spot"], counts["open"], counts["overdue"]) == (3, 1, 1, 1)
    by_status = {row["status"]: row["count"] for row in counts["by_status"]}
    assert by_status["da_gq"] == 1


def test_field_visits_by_level(figures):
    visits = g.field_visit_figures(office(figures), Y2019, org=figures.world.province)
    assert visits == {"huyen": {"visits": 1, "days": 1}}


def test_figures_are_scoped(figures):
    world = figures.world
    outsider = world.users["outsider"]  # staff of the other district
    assert g.attendances_by_level(outsider, Y2019) == {}
    assert g.concern_figures(outsider, Y2019)["raised"] == 0
    secretary = world.users["secretary"]  # the world's cell only
    assert g.attendances_by_level(secretary, Y2019)["huyen"]["attendances"] == 1
    assert "tinh" not in g.attendances_by_level(secretary, Y2019)


def test_a_disputed_attendance_is_not_confirmed(figures):
    row = figures.meetings["march"].attendances.get()
    row.confirmation, row.dispute_reason = Confirmation.DISPUTED, "không có mặt"
    row.save()
    by_level = g.attendances_by_level(
        office(figures), Y2019, org=figures.world.province, confirmed_only=True
    )
    assert by_level["tinh"]["attendances"] == 1


def test_an_organization_above_the_users_scope_still_shows_only_her_rows(figures):
    world = figures.world
    secretary = world.users["secretary"]  # the world's cell only
    assert not g.within_scope(world.province, secretary)
    assert g.within_scope(world.cell, secretary)
    by_level = g.attendances_by_level(secretary, Y2019, org=world.province)
    assert by_level["huyen"]["attendances"] == 1 and "tinh" not in by_level
    assert g.concern_figures(secretary, Y2019, org=world.province)["raised"] == 1
    assert g.cell_coverage(secretary, Y2019, org=world.province)["cells"] == 1


def test_visit_coverage_reads_cells_and_flagged_localities_together(figures):
    world = figures.world
    coverage = g.visit_coverage(office(figures), Y2019, org=world.province)
    assert coverage["cells"] == g.cell_coverage(office(figures), Y2019, org=world.province)
    assert coverage["flagged"] == g.flagged_coverage(office(figures), Y2019, org=world.province)
    secretary = g.visit_coverage(world.users["secretary"], Y2019)
    assert secretary["cells"] == {"cells": 1, "visited": 1, "never_visited": 0}
    assert secretary["flagged"]["localities"] == 0  # the flagged commune is above her cell
    assert secretary["flagged"]["visited"] == 0
