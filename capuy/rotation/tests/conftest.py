import pytest

from capuy.rotation.testing import END, START, rotation_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rw(world):
    return rotation_world(world)


@pytest.fixture
def make_plan(rw):
    """``make_plan(**rules)``: the office's plan for January–June 2026 over the province."""
    from capuy.rotation import services

    def _make(**rules):
        rules.setdefault("time_limit", 10)
        return services.plan_create(
            acting_user=rw.world.users["office"],
            organization=rw.world.province,
            name="Luân phiên 6 tháng đầu năm 2026",
            period_start=START,
            period_end=END,
            **rules,
        )

    return _make
