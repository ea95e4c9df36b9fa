import pytest
from django.urls import reverse

from capuy.campaigns.models import Contribution


@pytest.fixture
def api(as_user):
    def _api(persona="office"):
        return as_user(persona)

    return _api


def post(client, name, data, **kwargs):
    return client.post(reverse(name, **kwargs), data, content_type="application/json")


def test_the_api_records_a_contribution_with_its_receipt(world, api, campaign):
    response = post(
        api(),
        "api:contribution-list",
        {
            "campaign": campaign.pk,
            "organization": world.cell.pk,
            "amount": 1_000_000,
            "received_on": "2020-03-25",
            "covered_members": [{"member": world.members["hung"].pk, "amount": 400_000}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["receipt_no"] == 1 and body["kind"] == "organization"
    assert body["covered_members"][0]["member_name"] == "Nguyễn Văn Hùng"


@pytest.mark.parametrize(
    ("amount", "message"),
    [(-5, "không nhận số âm"), (1500000.5, "không có phần lẻ"), ("1,5", "không có phần lẻ")],
)
def test_the_api_refuses_bad_amounts_in_vietnamese(world, api, campaign, amount, message):
    response = post(
        api(),
        "api:contribution-list",
        {
            "campaign": campaign.pk,
            "organization": world.cell.pk,
            "amount": amount,
            "received_on": "2020-03-25",
        },
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["amount"])
    assert not Contribution.objects.exists()


def test_the_api_refuses_a_duplicated_receipt_number(world, api, campaign, give):
    give(1_000, organization=world.district)
    response = post(
        api(),
        "api:contribution-list",
        {
            "campaign": campaign.pk,
            "organization": world.cell.pk,
            "amount": 1_000,
            "received_on": "2020-03-25",
            "receipt_no": 1,
        },
    )
    assert response.status_code == 400
    assert "đã được dùng" in " ".join(response.json()["receipt_no"])


def test_the_api_voids_a_receipt(world, api, give):
    contribution = give(1_000, organization=world.district)
    response = post(
        api(), "api:contribution-void", {"reason": "Nhầm"}, kwargs={"pk": contribution.pk}
    )
    assert response.status_code == 200 and response.json()["status"] == "voided"


def test_the_api_gives_totals_per_node(world, api, campaign, give):
    give(1_000_000, organization=world.district)
    give(500_000, organization=world.other_district)
    response = api("staff").get(reverse("api:campaign-totals", args=[campaign.pk]))
    body = response.json()
    assert body["node"] == world.district.pk  # staff see their own district
    assert body["total"]["received"] == 1_000_000
    response = api().get(reverse("api:campaign-totals", args=[campaign.pk]))
    assert response.json()["total"]["received"] == 1_500_000


def test_the_api_lists_only_contributions_in_scope(world, api, give):
    give(1_000, organization=world.district)
    give(2_000, organization=world.other_district)
    rows = api("staff").get(reverse("api:contribution-list")).json()["results"]
    assert [row["amount"] for row in rows] == [1_000]


def test_a_read_only_persona_cannot_record(world, api, campaign):
    response = post(
        api("inspector"),
        "api:contribution-list",
        {
            "campaign": campaign.pk,
            "organization": world.cell.pk,
            "amount": 1_000,
            "received_on": "2020-03-25",
        },
    )
    assert response.status_code == 403
