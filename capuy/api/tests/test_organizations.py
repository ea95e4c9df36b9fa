"""Organizations and their flags through the API."""

from datetime import date

from capuy.organizations.choices import FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag

URL = "/api/v1/organizations/"
FLAGS = "/api/v1/organization-flags/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_shows_the_personas_subtree_in_tree_order(api, world):
    assert ids(api("staff").get(URL)) == [
        world.district.pk,
        world.grassroots.pk,
        world.cell.pk,
        world.other_cell.pk,
    ]
    assert ids(api("secretary").get(URL)) == [world.cell.pk]


def test_each_row_carries_parent_path_count_and_flags(api, world):
    OrganizationFlag.objects.create(
        organization=world.cell, kind=FlagKind.KHO_KHAN, valid_from=date(2019, 1, 1)
    )
    row = api("staff").get(f"{URL}{world.cell.pk}/").json()

    assert row["parent"] == world.grassroots.pk
    assert row["path"] == world.cell.path
    assert row["depth"] == 4
    assert row["member_count"] == 3
    assert [flag["kind"] for flag in row["flags"]] == [FlagKind.KHO_KHAN]


def test_province_has_no_parent(api, world):
    assert api("admin").get(f"{URL}{world.province.pk}/").json()["parent"] is None


def test_filters_by_kind_parent_and_subtree(api, world):
    client = api("office")
    cells = ids(client.get(URL, {"kind": OrgKind.CHI_BO_TRUC_THUOC}))
    assert cells == [world.cell.pk, world.other_cell.pk]
    assert ids(client.get(URL, {"parent": world.province.pk})) == [
        world.district.pk,
        world.other_district.pk,
    ]
    assert ids(client.get(URL, {"under": world.other_district.pk})) == [
        world.other_district.pk,
        world.outside_cell.pk,
    ]


def test_subtree_filter_on_an_organization_outside_scope_finds_nothing(api, world):
    assert ids(api("staff").get(URL, {"under": world.other_district.pk})) == []
    assert ids(api("staff").get(URL, {"parent": world.province.pk})) == []


def test_search_ignores_diacritics_and_matches_codes(api, world):
    client = api("office")
    assert ids(client.get(URL, {"q": "thon dong"})) == [world.cell.pk]
    assert ids(client.get(URL, {"q": "Tiểu học"})) == [world.outside_cell.pk]
    assert ids(client.get(URL, {"q": "h01-x01-c02"})) == [world.other_cell.pk]


def test_valid_on_hides_organizations_not_existing_that_day(api, world):
    Organization.objects.filter(pk=world.other_cell.pk).update(dissolved_on=date(2020, 1, 1))
    listed = ids(api("staff").get(URL, {"valid_on": "2021-06-01"}))
    assert world.other_cell.pk not in listed
    assert world.cell.pk in listed


def test_flag_filter_keeps_organizations_flagged_that_day(api, world):
    OrganizationFlag.objects.create(
        organization=world.other_cell,
        kind=FlagKind.PHUC_TAP,
        valid_from=date(2019, 1, 1),
        valid_to=date(2019, 12, 31),
    )
    client = api("staff")
    assert ids(client.get(URL, {"flag": "phuc_tap", "valid_on": "2019-06-01"})) == [
        world.other_cell.pk
    ]
    assert ids(client.get(URL, {"flag": "phuc_tap", "valid_on": "2020-06-01"})) == []


def test_invalid_filter_value_is_a_vietnamese_400(api, world):
    response = api("staff").get(URL, {"kind": "khong-co"})
    assert response.status_code == 400
    assert "lựa chọn hợp lệ" in response.json()["kind"][0]


def test_organization_outside_scope_is_not_found(api, world):
    response = api("staff").get(f"{URL}{world.outside_cell.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_staff_founds_an_organization_under_its_district(api, world):
    response = api("staff").post(
        URL,
        {
            "parent": world.district.pk,
            "code": "H01-X02",
            "name": "Đảng bộ xã An Hòa",
            "kind": OrgKind.DANG_BO_CO_SO,
            "unit_type": "xa_phuong",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    created = Organization.objects.get(code="H01-X02")
    assert response.json()["id"] == created.pk
    assert response.json()["parent"] == world.district.pk
    assert created.path.startswith(world.district.path)
    assert created.history.latest().history_user == world.users["staff"]


def test_founding_under_an_organization_outside_scope_is_refused_as_unknown(api, world):
    response = api("staff").post(
        URL,
        {
            "parent": world.other_district.pk,
            "code": "H02-X02",
            "name": "Xã Mới",
            "kind": OrgKind.DANG_BO_CO_SO,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    assert not Organization.objects.filter(code="H02-X02").exists()


def test_service_rule_errors_come_back_on_their_field(api, world):
    response = api("staff").post(
        URL,
        {
            "parent": world.cell.pk,
            "code": "C-CON",
            "name": "Không hợp lệ",
            "kind": OrgKind.CHI_BO_TRUC_THUOC,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["kind"] == [
        "Không thể đặt «Chi bộ trực thuộc» trực thuộc «Chi bộ trực thuộc»."
    ]


def test_only_a_superuser_founds_a_province(api, world):
    body = {"parent": None, "code": "T99", "name": "Đảng bộ tỉnh Mới", "kind": OrgKind.DANG_BO_TINH}
    assert api("admin").post(URL, body, format="json").status_code == 400
    assert api("root").post(URL, body, format="json").status_code == 201


def test_update_changes_editable_fields_and_ignores_create_only_ones(api, world):
    response = api("staff").patch(
        f"{URL}{world.cell.pk}/",
        {"name": "Chi bộ thôn Đông Bắc", "kind": OrgKind.CHI_BO_CO_SO, "parent": world.province.pk},
        format="json",
    )

    assert response.status_code == 200, response.content
    world.cell.refresh_from_db()
    assert world.cell.name == "Chi bộ thôn Đông Bắc"
    assert world.cell.kind == OrgKind.CHI_BO_TRUC_THUOC
    assert response.json()["parent"] == world.grassroots.pk


def test_duplicate_code_is_a_400_on_code(api, world):
    response = api("staff").patch(f"{URL}{world.cell.pk}/", {"code": "H01"}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_read_only_persona_gets_403_on_a_visible_organization(api, world):
    response = api("inspector").patch(f"{URL}{world.cell.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403
    world.cell.refresh_from_db()
    assert world.cell.name == "Chi bộ thôn Đông"


def test_update_outside_scope_is_404(api, world):
    response = api("staff").put(
        f"{URL}{world.outside_cell.pk}/", {"code": "Z", "name": "Z"}, format="json"
    )
    assert response.status_code == 404


def test_staff_flags_a_locality_in_its_scope(api, world):
    response = api("staff").post(
        FLAGS,
        {
            "organization": world.grassroots.pk,
            "kind": "kho_khan",
            "valid_from": "2019-01-01",
            "note": "Vùng lũ",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    flag = OrganizationFlag.objects.get()
    assert response.json()["id"] == flag.pk
    assert ids(api("staff").get(FLAGS)) == [flag.pk]
    assert ids(api("outsider").get(FLAGS)) == []


def test_flag_dates_in_the_wrong_order_are_a_non_field_400(api, world):
    response = api("staff").post(
        FLAGS,
        {
            "organization": world.grassroots.pk,
            "kind": "kho_khan",
            "valid_from": "2019-06-01",
            "valid_to": "2019-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ngày kết thúc phải sau ngày bắt đầu."]}


def test_flag_filters_by_subtree_and_date(api, world):
    old = OrganizationFlag.objects.create(
        organization=world.cell,
        kind="kho_khan",
        valid_from=date(2010, 1, 1),
        valid_to=date(2012, 1, 1),
    )
    current = OrganizationFlag.objects.create(
        organization=world.outside_cell, kind="phuc_tap", valid_from=date(2019, 1, 1)
    )
    client = api("office")
    assert ids(client.get(FLAGS, {"under": world.district.pk})) == [old.pk]
    assert ids(client.get(FLAGS, {"active_on": "2020-01-01"})) == [current.pk]
