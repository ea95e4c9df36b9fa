"""Journey 6, review season: a cell secretary enters her members' results on a phone, and the
grassroots committee is refused a decision over the excellent quota (journeys.md §6)."""

from django.urls import get_resolver
from playwright.sync_api import expect

from capuy.reviews import services
from capuy.reviews.models import Review
from capuy.reviews.testing import (
    big_grassroots,
    ensure_shipped,
    manifestation,
    open_cycle,
    review_of,
)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_cell_secretary_enters_results_on_a_phone(browser_world, live_server, phone, log_in, shot):
    world = browser_world
    get_resolver().url_patterns  # noqa: B018 — import every URL module before the first request
    ensure_shipped()
    # given: the province opened the 2019 cycle
    cycle = open_cycle(world)
    hung, lan = world.members["hung"], world.members["lan"]

    # 1. she finds the cycle and her cell's members
    log_in(phone, "secretary")
    phone.goto(f"{live_server.url}/danh-gia/")
    phone.get_by_test_id(f"cycle-{cycle.pk}").click()
    phone.get_by_test_id("cell-entry-link").click()
    expect(phone.get_by_test_id("cell-name")).to_have_text("Chi bộ thôn Đông")
    expect(phone.get_by_test_id(f"member-row-{hung.pk}")).to_contain_text("Nguyễn Văn Hùng")
    expect(phone.get_by_test_id(f"member-row-{world.members['an'].pk}")).to_have_count(0)
    assert no_horizontal_scroll(phone)
    shot(phone, "reviews-01-cell-members-phone")

    # 2. for Hùng: self level, the manifestations found without diacritics, the cell's proposal
    row = phone.get_by_test_id(f"member-row-{hung.pk}")
    button = row.get_by_test_id(f"level-r{review_of(cycle, hung).pk}-self_level-HTTNV")
    assert button.bounding_box()["height"] >= 44  # a large touch target
    button.click()
    row.get_by_test_id(f"manif-toggle-{hung.pk}").click()
    prefix = f"r{review_of(cycle, hung).pk}"
    row.get_by_test_id(f"manif-search-{prefix}").fill("phai nhat ly tuong")
    expect(row.get_by_test_id(f"manif-{prefix}-A1")).to_be_visible()
    expect(row.get_by_test_id(f"manif-{prefix}-A3")).to_be_hidden()
    row.get_by_test_id(f"manif-{prefix}-A1").check()
    row.get_by_test_id(f"manif-search-{prefix}").fill("")
    row.get_by_test_id(f"manif-{prefix}-A3").check()
    row.get_by_test_id(f"level-{prefix}-proposed_level-HTTNV").click()
    shot(phone, "reviews-02-member-entry")
    row.get_by_test_id(f"row-save-{hung.pk}").click()
    expect(phone.get_by_test_id(f"row-saved-{hung.pk}")).to_be_visible()
    expect(phone.get_by_test_id(f"row-status-{hung.pk}")).to_have_text("Đã đề xuất mức")
    shot(phone, "reviews-03-member-saved")

    # 3. Lan without any linked manifestation is refused, her choices kept, then saved
    lan_prefix = f"r{review_of(cycle, lan).pk}"
    lan_row = phone.get_by_test_id(f"member-row-{lan.pk}")
    lan_row.get_by_test_id(f"level-{lan_prefix}-self_level-HTXSNV").click()
    lan_row.get_by_test_id(f"level-{lan_prefix}-proposed_level-HTTNV").click()
    lan_row.get_by_test_id(f"row-save-{lan.pk}").click()
    lan_row = phone.get_by_test_id(f"member-row-{lan.pk}")
    expect(lan_row.get_by_test_id(f"row-error-manifestations-{lan.pk}")).to_contain_text(
        "27 biểu hiện"
    )
    chosen = lan_row.locator(f"input[name='{lan_prefix}-self_level'][value='HTXSNV']")
    expect(chosen).to_be_checked()
    shot(phone, "reviews-04-linkage-required")
    lan_row.get_by_test_id(f"manif-{lan_prefix}-B2").check()
    lan_row.get_by_test_id(f"row-save-{lan.pk}").click()
    expect(phone.get_by_test_id(f"row-saved-{lan.pk}")).to_be_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, "reviews-05-second-member-saved")

    # then: both are proposed, with their links, recorded as her steps
    hung_review, lan_review = review_of(cycle, hung), review_of(cycle, lan)
    assert (hung_review.status, hung_review.self_level, hung_review.proposed_level) == (
        "proposed",
        "HTTNV",
        "HTTNV",
    )
    assert sorted(m.code for m in hung_review.linked_manifestations()) == ["A1", "A3"]
    assert (lan_review.self_level, lan_review.proposed_level) == ("HTXSNV", "HTTNV")
    assert list(hung_review.events.values_list("step", "by__username")) == [
        ("self", "secretary"),
        ("propose", "secretary"),
    ]


def test_the_decision_over_quota_is_refused_with_the_numbers(
    browser_world, live_server, desktop, log_in, shot
):
    world = browser_world
    get_resolver().url_patterns  # noqa: B018
    ensure_shipped()
    # given: a commune of 13 members, 10 decided HTTNV and 2 HTXSNV already
    grassroots, cell, people = big_grassroots(world, members=13)
    cycle = open_cycle(world)
    office = world.users["office"]
    reviews = [review_of(cycle, person) for person in people]
    for review in reviews:
        services.review_self_assess(
            acting_user=office, review=review, level="HTXSNV", manifestations=[manifestation()]
        )
        services.review_propose(acting_user=office, review=review, level="HTXSNV")
    for review in reviews[:10]:
        services.review_decide(acting_user=office, review=review, level="HTTNV")
    for review in reviews[10:12]:
        services.review_decide(acting_user=office, review=review, level="HTXSNV")
    last = reviews[12]

    # the district committee's staff opens the decision page of the 13th member
    log_in(desktop, "staff")
    desktop.goto(f"{live_server.url}/danh-gia/ket-qua/{last.pk}/quyet-dinh/")
    counter = desktop.get_by_test_id("quota-counter")
    expect(counter).to_contain_text("đã có 2 HTXSNV / 10 HTTNV, tối đa 2")
    expect(counter).to_contain_text("Đảng viên — Đảng bộ xã Quy Mô")
    shot(desktop, "reviews-06-decision-page")

    # choosing HTXSNV shows at once that it would break the quota
    desktop.get_by_test_id("level-level-HTXSNV").click()
    expect(desktop.get_by_test_id("quota-prediction")).to_contain_text("Vượt tỷ lệ HTXSNV")
    shot(desktop, "reviews-07-quota-live-warning")

    # deciding anyway is refused with the group and the numbers; nothing is saved
    desktop.get_by_test_id("decide-submit").click()
    expect(desktop.get_by_test_id("error-level")).to_contain_text(
        "đã có 2 HTXSNV / 10 HTTNV, tối đa 2"
    )
    expect(desktop.get_by_test_id("error-level")).to_contain_text("Đảng bộ xã Quy Mô")
    shot(desktop, "reviews-08-quota-refused")
    last.refresh_from_db()
    assert (last.status, last.decided_level) == ("proposed", "")
    assert Review.objects.filter(quota_group=last.quota_group, decided_level="HTXSNV").count() == 2

    # HTTNV goes through
    desktop.get_by_test_id("level-level-HTTNV").click()
    desktop.get_by_test_id("decide-submit").click()
    expect(desktop.get_by_test_id("decided-level")).to_contain_text("HTTNV")
    shot(desktop, "reviews-09-decided")

    # the coverage climbs: the district's page shows required / reviewed / decided per level
    desktop.goto(f"{live_server.url}/danh-gia/{cycle.pk}/")
    expect(desktop.get_by_test_id("coverage-level-co_so")).to_contain_text("đã quyết định 13")
    shot(desktop, "reviews-10-coverage")
