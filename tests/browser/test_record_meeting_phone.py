"""Journey 1 on a phone: a cell secretary records last night's meeting, its upper-level
attendee and one forwarded concern on one screen (journeys.md §1)."""

from datetime import timedelta

from django.urls import get_resolver
from django.utils import timezone
from playwright.sync_api import expect

from capuy.concerns.models import Concern, ConcernCategory
from capuy.core.testing import member_in
from capuy.meetings import services
from capuy.meetings.choices import Confirmation, EnteredBy, MeetingStatus
from capuy.meetings.models import Attendance, CellMeeting
from capuy.meetings.testing import rule_at, seat_for


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_cell_secretary_records_last_nights_meeting_on_a_phone(
    browser_world, live_server, phone, log_in, shot
):
    world = browser_world
    # Import every URL module before the first request: some apps import heavy libraries
    # (ortools…) at import time, longer than the page timeout.
    get_resolver().url_patterns  # noqa: B018
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    # given: her cell meets monthly (so last night's meeting exists), a provincial committee
    # member from another district, the regulation, and the concern categories
    schedule = services.schedule_create(
        acting_user=world.users["office"],
        cell=world.cell,
        day_of_month=yesterday.day,
        starts_on=yesterday - timedelta(days=40),
    )
    services.meetings_generate(schedule, today + timedelta(days=62))
    meeting = CellMeeting.objects.get(cell=world.cell, date=yesterday)
    tuan = member_in(world.outside_cell, "Trần", "Minh", "Tuấn")
    seat_for(tuan, world.province)
    rule_at(world.province)
    ConcernCategory.objects.get_or_create(code="ha_tang", defaults={"name": "Hạ tầng"})

    # 1. the home screen shows her cell's last and next meetings; she taps last night's
    log_in(phone, "secretary")
    phone.goto(f"{live_server.url}/")
    section = phone.get_by_test_id("home-cell")
    expect(section).to_contain_text("Chi bộ thôn Đông")
    expect(phone.get_by_test_id("home-next-meeting")).to_be_visible()
    shot(phone, "meetings-01-home-secretary")
    phone.get_by_test_id("home-last-meeting").click()
    phone.wait_for_url(f"**/sinh-hoat/{meeting.pk}/ghi-nhan/")
    expect(phone.locator("#id_date")).to_have_value(yesterday.strftime("%d/%m/%Y"))
    shot(phone, "meetings-02-record-screen")

    # 2. "tuan" finds Trần Minh Tuấn without diacritics, with the seat he holds that day
    phone.get_by_test_id("attendee-search").fill("tuan")
    pick = phone.get_by_test_id(f"pick-{tuan.pk}")
    expect(pick).to_contain_text("Trần Minh Tuấn")
    expect(pick).to_contain_text("Ủy viên BCH Đảng bộ tỉnh")
    assert pick.bounding_box()["height"] >= 44  # a large touch target
    shot(phone, "meetings-03-picker")
    pick.click()
    expect(phone.get_by_test_id(f"attendee-{tuan.pk}")).to_contain_text("Ủy viên BCH Đảng bộ tỉnh")

    # 3. one concern, forwarded to the commune People's Committee, due in a month
    phone.get_by_test_id("add-concern").click()
    block = phone.get_by_test_id("concern-1")
    block.locator("select[name='c-1-category']").select_option(label="Hạ tầng")
    block.locator("textarea[name='c-1-summary']").fill("Đường liên thôn xuống cấp")
    block.locator("select[name='c-1-status']").select_option("chuyen")
    block.locator("input[name='c-1-agency']").fill("UBND xã An Phú")
    block.get_by_test_id("due-1m").click()
    expect(block.locator("select[name='c-1-received_by']")).to_have_value(str(tuan.pk))
    assert no_horizontal_scroll(phone)
    shot(phone, "meetings-04-concern")

    # the connection drops mid-save: she is told, and everything she entered is still there
    phone.context.set_offline(True)
    phone.get_by_test_id("record-save").click()
    expect(phone.locator("#htmx-error")).to_contain_text("Mất kết nối")
    expect(block.locator("textarea[name='c-1-summary']")).to_have_value("Đường liên thôn xuống cấp")
    expect(phone.get_by_test_id(f"attendee-{tuan.pk}")).to_be_visible()
    shot(phone, "meetings-05-offline-input-kept")
    assert not Attendance.objects.exists()

    # 4. back online she saves; one clear confirmation
    phone.context.set_offline(False)
    phone.get_by_test_id("record-save").click()
    phone.wait_for_url(f"**/sinh-hoat/{meeting.pk}/")
    expect(phone.get_by_role("alert").first).to_contain_text(
        "đã họp, 1 người dự cấp trên, 1 kiến nghị"
    )
    assert no_horizontal_scroll(phone)
    shot(phone, "meetings-06-saved")

    # then: the rows behind it
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.recorded_by == world.users["secretary"]
    attendance = Attendance.objects.get()
    assert attendance.member == tuan and attendance.level == "tinh"
    assert attendance.entered_via == EnteredBy.SECRETARY
    assert attendance.confirmation == Confirmation.CONFIRMED  # she entered it
    concern = Concern.objects.get()
    assert concern.meeting == meeting and concern.status == "chuyen"
    assert concern.summary == "Đường liên thôn xuống cấp" and concern.agency == "UBND xã An Phú"
    assert concern.received_by == tuan
    assert today + timedelta(days=27) <= concern.due_on <= today + timedelta(days=32)
