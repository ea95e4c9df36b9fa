"""The cycle page's coverage by organization, 50 rows a page: a district's staff pages through
its communes and narrows them to the incomplete ones, the table swapped in place by htmx."""

import re

from playwright.sync_api import expect

from capuy.reviews import services
from capuy.reviews.testing import ensure_shipped, more_communes, open_cycle, review_of


def test_district_staff_pages_and_filters_the_coverage_table(
    browser_world, live_server, desktop, log_in, shot
):
    world = browser_world
    ensure_shipped()
    # given: 54 more communes in the district (56 rows with An Phú and the district's own),
    # the first of them fully decided
    communes = more_communes(world)
    cycle = open_cycle(world)
    done = review_of(cycle, communes[0])
    office = world.users["office"]
    services.review_self_assess(acting_user=office, review=done, level="HTTNV", manifestations=[])
    services.review_decide(acting_user=office, review=done, level="HTTNV")

    log_in(desktop, "staff")
    desktop.goto(f"{live_server.url}/danh-gia/{cycle.pk}/")
    summary = desktop.get_by_test_id("coverage-summary")
    rows = desktop.locator('[data-testid^="coverage-row-"]')
    expect(summary).to_have_text("Hiển thị 1–50 trên 56 đơn vị")
    expect(rows).to_have_count(50)
    shot(desktop, "cycle-coverage-01-first-page")

    # the next page replaces the table only (the page is not reloaded) and is in the address
    desktop.evaluate("window.stillHere = true")
    desktop.get_by_test_id("coverage-next").click()
    expect(summary).to_have_text("Hiển thị 51–56 trên 56 đơn vị")
    expect(rows).to_have_count(6)
    expect(desktop).to_have_url(re.compile(r"[?&]page=2"))
    assert desktop.evaluate("window.stillHere") is True

    # only the incomplete ones, from the first page again; the totals stay those of all
    desktop.get_by_test_id("coverage-incomplete").check()
    expect(summary).to_have_text("Hiển thị 1–50 trên 55 đơn vị chưa đủ (trong 56 đơn vị)")
    expect(desktop.get_by_test_id(f"coverage-row-{communes[0].pk}")).to_have_count(0)
    expect(desktop).to_have_url(re.compile(r"[?&]incomplete=1"))
    assert "page=" not in desktop.url

    # the least complete first: the decided commune is not listed, An Phú (nothing reviewed
    # either) keeps its place among the others in tree order
    desktop.get_by_test_id("coverage-sort").select_option("progress")
    expect(desktop).to_have_url(re.compile(r"[?&]sort=progress"))
    expect(rows.first).to_have_attribute("data-testid", f"coverage-row-{world.district.pk}")
    assert desktop.evaluate("window.stillHere") is True
    shot(desktop, "cycle-coverage-02-incomplete-least-first")

    # the same address opened afresh gives the same table
    desktop.reload()
    expect(summary).to_have_text("Hiển thị 1–50 trên 55 đơn vị chưa đủ (trong 56 đơn vị)")
    expect(desktop.get_by_test_id("coverage-incomplete")).to_be_checked()
    expect(desktop.get_by_test_id("coverage-sort")).to_have_value("progress")
