"""A concern moves through its lifecycle on the desktop: forwarded to an agency, in progress,
resolved, then reopened when the cell reports it is not actually resolved (journey 3, issue §3)."""

from capuy.concerns.services import concern_raise, ensure_default_categories
from capuy.reports.testing import build_figures


def test_staff_moves_a_concern_through_its_lifecycle(
    browser_world, live_server, desktop, log_in, shot
):
    world = browser_world
    figures = build_figures(world)
    category = {c.code: c for c in ensure_default_categories()}["moi_truong"]
    concern = concern_raise(
        acting_user=world.users["staff"],
        meeting=figures.meetings["march"],
        category=category,
        summary="Mương tưới tiêu nội đồng bị bồi lấp",
        received_by=world.members["tuan"],
    )

    desktop.set_default_timeout(30_000)  # a loaded CI machine serves the first page slowly
    log_in(desktop, "staff")
    desktop.goto(f"{live_server.url}/kien-nghi/?status=open")
    desktop.get_by_test_id(f"concern-row-{concern.pk}").get_by_role("link").click()
    status = desktop.get_by_test_id("concern-status").first
    assert status.inner_text() == "Mới tiếp nhận"
    shot(desktop, "30-concern-new")

    def step(to_status: str, **fields):
        desktop.select_option("#id_to_status", to_status)
        for name, value in fields.items():
            desktop.fill(f"#id_{name}", value)
        desktop.get_by_test_id("transition-submit").click()
        desktop.wait_for_load_state()

    step("chuyen", agency="UBND xã An Phú", due_on="30/06/2019", note="Đề nghị UBND xã xử lý")
    assert status.inner_text() == "Chuyển cơ quan chức năng"
    assert desktop.get_by_test_id("concern-agency").inner_text() == "UBND xã An Phú"
    assert desktop.get_by_test_id("concern-overdue").is_visible()  # due 30/06/2019, still open
    shot(desktop, "31-concern-forwarded")

    step("dang_gq", note="UBND xã đã khảo sát, giao HTX nạo vét")
    assert status.inner_text() == "Đang giải quyết"
    shot(desktop, "32-concern-in-progress")

    step("da_gq", answer="Đã nạo vét 800 m mương", resolved_on="20/05/2019")
    assert status.inner_text() == "Đã giải quyết"
    assert desktop.get_by_test_id("concern-overdue").count() == 0
    shot(desktop, "33-concern-resolved")

    # Reopening needs the cell's note: without it the form says so and nothing changes.
    step("dang_gq")
    assert desktop.get_by_test_id("error-note").is_visible()
    assert status.inner_text() == "Đã giải quyết"
    step("dang_gq", note="Chi bộ phản ánh: mới nạo vét một đoạn, còn 300 m chưa làm")
    assert status.inner_text() == "Đang giải quyết"
    timeline = desktop.get_by_test_id("concern-timeline")
    text = timeline.inner_text()
    assert "Đã giải quyết → Đang giải quyết" in text
    assert "còn 300 m chưa làm" in text
    assert timeline.locator("li").count() == 5
    shot(desktop, "34-concern-reopened")

    concern.refresh_from_db()
    assert [e.to_status for e in concern.events.order_by("at", "id")] == [
        "moi",
        "chuyen",
        "dang_gq",
        "da_gq",
        "dang_gq",
    ]


def test_the_office_follows_compliance_from_the_dashboard(
    browser_world, live_server, desktop, log_in, shot
):
    """Journey 3: the 2019 dashboard, a figure opened to its rows, the Excel export."""
    world = browser_world
    build_figures(world)
    desktop.set_default_timeout(30_000)
    log_in(desktop, "inspector")
    desktop.goto(f"{live_server.url}/cong-tac-co-so/tong-hop/?year=2019")
    assert desktop.get_by_test_id("level-tinh-attendances").inner_text() == "2"
    assert desktop.get_by_test_id("level-huyen-behind").inner_text() == "1"
    assert desktop.get_by_test_id("cells-visited").inner_text() == "2 / 3"
    # March: one provincial and one district attendance; June: one provincial
    assert desktop.get_by_test_id("chart-months").locator("rect").count() == 3
    shot(desktop, "35-grassroots-dashboard-2019")

    desktop.get_by_test_id("level-huyen-behind").click()
    table = desktop.get_by_test_id("compliance-table")
    assert "Trần Thị Lan" in table.inner_text()
    shot(desktop, "36-members-below-quota")

    with desktop.expect_download() as download:
        desktop.get_by_test_id("compliance-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    desktop.get_by_test_id("compliance-count").first.click()
    assert desktop.get_by_test_id("attendance-total").inner_text() == "1"
    shot(desktop, "37-attendance-rows-of-a-member")
