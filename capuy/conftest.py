import pytest

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
