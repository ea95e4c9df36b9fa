"""Who may call the API at all: tokens, sessions with and without the second factor."""

from django.utils import timezone
from rest_framework.test import APIClient

from capuy.accounts.models import ApiToken
from capuy.members.models import Member

MEMBERS = "/api/v1/members/"


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_anonymous_request_is_challenged_for_a_bearer_token(api):
    response = api().get(MEMBERS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"].startswith("Chưa cung cấp thông tin xác thực")


def test_bearer_token_sees_exactly_the_token_owners_scope(world):
    _token, raw = ApiToken.issue(user=world.users["staff"], name="tích hợp")

    response = bearer(raw).get(MEMBERS)

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == set(Member.objects.visible_to(world.users["staff"]).values_list("id", flat=True))
    assert world.members["hung_outside"].pk not in ids


def test_bearer_token_write_is_recorded_in_the_history_as_its_owner(world):
    _token, raw = ApiToken.issue(user=world.users["staff"])
    hung = world.members["hung"]

    response = bearer(raw).patch(f"{MEMBERS}{hung.pk}/", {"ten_dem": "Minh"}, format="json")

    assert response.status_code == 200
    assert hung.history.latest().history_user == world.users["staff"]


def test_using_a_token_stamps_its_last_use(world):
    token, raw = ApiToken.issue(user=world.users["inspector"])
    bearer(raw).get(MEMBERS)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused(world):
    token, raw = ApiToken.issue(user=world.users["office"])
    token.revoked_at = timezone.now()
    token.save()
    response = bearer(raw).get(MEMBERS)
    assert response.status_code == 401


def test_unknown_token_is_refused(world):
    assert bearer("capuy_khong-ton-tai").get(MEMBERS).status_code == 401


def test_token_of_deactivated_user_is_refused(world):
    user = world.users["staff"]
    _token, raw = ApiToken.issue(user=user)
    user.is_active = False
    user.save()
    assert bearer(raw).get(MEMBERS).status_code == 401


def test_session_that_has_not_passed_the_second_factor_is_refused(world):
    # office staff must use 2FA; a password-only session may not reach data through /api/
    client = APIClient()
    client.force_login(world.users["office"])

    response = client.get(MEMBERS)

    assert response.status_code == 403
    assert "xác thực hai lớp" in response.json()["detail"]


def test_session_of_a_role_without_2fa_requirement_works_without_device(world):
    client = APIClient()
    client.force_login(world.users["inspector"])
    assert client.get(MEMBERS).status_code == 200


def test_user_without_any_role_is_refused(world, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", password="x-y-z-1234567")
    _token, raw = ApiToken.issue(user=nobody)
    assert bearer(raw).get(MEMBERS).status_code == 403


def test_read_only_roles_cannot_create(api, world):
    for persona in ("inspector", "committee_member", "secretary"):
        response = api(persona).post(MEMBERS, {"ho": "Lê", "ten": "Bình"}, format="json")
        assert response.status_code == 403, persona
