from datetime import date

import pytest

from capuy.campaigns import services

START = date(2020, 3, 25)


@pytest.fixture
def campaign(world):
    return services.campaign_create(
        acting_user=world.users["office"],
        organization=world.province,
        title="Ủng hộ phòng, chống dịch Covid-19 và đồng bào bị ảnh hưởng hạn hán, xâm nhập mặn",
        launched_by="Ủy ban Trung ương MTTQ Việt Nam",
        purpose="Ủng hộ phòng, chống dịch Covid-19 và đồng bào bị ảnh hưởng hạn hán, xâm nhập mặn.",
        start_on=START,
        end_on=date(2020, 12, 31),
        goal=100_000_000,
    )


@pytest.fixture
def give(world, campaign):
    """``give(amount, organization=… | member=…, user="office", **extra)`` records a payment."""

    def _give(amount, *, user="office", on=START, **who):
        return services.contribution_record(
            acting_user=world.users[user],
            campaign=campaign,
            amount=amount,
            received_on=on,
            **who,
        )

    return _give
