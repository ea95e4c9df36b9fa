"""Members and transfers through the API."""

from datetime import date

from capuy.accounts.choices import Role
from capuy.accounts.models import RoleGrant
from capuy.committees.models import Seat
from capuy.core.testing import member_in
from capuy.members.models import Member, MemberTransfer

URL = "/api/v1/members/"
TRANSFERS = "/api/v1/member-transfers/"

NEW_MEMBER = {
    "ho": "Vũ",
    "ten_dem": "Thị",
    "ten": "Hoa",
    "birth_date": "1990-03-08",
    "gender": "nu",
    "admitted_on": "2015-02-03",
    "status": "du_bi",
}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["full_name"] for row in response.json()["results"]]


def test_list_is_the_roster_of_the_personas_scope(api, world):
    # roster order: tên, then họ, then tên đệm (An < Hùng < Lan < Tuấn)
    assert names(api("staff").get(URL)) == [
        "Phạm Thị An",
        "Nguyễn Văn Hùng",
        "Trần Thị Lan",
        "Lê Minh Tuấn",
    ]
    assert names(api("outsider").get(URL)) == ["Đỗ Văn Hưng"]


def test_row_carries_the_cell(api, world):
    row = api("secretary").get(f"{URL}{world.members['lan'].pk}/").json()
    assert row["cell"] == world.cell.pk
    assert row["cell_name"] == "Chi bộ thôn Đông"
    assert row["full_name"] == "Trần Thị Lan"


def test_search_without_diacritics_finds_both_spellings_exact_one_first(api, world):
    client = api("office")
    assert names(client.get(URL, {"q": "hung"})) == ["Nguyễn Văn Hùng", "Đỗ Văn Hưng"]
    assert names(client.get(URL, {"q": "Hưng"})) == ["Đỗ Văn Hưng", "Nguyễn Văn Hùng"]


def test_search_matches_the_start_of_any_later_word(api, world):
    client = api("office")
    assert names(client.get(URL, {"q": "van hu"})) == ["Nguyễn Văn Hùng", "Đỗ Văn Hưng"]
    assert names(client.get(URL, {"q": "tran"})) == ["Trần Thị Lan"]
    # a word is matched from its start only
    assert names(client.get(URL, {"q": "uan"})) == []


def test_search_never_reaches_outside_scope(api, world):
    assert names(api("staff").get(URL, {"q": "hung"})) == ["Nguyễn Văn Hùng"]


def test_filters_by_subtree_cell_status_and_gender(api, world):
    member_in(world.other_cell, "Hoàng", "Văn", "Bảo", status="du_bi", official_on=None)
    client = api("office")
    assert names(client.get(URL, {"org": world.grassroots.pk, "gender": "nu"})) == [
        "Phạm Thị An",
        "Trần Thị Lan",
    ]
    assert names(client.get(URL, {"cell": world.other_cell.pk})) == [
        "Phạm Thị An",
        "Hoàng Văn Bảo",
    ]
    assert names(client.get(URL, {"status": "du_bi"})) == ["Hoàng Văn Bảo"]


def test_subtree_filter_outside_scope_finds_nothing(api, world):
    assert names(api("staff").get(URL, {"org": world.other_district.pk})) == []


def test_staff_adds_a_member_to_a_cell_in_scope(api, world):
    response = api("staff").post(URL, {**NEW_MEMBER, "cell": world.cell.pk}, format="json")

    assert response.status_code == 201, response.content
    member = Member.objects.get(ten="Hoa")
    assert response.json()["id"] == member.pk
    assert response.json()["full_name"] == "Vũ Thị Hoa"
    assert member.org_path == world.cell.path
    world.cell.refresh_from_db()
    assert world.cell.member_count == 4


def test_adding_to_a_cell_outside_scope_is_refused_as_unknown(api, world):
    response = api("staff").post(URL, {**NEW_MEMBER, "cell": world.outside_cell.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["cell"] == [
        f"Không tìm thấy đối tượng có id «{world.outside_cell.pk}» hoặc đối tượng nằm ngoài "
        "phạm vi của bạn."
    ]
    assert not Member.objects.filter(ten="Hoa").exists()


def test_adding_to_a_non_cell_is_a_400_on_cell(api, world):
    response = api("staff").post(URL, {**NEW_MEMBER, "cell": world.grassroots.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"cell": ["Đảng viên phải sinh hoạt tại một chi bộ."]}


def test_missing_fields_are_reported_in_vietnamese(api, world):
    response = api("staff").post(URL, {"ho": "Vũ"}, format="json")
    assert response.status_code == 400
    assert response.json()["ten"] == ["Trường này là bắt buộc."]


def test_underage_admission_is_a_400_on_admitted_on(api, world):
    body = {**NEW_MEMBER, "cell": world.cell.pk, "admitted_on": "2000-01-01"}
    response = api("staff").post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"admitted_on": ["Ngày vào Đảng phải khi đủ 18 tuổi."]}


def test_update_changes_the_name_but_not_the_cell(api, world):
    hung = world.members["hung"]
    response = api("staff").patch(
        f"{URL}{hung.pk}/", {"ten_dem": "Mạnh", "cell": world.other_cell.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    hung.refresh_from_db()
    assert hung.full_name == "Nguyễn Mạnh Hùng"
    assert hung.cell_id == world.cell.pk


def test_read_only_personas_cannot_change_or_delete_visible_members(api, world):
    hung = world.members["hung"]
    for persona in ("inspector", "committee_member", "secretary"):
        client = api(persona)
        assert client.patch(f"{URL}{hung.pk}/", {"ten": "X"}, format="json").status_code == 403
        assert client.delete(f"{URL}{hung.pk}/").status_code == 403
    hung.refresh_from_db()
    assert hung.ten == "Hùng"


def test_members_outside_scope_are_404_for_every_method(api, world):
    outside = world.members["hung_outside"]
    client = api("staff")
    assert client.get(f"{URL}{outside.pk}/").status_code == 404
    assert client.put(f"{URL}{outside.pk}/", NEW_MEMBER, format="json").status_code == 404
    assert client.delete(f"{URL}{outside.pk}/").status_code == 404
    assert Member.objects.filter(pk=outside.pk).exists()


def test_delete_removes_a_member_entered_by_mistake(api, world):
    lan = world.members["lan"]
    response = api("staff").delete(f"{URL}{lan.pk}/")
    assert response.status_code == 204
    assert not Member.objects.filter(pk=lan.pk).exists()
    world.cell.refresh_from_db()
    assert world.cell.member_count == 2


def test_delete_of_a_seat_holder_is_a_non_field_400(api, world):
    tuan = world.members["tuan"]
    assert Seat.objects.filter(member=tuan).exists()
    response = api("office").delete(f"{URL}{tuan.pk}/")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Đảng viên đang giữ chức vụ cấp ủy, không thể xóa."]
    }


def test_transfer_moves_the_member_and_is_listed(api, world):
    hung = world.members["hung"]
    client = api("staff")

    response = client.post(
        f"{URL}{hung.pk}/transfer/",
        {"to_cell": world.other_cell.pk, "transferred_on": "2020-01-15", "note": "Chuyển nhà"},
        format="json",
    )

    assert response.status_code == 201, response.content
    transfer = MemberTransfer.objects.get()
    assert response.json() == {
        "id": transfer.pk,
        "member": hung.pk,
        "from_cell": world.cell.pk,
        "to_cell": world.other_cell.pk,
        "transferred_on": "2020-01-15",
        "note": "Chuyển nhà",
        "recorded_at": response.json()["recorded_at"],
    }
    hung.refresh_from_db()
    assert hung.cell_id == world.other_cell.pk
    assert transfer.recorded_by == world.users["staff"]
    listed = client.get(TRANSFERS, {"member": hung.pk}).json()["results"]
    assert [row["id"] for row in listed] == [transfer.pk]
    assert api("outsider").get(TRANSFERS).json()["results"] == []


def test_transfer_to_a_cell_outside_scope_is_refused_as_unknown(api, world):
    hung = world.members["hung"]
    response = api("staff").post(
        f"{URL}{hung.pk}/transfer/",
        {"to_cell": world.outside_cell.pk, "transferred_on": "2020-01-15"},
        format="json",
    )
    assert response.status_code == 400
    assert "to_cell" in response.json()
    hung.refresh_from_db()
    assert hung.cell_id == world.cell.pk


def test_transfer_to_a_cell_only_visible_is_403(api, world):
    # staff in An Bình who may also read the whole province (inspector there)
    staff = world.users["staff"]
    RoleGrant.objects.create(user=staff, role=Role.INSPECTOR, organization=world.province)
    hung = world.members["hung"]

    response = api("staff").post(
        f"{URL}{hung.pk}/transfer/",
        {"to_cell": world.outside_cell.pk, "transferred_on": "2020-01-15"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Đối tượng nằm ngoài phạm vi được phân quyền của bạn."}
    assert not MemberTransfer.objects.exists()


def test_transfer_rule_errors_come_back_on_their_field(api, world):
    hung = world.members["hung"]
    response = api("staff").post(
        f"{URL}{hung.pk}/transfer/",
        {"to_cell": world.cell.pk, "transferred_on": "2020-01-15"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"to_cell": ["Đảng viên đang sinh hoạt tại chi bộ này."]}


def test_transfer_by_read_only_persona_or_outside_scope_is_refused(api, world):
    body = {"to_cell": world.other_cell.pk, "transferred_on": "2020-01-15"}
    hung = world.members["hung"]
    assert api("secretary").post(f"{URL}{hung.pk}/transfer/", body).status_code == 403
    assert api("outsider").post(f"{URL}{hung.pk}/transfer/", body).status_code == 404
    assert not MemberTransfer.objects.exists()


def test_transfers_cannot_be_written_directly(api, world):
    body = {"member": world.members["hung"].pk, "to_cell": world.other_cell.pk}
    assert api("office").post(TRANSFERS, body, format="json").status_code == 405


def test_transfers_filter_by_date(api, world):
    hung = world.members["hung"]
    MemberTransfer.objects.create(
        member=hung, from_cell=world.other_cell, to_cell=world.cell, transferred_on=date(2010, 5, 1)
    )
    client = api("staff")
    assert client.get(TRANSFERS, {"transferred_after": "2011-01-01"}).json()["count"] == 0
    assert client.get(TRANSFERS, {"transferred_before": "2011-01-01"}).json()["count"] == 1
