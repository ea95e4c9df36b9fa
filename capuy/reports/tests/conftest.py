import pytest

from capuy.reports.testing import build_figures


@pytest.fixture
def figures(world):
    return build_figures(world)
