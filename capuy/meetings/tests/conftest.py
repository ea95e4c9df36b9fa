import pytest

from capuy.meetings.testing import build_grassroots


@pytest.fixture
def gw(world):
    """The persona world with upper-level committee members and 01-QĐ/TU (see build_grassroots)."""
    return build_grassroots(world)
