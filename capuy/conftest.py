import pytest
from rest_framework.test import APIClient

from capuy.core.testing import build_world, sign_in


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_user(client, world):
    """``as_user("office")`` returns the test client signed in as that persona."""

    def _as(name: str):
        sign_in(client, world.users[name])
        return client

    return _as


@pytest.fixture
def api(world):
    """``api("staff")``: an API client signed in as that persona; ``api()`` is anonymous."""

    def _as(name: str | None = None) -> APIClient:
        client = APIClient()
        if name is not None:
            sign_in(client, world.users[name])
        return client

    return _as


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread (Django does not switch back
    after a response), also from the tests outside this folder: each test starts and ends in
    the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
