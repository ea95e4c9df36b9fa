from datetime import date

import pytest

from capuy.concerns.services import ensure_default_categories
from capuy.reports.testing import attendance_at, meeting_in


@pytest.fixture
def categories(db):
    return {c.code: c for c in ensure_default_categories()}


@pytest.fixture
def meeting(world):
    """A held meeting of the world's cell in May 2019, attended by Tuấn (a Tỉnh ủy viên)."""
    held = meeting_in(world.cell, date(2019, 5, 5))
    attendance_at(held, world.seat)
    return held
