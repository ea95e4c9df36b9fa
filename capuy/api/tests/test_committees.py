"""Terms, committees and seats through the API."""

from datetime import date

import pytest

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term

TERMS = "/api/v1/terms/"
COMMITTEES = "/api/v1/committees/"
SEATS = "/api/v1/seats/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def district_bch(world):
    term = Term.objects.create(
        organization=world.district, name="XX", start_on=date(2020, 10, 1), end_on=date(2025, 10, 1)
    )
    return Committee.objects.create(term=term, kind=CommitteeKind.BCH)


def test_staff_creates_term_committee_and_seat_in_its_district(api, world):
    client = api("staff")

    term = client.post(
        TERMS,
        {
            "organization": world.district.pk,
            "name": "XX",
            "start_on": "2020-10-01",
            "end_on": "2025-10-01",
        },
        format="json",
    )
    assert term.status_code == 201, term.content
    committee = client.post(COMMITTEES, {"term": term.json()["id"], "kind": "btv"}, format="json")
    assert committee.status_code == 201, committee.content
    assert committee.json()["organization"] == world.district.pk
    seat = client.post(
        SEATS,
        {
            "committee": committee.json()["id"],
            "member": world.members["hung"].pk,
            "role": SeatRole.BI_THU,
            "start_on": "2020-10-01",
        },
        format="json",
    )

    assert seat.status_code == 201, seat.content
    assert seat.json()["member_name"] == "Nguyễn Văn Hùng"
    assert seat.json()["level"] == "huyen"
    assert (
        Seat.objects.get(pk=seat.json()["id"]).history.latest().history_user == world.users["staff"]
    )


def test_lists_are_scoped_to_the_committees_organization(api, world, district_bch):
    assert ids(api("staff").get(TERMS)) == [district_bch.term.pk]
    assert ids(api("staff").get(COMMITTEES)) == [district_bch.pk]
    assert ids(api("staff").get(SEATS)) == []  # the one seat is on the province committee
    assert ids(api("office").get(TERMS)) == [world.term.pk, district_bch.term.pk]
    assert ids(api("outsider").get(TERMS)) == []
    assert ids(api("outsider").get(SEATS)) == []


def test_term_for_an_organization_outside_scope_is_refused_as_unknown(api, world):
    response = api("outsider").post(
        TERMS,
        {"organization": world.district.pk, "name": "XX", "start_on": "2020-10-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "organization" in response.json()
    assert not Term.objects.filter(organization=world.district).exists()


def test_term_for_an_organization_only_visible_is_403(api, world):
    response = api("staff").post(
        TERMS, {"organization": world.district.pk, "name": "XIX", "start_on": "2015-10-01"}
    )
    assert response.status_code == 201
    # committee_member reads the province but may not write
    response = api("committee_member").post(
        TERMS, {"organization": world.district.pk, "name": "XXI", "start_on": "2025-10-01"}
    )
    assert response.status_code == 403


def test_duplicate_committee_kind_is_a_non_field_400(api, world):
    response = api("office").post(COMMITTEES, {"term": world.term.pk, "kind": "bch"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Nhiệm kỳ này đã có cấp ủy loại này."]}


def test_seat_outside_its_term_is_a_400_on_start_on(api, world, district_bch):
    response = api("staff").post(
        SEATS,
        {
            "committee": district_bch.pk,
            "member": world.members["lan"].pk,
            "role": SeatRole.UY_VIEN_BCH,
            "start_on": "2019-01-01",
        },
    )
    assert response.status_code == 400
    assert response.json() == {"start_on": ["Ngày bắt đầu phải trong nhiệm kỳ."]}


def test_seat_for_a_member_outside_scope_is_refused_as_unknown(api, world, district_bch):
    response = api("staff").post(
        SEATS,
        {
            "committee": district_bch.pk,
            "member": world.members["hung_outside"].pk,
            "role": SeatRole.UY_VIEN_BCH,
            "start_on": "2021-01-01",
        },
    )
    assert response.status_code == 400
    assert "member" in response.json()


def test_ending_a_seat_is_a_partial_update(api, world, district_bch):
    seat = Seat.objects.create(
        committee=district_bch,
        member=world.members["lan"],
        role=SeatRole.UY_VIEN_BCH,
        start_on=date(2020, 10, 1),
    )
    response = api("staff").patch(
        f"{SEATS}{seat.pk}/", {"end_on": "2022-05-01", "member": world.members["hung"].pk}
    )
    assert response.status_code == 200, response.content
    seat.refresh_from_db()
    assert seat.end_on == date(2022, 5, 1)
    assert seat.member == world.members["lan"]


def test_seat_end_before_start_is_a_400(api, world):
    response = api("office").patch(f"{SEATS}{world.seat.pk}/", {"end_on": "2010-01-01"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ngày kết thúc phải sau ngày bắt đầu."]}


def test_seat_writes_are_404_outside_scope_and_403_when_read_only(api, world):
    assert api("staff").patch(f"{SEATS}{world.seat.pk}/", {"note": "x"}).status_code == 404
    assert api("inspector").patch(f"{SEATS}{world.seat.pk}/", {"note": "x"}).status_code == 403
    world.seat.refresh_from_db()
    assert world.seat.note == ""


def test_seat_filters_by_date_level_committee_and_member(api, world, district_bch):
    district_seat = Seat.objects.create(
        committee=district_bch,
        member=world.members["lan"],
        role=SeatRole.PHO_BI_THU,
        start_on=date(2020, 10, 1),
        end_on=date(2021, 12, 31),
    )
    client = api("office")
    assert ids(client.get(SEATS, {"level": "tinh"})) == [world.seat.pk]
    assert ids(client.get(SEATS, {"level": "huyen"})) == [district_seat.pk]
    assert ids(client.get(SEATS, {"held_on": "2022-06-01"})) == [world.seat.pk]
    assert ids(client.get(SEATS, {"held_on": "2021-06-01"})) == [world.seat.pk, district_seat.pk]
    assert ids(client.get(SEATS, {"committee": district_bch.pk})) == [district_seat.pk]
    assert ids(client.get(SEATS, {"member": world.members["tuan"].pk})) == [world.seat.pk]
    assert ids(client.get(SEATS, {"role": "pho_bi_thu"})) == [district_seat.pk]


def test_committee_filters_by_organization_and_kind(api, world, district_bch):
    client = api("office")
    assert ids(client.get(COMMITTEES, {"organization": world.district.pk})) == [district_bch.pk]
    assert ids(client.get(COMMITTEES, {"kind": "btv"})) == []
    assert ids(client.get(TERMS, {"under": world.district.pk})) == [district_bch.term.pk]
