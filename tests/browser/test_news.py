"""Journey 7, step 5 in a real browser: the press office drafts the news item from the
conference record, edits it, adds a photo, publishes it; a visitor who is not signed in reads
it on the public page and the view counter counts him once."""

from datetime import date
from io import BytesIO

from capuy.committees.choices import SeatRole
from capuy.committees.models import Seat
from capuy.conferences.models import AgendaItem, Conference, ConferenceAttendance
from capuy.news.models import NewsItem


def a_conference(world) -> Conference:
    """The 32nd conference of the test province's executive committee, as the office recorded it."""
    secretary = Seat.objects.create(
        committee=world.bch,
        member=world.members["hung"],
        role=SeatRole.BI_THU,
        start_on=date(2015, 10, 15),
    )
    conference = Conference.objects.create(
        committee=world.bch,
        number=32,
        date=date(2020, 3, 25),
        session="sang",
        place="",
        conclusion=(
            "Giao Ban Tổ chức Tỉnh ủy, Ban Tuyên giáo Tỉnh ủy, Văn phòng Tỉnh ủy tiếp thu các ý "
            "kiến, hoàn thiện báo cáo theo quy định."
        ),
    )
    conference.chairs.add(world.members["hung"])
    ConferenceAttendance.objects.create(
        conference=conference, member=world.members["hung"], seat=secretary, status="co_mat"
    )
    AgendaItem.objects.create(
        conference=conference,
        order=1,
        title="Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2019",
        presenter=world.members["lan"],
        presenter_title="Trưởng Ban Tổ chức Tỉnh ủy",
    )
    return conference


def png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (640, 360), (170, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_office_drafts_edits_publishes_and_the_public_counts_views(
    browser_world, live_server, desktop, browser, log_in, shot, settings, tmp_path
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.MEDIA_ROOT = tmp_path
    world = browser_world
    conference = a_conference(world)
    office = world.users["office"]
    TOTPDevice.objects.create(user=office, name="test", confirmed=True)

    # The machine may be shared with other suites: give slow pages time (still bounded).
    desktop.set_default_timeout(30_000)
    desktop.set_default_navigation_timeout(60_000)
    log_in(desktop, "office", user=office)
    desktop.goto(f"{live_server.url}/tin/quan-ly/")
    desktop.get_by_test_id("news-draft-from-conference").click()
    desktop.select_option("#id_conference", str(conference.pk))
    desktop.fill("#id_author_initials", "S.T")
    shot(desktop, "70-news-draft-from-conference")
    desktop.get_by_test_id("news-draft-submit").click()

    # the draft, written from the record, opens for editing
    desktop.wait_for_url("**/tin/quan-ly/*/sua/")
    assert (
        desktop.input_value("#id_title")
        == "Hội nghị lần thứ 32 Ban Chấp hành Đảng bộ tỉnh khóa XIX"
    )
    lead = desktop.input_value("#id_lead")
    assert lead.startswith(
        "Sáng 25/3, dưới sự chủ trì của đồng chí Nguyễn Văn Hùng, Bí thư Tỉnh ủy"
    )
    assert "Trưởng Ban Tổ chức Tỉnh ủy Trần Thị Lan báo cáo" in desktop.input_value("#id_body")
    desktop.fill(
        "#id_body", desktop.input_value("#id_body") + "\n\nHội nghị kết thúc vào buổi trưa."
    )
    shot(desktop, "71-news-draft-edit")
    desktop.get_by_test_id("news-save").click()
    desktop.get_by_test_id("news-status").wait_for()
    assert "Bản nháp" in desktop.get_by_test_id("news-status").inner_text()

    # a photo with its caption
    desktop.get_by_test_id("news-photo-add").click()
    desktop.set_input_files(
        "#id_image", files=[{"name": "toan-canh.png", "mimeType": "image/png", "buffer": png()}]
    )
    desktop.fill("#id_caption", "Toàn cảnh Hội nghị.")
    desktop.get_by_test_id("photo-save").click()
    desktop.get_by_test_id("news-photo").first.wait_for()

    # still a draft: the public does not see it
    item = NewsItem.objects.get()
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    public = visitor.new_page()
    public.set_default_timeout(30_000)
    public.set_default_navigation_timeout(60_000)
    response = public.goto(f"{live_server.url}/tin/{item.pk}/")
    assert response.status == 404

    desktop.get_by_test_id("news-publish").click()
    desktop.get_by_test_id("news-status").wait_for()
    assert "Đã đăng" in desktop.get_by_test_id("news-status").inner_text()
    shot(desktop, "72-news-published-office")

    # the public page, not signed in
    public.goto(f"{live_server.url}/tin/")
    public.get_by_test_id("public-news-row").first.get_by_role("link").click()
    public.get_by_test_id("news-title").wait_for()
    assert public.get_by_test_id("news-title").inner_text() == item.title
    item.refresh_from_db()
    shown = public.get_by_test_id("news-published-at").inner_text()
    assert shown == item.published_at.astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh")
    ).strftime("%d/%m/%Y %H:%M")
    assert public.get_by_test_id("news-views").inner_text() == "1"
    assert "Toàn cảnh Hội nghị." in public.get_by_test_id("news-photo").inner_text()
    assert public.get_by_test_id("news-author").inner_text() == "S.T"
    shot(public, "73-news-public-page")
    public.reload()
    assert public.get_by_test_id("news-views").inner_text() == "1"  # same visitor, same day

    # Another reader, on a phone (a visitor without the cookie is its address and browser).
    another = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="vi-VN",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
    )
    phone = another.new_page()
    phone.set_default_navigation_timeout(60_000)
    phone.goto(f"{live_server.url}/tin/{item.pk}/")
    assert phone.get_by_test_id("news-views").inner_text() == "2"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "74-news-public-phone")
    another.close()
    visitor.close()
    item.refresh_from_db()
    assert item.view_count == 2
