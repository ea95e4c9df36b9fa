from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.accounts.models import ApiToken, hash_token

PASSWORD = "mat-khau-thu-nghiem"


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_repeated_failures_lock_the_username_from_that_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "inspector", "password": "sai"})
    # even the right password is refused while locked
    response = client.post(
        reverse("accounts:login"), {"username": "inspector", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_office_staff_must_enrol_second_factor_before_any_page(client, world):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:setup_2fa")


def test_inspector_may_work_without_second_factor(client, world):
    client.post(reverse("accounts:login"), {"username": "inspector", "password": PASSWORD})
    assert client.get(reverse("core:home")).status_code == 200


def test_enrolling_with_the_right_code_turns_2fa_on(client, world):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    client.get(reverse("accounts:setup_2fa"))
    device = TOTPDevice.objects.get(user=world.users["office"], confirmed=False)
    response = client.post(reverse("accounts:setup_2fa"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200


def test_enrolling_with_a_wrong_code_is_refused(client, world):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    client.get(reverse("accounts:setup_2fa"))
    response = client.post(reverse("accounts:setup_2fa"), {"token": "000000"})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["office"], confirmed=True).exists()


def test_user_with_device_must_verify_after_password(client, world):
    device = TOTPDevice.objects.create(user=world.users["inspector"], name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "inspector", "password": PASSWORD})
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    response = client.post(reverse("accounts:verify"), {"token": current_code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_token_command_prints_a_token_that_authenticates(world):
    out = StringIO()
    call_command("token", "create", "inspector", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("capuy_")
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.user == world.users["inspector"]


def test_token_command_names_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có người dùng «ai_do»"):
        call_command("token", "create", "ai_do")


def test_revoked_token_no_longer_authenticates(client, world):
    token, raw = ApiToken.issue(user=world.users["inspector"])
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post(reverse("accounts:login"), {"username": "inspector", "password": PASSWORD})
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code in (401, 403)
