from django_otp.plugins.otp_totp.models import TOTPDevice


def test_office_signs_in_with_password_and_second_factor(
    browser_world, live_server, desktop, log_in, shot
):
    # given the office user has an enrolled authenticator
    office = browser_world.users["office"]
    TOTPDevice.objects.create(user=office, name="app", confirmed=True)
    # when they sign in through the form and type the current code
    log_in(desktop, "office", user=office)
    # then they reach the home page with the navigation
    assert desktop.url == f"{live_server.url}/"
    shot(desktop, "01-home-after-login")
    assert desktop.get_by_role("link", name="Tổ chức đảng", exact=True).is_visible()
    shot(desktop, "01-home-after-login")


def test_office_without_device_must_enrol_first(browser_world, live_server, desktop, log_in, shot):
    log_in(desktop, "office")
    desktop.goto(f"{live_server.url}/to-chuc/")
    assert "/tai-khoan/bao-mat/hai-lop/" in desktop.url
    assert desktop.get_by_text("bắt buộc dùng xác thực hai lớp").is_visible()
    shot(desktop, "02-2fa-enrolment-required")


def test_wrong_password_shows_vietnamese_error(browser_world, live_server, desktop, log_in):
    log_in(desktop, "inspector", password="sai-mat-khau")
    assert desktop.get_by_role("alert").inner_text().strip() != ""
    assert "/tai-khoan/dang-nhap/" in desktop.url
