from datetime import date

import pytest
from django.urls import reverse

from capuy.organizations.choices import FlagKind, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag


def section(html: str, testid: str) -> str:
    """The markup of the element marked ``data-testid=testid``, up to its section's end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def url(name, org):
    return reverse(f"organizations:{name}", args=[org.pk])


NEW_CELL = {
    "kind": OrgKind.CHI_BO_TRUC_THUOC,
    "name": "Chi bộ thôn Nam",
    "code": "H01-X01-C03",
    "unit_type": "",
    "established_on": "2020-03-25",
}


def test_office_creates_a_child_which_appears_with_history(world, as_user):
    client = as_user("office")

    # when the office founds a new cell under the grassroots committee
    response = client.post(url("create", world.grassroots), NEW_CELL)

    # then it exists under the parent, the user lands on its page, and the tree lists it
    org = Organization.objects.get(code="H01-X01-C03")
    assert response.status_code == 302
    assert response["Location"] == url("detail", org)
    assert Organization.objects.get_parent(org).pk == world.grassroots.pk
    assert org.established_on == date(2020, 3, 25)
    children = client.get(url("children", world.grassroots)).content.decode()
    assert 'data-testid="tree-node-H01-X01-C03"' in children
    detail = client.get(url("detail", org)).content.decode()
    assert "25/03/2020" in detail
    # and its history shows the creation by the office
    history = section(client.get(url("history", org)).content.decode(), "org-history")
    assert "<strong>Tạo mới</strong> · office" in history
    assert "Chi bộ thôn Nam" in history


def test_create_form_offers_only_kinds_allowed_under_the_parent(world, as_user):
    html = as_user("office").get(url("create", world.grassroots)).content.decode()

    assert 'value="chi_bo_truc_thuoc"' in html
    assert 'value="dang_bo_bo_phan"' in html
    assert 'value="dang_bo_huyen"' not in html


def test_invalid_input_shows_a_vietnamese_field_error_and_creates_nothing(world, as_user):
    before = Organization.objects.count()

    # when the code is already taken
    response = as_user("office").post(url("create", world.grassroots), {**NEW_CELL, "code": "H01"})

    # then the form comes back with the error on the code field and the input kept
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-code"' in html
    assert "Chi bộ thôn Nam" in html  # the typed name is still there
    assert Organization.objects.count() == before


def test_missing_name_is_reported_on_its_field(world, as_user):
    response = as_user("office").post(url("create", world.grassroots), {**NEW_CELL, "name": ""})

    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-name"' in html
    assert "is-invalid" in html
    assert not Organization.objects.filter(code="H01-X01-C03").exists()


def test_service_rule_errors_land_on_the_form(world, as_user):
    # given a dissolved parent (a rule only the service knows)
    Organization.objects.filter(pk=world.grassroots.pk).update(dissolved_on=date(2025, 6, 30))

    response = as_user("office").post(url("create", world.grassroots), NEW_CELL)

    assert response.status_code == 422
    assert "Tổ chức cấp trên đã giải thể." in response.content.decode()
    assert not Organization.objects.filter(code="H01-X01-C03").exists()


@pytest.mark.parametrize("view", ["create", "edit", "flag_add", "dissolve"])
def test_inspector_cannot_write(world, as_user, view):
    client = as_user("inspector")

    assert client.get(url(view, world.district)).status_code == 404
    assert client.post(url(view, world.district), NEW_CELL).status_code == 404
    assert not Organization.objects.filter(code="H01-X01-C03").exists()


@pytest.mark.parametrize("persona", ["secretary", "committee_member", "outsider"])
def test_other_read_only_or_outside_roles_cannot_create(world, as_user, persona):
    response = as_user(persona).post(url("create", world.grassroots), NEW_CELL)

    assert response.status_code == 404
    assert not Organization.objects.filter(code="H01-X01-C03").exists()


def test_staff_cannot_write_above_their_district(world, as_user):
    response = as_user("staff").post(
        url("edit", world.province), {"name": "X", "code": "T01", "unit_type": ""}
    )

    assert response.status_code == 404
    assert Organization.objects.get(pk=world.province.pk).name == "Đảng bộ tỉnh Thử Nghiệm"


def test_write_views_require_login(world, client):
    response = client.post(url("create", world.grassroots), NEW_CELL)

    assert response.status_code == 302
    assert not Organization.objects.filter(code="H01-X01-C03").exists()


def test_edit_prefills_and_saves(world, as_user):
    client = as_user("staff")

    form = client.get(url("edit", world.grassroots)).content.decode()
    response = client.post(
        url("edit", world.grassroots),
        {"name": "Đảng bộ xã An Phú Mới", "code": "H01-X01", "unit_type": "xa_phuong"},
    )

    assert 'value="Đảng bộ xã An Phú"' in form
    assert response.status_code == 302
    assert Organization.objects.get(pk=world.grassroots.pk).name == "Đảng bộ xã An Phú Mới"


def test_edit_duplicate_code_keeps_the_old_values(world, as_user):
    response = as_user("office").post(
        url("edit", world.cell), {"name": "Chi bộ thôn Đông", "code": "H02", "unit_type": ""}
    )

    assert response.status_code == 422
    assert 'data-testid="error-code"' in response.content.decode()
    assert Organization.objects.get(pk=world.cell.pk).code == "H01-X01-C01"


def test_flag_add_marks_the_locality(world, as_user):
    response = as_user("office").post(
        url("flag_add", world.cell),
        {"kind": FlagKind.KHO_KHAN, "valid_from": "2019-01-01", "valid_to": "", "note": "Vùng xa"},
    )

    assert response.status_code == 302
    flag = OrganizationFlag.objects.get(organization=world.cell)
    assert flag.kind == FlagKind.KHO_KHAN and flag.note == "Vùng xa"
    history = as_user("office").get(url("history", world.cell)).content.decode()
    assert f'data-testid="flag-history-{flag.pk}"' in history


def test_flag_add_rejects_an_end_before_the_start(world, as_user):
    response = as_user("office").post(
        url("flag_add", world.cell),
        {"kind": FlagKind.KHO_KHAN, "valid_from": "2019-06-01", "valid_to": "2019-01-01"},
    )

    assert response.status_code == 422
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    assert not OrganizationFlag.objects.exists()


def test_dissolve_with_merge(world, as_user):
    # given an empty cell
    empty = Organization.objects.add_child(
        Organization.objects.get(pk=world.grassroots.pk),
        {"code": "H01-X01-C09", "name": "Chi bộ thôn Cũ", "kind": OrgKind.CHI_BO_TRUC_THUOC},
    )

    response = as_user("office").post(
        url("dissolve", empty), {"dissolved_on": "2025-06-30", "merged_into": "H01-X01-C01"}
    )

    empty.refresh_from_db()
    assert response.status_code == 302
    assert empty.dissolved_on == date(2025, 6, 30)
    assert empty.merged_into_id == world.cell.pk


def test_dissolve_refuses_a_cell_with_members(world, as_user):
    response = as_user("office").post(url("dissolve", world.cell), {"dissolved_on": "2025-06-30"})

    assert response.status_code == 422
    assert "Chi bộ còn đảng viên" in response.content.decode()
    assert Organization.objects.get(pk=world.cell.pk).dissolved_on is None


def test_dissolve_cannot_merge_into_an_organization_outside_scope(world, as_user):
    empty = Organization.objects.add_child(
        Organization.objects.get(pk=world.grassroots.pk),
        {"code": "H01-X01-C09", "name": "Chi bộ thôn Cũ", "kind": OrgKind.CHI_BO_TRUC_THUOC},
    )

    response = as_user("staff").post(
        url("dissolve", empty), {"dissolved_on": "2025-06-30", "merged_into": "H02-X01"}
    )

    assert response.status_code == 422
    assert 'data-testid="error-merged_into"' in response.content.decode()
    empty.refresh_from_db()
    assert empty.dissolved_on is None
