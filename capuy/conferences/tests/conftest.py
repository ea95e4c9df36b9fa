import pytest

from capuy.conferences import services
from capuy.conferences.choices import Session
from capuy.conferences.testing import DAY, province_agencies, seat_the_committee


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seats(world):
    return seat_the_committee(world)


@pytest.fixture
def agencies(world):
    return province_agencies(world)


@pytest.fixture
def office(world):
    return world.users["office"]


@pytest.fixture
def conference(world, seats, office):
    """Hội nghị lần thứ 32 (the first in capuy, so with a reason for the gap), chaired by Hùng."""
    return services.conference_create(
        acting_user=office,
        committee=world.bch,
        number=32,
        date=DAY,
        session=Session.SANG,
        place="Hội trường Tỉnh ủy",
        chairs=[world.members["hung"]],
        number_gap_reason="Các hội nghị trước chưa nhập vào capuy.",
    )


@pytest.fixture
def conclusion(conference, office):
    return services.conclusion_create(
        acting_user=office,
        conference=conference,
        text="Giao Ban Tổ chức chủ trì, phối hợp tiếp thu ý kiến, hoàn thiện báo cáo.",
    )


@pytest.fixture
def task(conclusion, agencies, office):
    return services.task_assign(
        acting_user=office,
        conclusion=conclusion,
        title="Hoàn thiện báo cáo kiểm điểm năm 2019",
        agencies=[agencies["btc"], agencies["btg"], agencies["district"]],
        due_on=DAY.replace(month=4, day=10),
        expected_product="Báo cáo trình Ban Thường vụ",
    )
