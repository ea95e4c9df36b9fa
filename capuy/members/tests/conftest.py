import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Export files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
