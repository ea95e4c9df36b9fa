from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from capuy.campaigns.documents import amount_in_words
from capuy.campaigns.forms import parse_vnd
from capuy.campaigns.models import Contribution


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_office_records_a_contribution_through_the_form(world, as_user, campaign):
    client = as_user("office")
    url = reverse("campaigns:contribution_add", args=[campaign.pk])
    response = client.post(
        url,
        {
            "contributor": f"o:{world.cell.pk}",
            "amount": "1.500.000",
            "received_on": "25/03/2020",
            "covered": [str(world.members["hung"].pk)],
            f"covered_amount_{world.members['hung'].pk}": "500.000",
        },
    )
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:contribution_detail", args=[contribution.pk])
    assert contribution.amount == 1_500_000 and contribution.receipt_no == 1
    assert contribution.shares.get().amount == 500_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-500.000", "không nhận số âm"),
        ("1500000,5", "không có phần lẻ"),
        ("1.5", "không có phần lẻ"),
        ("abc", "chỉ gồm chữ số"),
        ("0", "lớn hơn 0"),
    ],
)
def test_the_form_explains_a_bad_amount(world, as_user, campaign, typed, message):
    client = as_user("office")
    response = client.post(
        reverse("campaigns:contribution_add", args=[campaign.pk]),
        {"contributor": f"o:{world.cell.pk}", "amount": typed, "received_on": "25/03/2020"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_form_explains_a_duplicated_receipt_number(world, as_user, campaign, give):
    give(1_000, organization=world.district)
    response = as_user("office").post(
        reverse("campaigns:contribution_add", args=[campaign.pk]),
        {
            "contributor": f"o:{world.cell.pk}",
            "amount": "1000",
            "received_on": "25/03/2020",
            "receipt_no": "1",
        },
    )
    assert response.status_code == 422
    assert "Số biên lai 1 đã được dùng" in response.content.decode()
    assert Contribution.objects.count() == 1


def test_a_unit_outside_the_users_scope_is_not_offered(world, as_user, campaign):
    response = as_user("staff").post(
        reverse("campaigns:contribution_add", args=[campaign.pk]),
        {
            "contributor": f"o:{world.outside_cell.pk}",
            "amount": "1000",
            "received_on": "25/03/2020",
        },
    )
    assert response.status_code == 422
    assert not Contribution.objects.exists()


def test_the_picker_finds_units_and_members_without_diacritics(world, as_user, campaign):
    response = as_user("staff").get(
        reverse("campaigns:contributor_search", args=[campaign.pk]), {"q": "hung"}
    )
    text = response.content.decode()
    assert "Nguyễn Văn Hùng" in text and "Đỗ Văn Hưng" not in text  # outside the district


@pytest.mark.parametrize(
    "name",
    ["detail", "totals", "contributions", "pledges", "acknowledgement", "history"],
)
def test_campaign_pages_open(world, as_user, campaign, give, name):
    give(2_000_000, organization=world.district)
    response = as_user("office").get(reverse(f"campaigns:{name}", args=[campaign.pk]))
    assert response.status_code == 200


def test_the_totals_page_links_each_figure_to_its_rows(world, as_user, campaign, give):
    give(2_000_000, organization=world.district)
    text = as_user("office").get(reverse("campaigns:totals", args=[campaign.pk])).content.decode()
    rows_url = reverse("campaigns:contributions", args=[campaign.pk])
    assert f"{rows_url}?org={world.district.pk}&amp;status=valid" in text
    assert "2.000.000" in text


def test_the_receipt_pdf_has_the_number_and_the_amount_in_words(world, as_user, give):
    contribution = give(1_500_000, organization=world.district)
    response = as_user("office").get(reverse("campaigns:receipt_pdf", args=[contribution.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "BIÊN LAI THU TIỀN ỦNG HỘ" in text
    assert "000001" in text and "1.500.000 đ" in text
    assert "Một triệu năm trăm nghìn đồng" in text


def test_the_acknowledgement_pdf_lists_units_and_members(world, as_user, campaign, give):
    give(2_000_000, organization=world.district)
    give(500_000, member=world.members["tuan"])
    response = as_user("office").get(reverse("campaigns:acknowledgement_pdf", args=[campaign.pk]))
    text = pdf_text(response.content)
    assert world.district.name in text and "Lê Minh Tuấn" in text
    assert "2.500.000" in text


def test_the_export_has_totals_contributions_and_pledges(world, as_user, campaign, give):
    give(2_000_000, organization=world.district)
    response = as_user("office").get(reverse("campaigns:export", args=[campaign.pk]))
    book = load_workbook(BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Đóng góp", "Đăng ký"]
    rows = list(book["Đóng góp"].iter_rows(values_only=True))
    assert rows[1][0] == 1 and rows[1][5] == 2_000_000


def test_a_campaign_outside_scope_is_not_found(world, as_user):
    from capuy.campaigns import services

    district_campaign = services.campaign_create(
        acting_user=world.users["staff"],
        organization=world.district,
        title="Ủng hộ huyện An Bình",
        launched_by="Ủy ban MTTQ huyện",
        purpose="x",
        start_on="2020-03-25",
    )
    response = as_user("outsider").get(reverse("campaigns:detail", args=[district_campaign.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1.500.000", 1_500_000), ("1500000", 1_500_000), ("2 000 000 đ", 2_000_000), ("500", 500)],
)
def test_amounts_are_read_the_vietnamese_way(typed, value):
    assert parse_vnd(typed) == value


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (215_000, "Hai trăm mười lăm nghìn đồng"),
        (21_000_000, "Hai mươi mốt triệu đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
        (45, "Bốn mươi lăm đồng"),
    ],
)
def test_amounts_in_words(amount, words):
    assert amount_in_words(amount) == words
