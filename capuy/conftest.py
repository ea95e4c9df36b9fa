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
