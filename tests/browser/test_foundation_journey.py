"""The foundation journey in a real browser: sign in, browse the tree, find a member without
diacritics, open the member's history (issue: foundation §10)."""

from datetime import date

from capuy.members.services import member_update


def test_inspector_browses_the_tree_and_finds_a_member(
    browser_world, live_server, desktop, log_in, shot
):
    world = browser_world
    # an office edit leaves a trace in the member's history
    member_update(
        acting_user=world.users["office"], member=world.members["hung"], birth_date=date(1979, 7, 2)
    )

    log_in(desktop, "inspector")
    desktop.get_by_role("link", name="Tổ chức đảng", exact=True).first.click()
    desktop.wait_for_url("**/to-chuc/**")
    province = desktop.get_by_test_id(f"tree-node-{world.province.code}")
    assert province.is_visible()
    # the tree opens lazily: the district appears once the province is opened
    district_node = desktop.get_by_test_id(f"tree-node-{world.district.code}")
    if not district_node.is_visible():
        desktop.get_by_test_id(f"toggle-{world.province.code}").click()
    district_node.wait_for()
    assert desktop.get_by_test_id(f"count-{world.district.code}").inner_text().split()[0] == "4"
    desktop.get_by_test_id(f"toggle-{world.district.code}").click()
    desktop.get_by_test_id(f"tree-node-{world.grassroots.code}").wait_for()
    shot(desktop, "10-tree-opened")

    desktop.get_by_role("link", name="Đảng viên", exact=True).first.click()
    desktop.get_by_test_id("member-search").fill("nguyen van hung")
    row = desktop.get_by_test_id(f"member-row-{world.members['hung'].pk}")
    row.wait_for()
    assert "Nguyễn Văn Hùng" in row.inner_text()
    shot(desktop, "11-member-search-without-diacritics")

    row.get_by_role("link").first.click()
    desktop.get_by_test_id("history-link").click()
    history = desktop.get_by_test_id("member-history")
    history.wait_for()
    text = history.inner_text()
    assert "office" in text
    assert "02/07/1979" in text and "01/01/1980" in text
    shot(desktop, "12-member-history")


def test_member_search_works_on_a_phone(browser_world, live_server, phone, log_in, shot):
    log_in(phone, "secretary")
    phone.goto(f"{live_server.url}/dang-vien/")
    phone.get_by_test_id("member-search").fill("tuan")
    row = phone.get_by_test_id(f"member-row-{browser_world.members['tuan'].pk}")
    row.wait_for()
    assert "Lê Minh Tuấn" in row.inner_text()
    # the secretary's scope is her own cell: the member of the other cell is not listed
    assert phone.get_by_test_id(f"member-row-{browser_world.members['an'].pk}").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "13-phone-member-search")
