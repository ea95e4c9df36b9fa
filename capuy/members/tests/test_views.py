from datetime import date

import pytest
from django.urls import reverse

from capuy.core.testing import member_in
from capuy.members.models import Member, MemberTransfer
from capuy.organizations.models import Organization
from capuy.organizations.services import recount_members

HTMX = {"HX-Request": "true"}


def valid_member_data(**overrides):
    data = {
        "ho": "Hoàng",
        "ten_dem": "Thị",
        "ten": "Mai",
        "birth_date": "25/03/1980",
        "gender": "nu",
        "card_number": "",
        "admitted_on": "19/05/2005",
        "official_on": "19/05/2006",
        "status": "chinh_thuc",
    }
    data.update(overrides)
    return data


def counts(*orgs):
    return [Organization.objects.get(pk=org.pk).member_count for org in orgs]


# --- list --------------------------------------------------------------------------------


def test_list_is_in_vietnamese_roster_order(as_user, world):
    response = as_user("office").get(reverse("members:list"))

    assert response.status_code == 200
    page = [member.full_name for member in response.context["page"].object_list]
    assert page == [
        "Phạm Thị An",
        "Nguyễn Văn Hùng",
        "Đỗ Văn Hưng",
        "Trần Thị Lan",
        "Lê Minh Tuấn",
    ]
    assert b'data-testid="member-search"' in response.content
    assert f'data-testid="member-row-{world.members["hung"].pk}"'.encode() in response.content


def test_search_without_diacritics_finds_member(as_user, world):
    client = as_user("staff")
    for query in ("nguyen van hung", "Hùng", "hung", "van hung"):
        response = client.get(reverse("members:list"), {"q": query})
        assert "Nguyễn Văn Hùng" in response.content.decode(), query
        assert "Đỗ Văn Hưng" not in response.content.decode(), "outside the staff's district"


def test_exact_diacritics_rank_first(as_user, world):
    response = as_user("office").get(reverse("members:list"), {"q": "Hưng"})

    rows = [member.full_name for member in response.context["page"].object_list]
    assert rows == ["Đỗ Văn Hưng", "Nguyễn Văn Hùng"]


def test_typing_refreshes_only_the_results_partial(as_user, world):
    response = as_user("office").get(reverse("members:list"), {"q": "lan"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="member-table"' in html
    assert "Trần Thị Lan" in html and "Nguyễn Văn Hùng" not in html
    assert "HX-Request" in response["Vary"]


def test_search_box_refreshes_as_you_type(as_user, world):
    html = as_user("office").get(reverse("members:list")).content.decode()

    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-push-url="true"' in html


def test_unfiltered_total_is_the_stored_member_count_not_a_count(as_user, world):
    # A wrong stored count shows through: the page reads it and does not COUNT(*).
    Organization.objects.filter(pk=world.district.pk).update(member_count=1532)

    response = as_user("staff").get(reverse("members:list"))

    assert response.context["page"].total == 1532
    assert 'data-testid="member-total">1.532<' in response.content.decode()


def test_org_filter_shows_that_subtree_and_its_stored_total(as_user, world):
    response = as_user("office").get(reverse("members:list"), {"org": world.other_cell.pk})

    assert [m.full_name for m in response.context["page"].object_list] == ["Phạm Thị An"]
    assert response.context["page"].total == 1
    assert 'data-testid="member-org-chip"' in response.content.decode()


def test_org_filter_outside_scope_shows_nothing(as_user, world):
    response = as_user("staff").get(reverse("members:list"), {"org": world.outside_cell.pk})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert response.context["page"].total is None or response.context["page"].total == 0
    assert "Chi bộ Trường Tiểu học Bình Yên" not in response.content.decode()


def test_pages_go_forward_and_back_without_a_total_count(as_user, world):
    for index in range(52):
        member_in(world.cell, "Ngô", "Văn", f"Bình {index:02d}")
    recount_members()
    client = as_user("office")

    first = client.get(reverse("members:list"))
    second = client.get(reverse("members:list"), {"page": 2})

    assert first.context["page"].has_next and not first.context["page"].has_previous
    assert len(first.context["page"].object_list) == 50
    assert "Trang sau" in first.content.decode()
    assert len(second.context["page"].object_list) == 7
    assert second.context["page"].has_previous and not second.context["page"].has_next
    assert "Trang trước" in second.content.decode()


def test_list_query_count_is_the_same_for_5_and_50_rows(as_user, world, django_assert_num_queries):
    client = as_user("office")
    # session, user, OTP device, role grants, the stored total, the page's ids, their rows
    with django_assert_num_queries(7):
        few = client.get(reverse("members:list"))
    for index in range(60):
        member_in(world.cell if index % 2 else world.outside_cell, "Ngô", "Văn", f"Hùng {index}")
    with django_assert_num_queries(7):
        many = client.get(reverse("members:list"))

    assert len(few.context["page"].object_list) == 5
    assert len(many.context["page"].object_list) == 50


@pytest.mark.parametrize("params", [{"q": "hung"}, {"gender": "nam"}, {"org": "district"}])
def test_filtered_list_query_count_does_not_grow_with_rows(
    as_user, world, django_assert_max_num_queries, params
):
    if params.get("org"):
        params = {"org": world.district.pk}
    client = as_user("office")
    # as above, with a capped count (filtered, page full) or the organization instead of the total;
    # a name search reads one query per tier it reaches (members.search: at most 3) + the rows;
    # a list reads the page's ids, then their rows (members.selectors.IdsFirst)
    most = 8 if "q" in params else 7
    with django_assert_max_num_queries(most):
        few = client.get(reverse("members:list"), params)
    for index in range(60):
        member_in(world.cell, "Ngô", "Văn", f"Hùng {index}")
    with django_assert_max_num_queries(most):
        many = client.get(reverse("members:list"), params)

    assert len(few.context["page"].object_list) <= 5
    assert len(many.context["page"].object_list) == 50


# --- detail and history ------------------------------------------------------------------


def test_detail_shows_the_record_cell_seats_and_history_link(as_user, world):
    tuan = world.members["tuan"]
    response = as_user("office").get(reverse("members:detail", args=[tuan.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lê Minh Tuấn" in html
    assert "01/01/1980" in html and "19/05/2005" in html and "19/05/2006" in html
    assert f'href="/to-chuc/{world.cell.pk}/"' in html
    assert "Ủy viên Ban Chấp hành" in html and "15/10/2015" in html
    assert f'data-testid="seat-row-{world.seat.pk}"' in html
    assert 'data-testid="history-link"' in html
    assert reverse("members:history", args=[tuan.pk]) in html
    assert 'data-testid="member-edit"' in html


def test_viewer_sees_detail_without_write_buttons(as_user, world):
    response = as_user("inspector").get(reverse("members:detail", args=[world.members["hung"].pk]))

    assert response.status_code == 200
    assert 'data-testid="member-edit"' not in response.content.decode()


def test_outsider_gets_404_on_member_outside_scope(as_user, world):
    client = as_user("outsider")
    hung = world.members["hung"]
    for name in ("detail", "history", "edit", "transfer", "delete"):
        assert client.get(reverse(f"members:{name}", args=[hung.pk])).status_code == 404, name
    assert client.post(reverse("members:delete", args=[hung.pk])).status_code == 404
    assert Member.objects.filter(pk=hung.pk).exists()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("members:list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_history_page_uses_the_shared_history_component(as_user, world):
    response = as_user("office").get(reverse("members:history", args=[world.members["hung"].pk]))

    assert response.status_code == 200
    assert "Lịch sử thay đổi" in response.content.decode()
    assert "Tạo mới" in response.content.decode()


# --- create ------------------------------------------------------------------------------


def test_create_adds_member_to_cell_and_counts_it(as_user, world):
    before = counts(world.cell, world.grassroots, world.district, world.province)

    response = as_user("staff").post(
        reverse("members:create"), {**valid_member_data(), "cell": world.cell.pk}
    )

    member = Member.objects.get(full_name="Hoàng Thị Mai")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.cell_id, member.birth_date, member.gender) == (
        world.cell.pk,
        date(1980, 3, 25),
        "nu",
    )
    assert member.card_number is None
    after = counts(world.cell, world.grassroots, world.district, world.province)
    assert after == [n + 1 for n in before]


def test_create_accepts_dates_typed_without_slashes(as_user, world):
    data = valid_member_data(birth_date="25031980", admitted_on="19-05-2005")
    as_user("staff").post(reverse("members:create"), {**data, "cell": world.cell.pk})

    member = Member.objects.get(full_name="Hoàng Thị Mai")
    assert (member.birth_date, member.admitted_on) == (date(1980, 3, 25), date(2005, 5, 19))


def test_create_form_preselects_the_cell_from_the_query(as_user, world):
    response = as_user("staff").get(reverse("members:create"), {"cell": world.other_cell.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{world.other_cell.pk}" checked' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html


def test_invalid_birth_date_names_the_field_and_saves_nothing(as_user, world):
    before = Member.objects.count()

    response = as_user("staff").post(
        reverse("members:create"),
        {**valid_member_data(birth_date="31/02/1980"), "cell": world.cell.pk},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-birth_date"' in html
    assert "dd/mm/yyyy" in html
    assert 'value="31/02/1980"' in html  # the input is kept
    assert 'value="Hoàng"' in html
    assert Member.objects.count() == before
    assert counts(world.cell) == [3]


def test_service_rule_is_shown_next_to_its_field(as_user, world):
    # admitted before turning 18: a rule of member_create, not of the form
    response = as_user("staff").post(
        reverse("members:create"),
        {**valid_member_data(admitted_on="01/01/1990"), "cell": world.cell.pk},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-admitted_on"' in html and "18 tuổi" in html
    assert not Member.objects.filter(full_name="Hoàng Thị Mai").exists()


def test_create_in_a_cell_outside_change_scope_is_refused(as_user, world):
    response = as_user("staff").post(
        reverse("members:create"), {**valid_member_data(), "cell": world.outside_cell.pk}
    )

    assert response.status_code == 422
    assert 'data-testid="error-cell"' in response.content.decode()
    assert not Member.objects.filter(full_name="Hoàng Thị Mai").exists()


def test_viewer_cannot_create(as_user, world):
    client = as_user("inspector")

    assert client.get(reverse("members:create")).status_code == 403
    response = client.post(
        reverse("members:create"), {**valid_member_data(), "cell": world.cell.pk}
    )
    assert response.status_code == 403
    assert not Member.objects.filter(full_name="Hoàng Thị Mai").exists()


def test_htmx_save_redirects_on_the_client(as_user, world):
    response = as_user("staff").post(
        reverse("members:create"), {**valid_member_data(), "cell": world.cell.pk}, headers=HTMX
    )

    member = Member.objects.get(full_name="Hoàng Thị Mai")
    assert response["HX-Redirect"] == reverse("members:detail", args=[member.pk])


# --- edit --------------------------------------------------------------------------------


def edit_data(member, **overrides):
    data = {
        "ho": member.ho,
        "ten_dem": member.ten_dem,
        "ten": member.ten,
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "gender": member.gender,
        "card_number": member.card_number or "",
        "admitted_on": member.admitted_on.strftime("%d/%m/%Y"),
        "official_on": member.official_on.strftime("%d/%m/%Y") if member.official_on else "",
        "status": member.status,
    }
    data.update(overrides)
    return data


def test_edit_form_shows_dates_as_dd_mm_yyyy(as_user, world):
    response = as_user("staff").get(reverse("members:edit", args=[world.members["hung"].pk]))

    assert 'value="01/01/1980"' in response.content.decode()


def test_edit_is_recorded_in_history_with_old_and_new_values(as_user, world):
    hung = world.members["hung"]
    client = as_user("staff")

    response = client.post(
        reverse("members:edit", args=[hung.pk]),
        edit_data(hung, birth_date="02/03/1981", ten_dem="Đức"),
    )

    assert response.status_code == 302
    hung.refresh_from_db()
    assert (hung.full_name, hung.birth_date) == ("Nguyễn Đức Hùng", date(1981, 3, 2))
    history = client.get(reverse("members:history", args=[hung.pk])).content.decode()
    assert "<del>01/01/1980</del> →" in history and "02/03/1981" in history
    assert "<del>Văn</del> →" in history and "Đức" in history
    assert "staff" in history


def test_inspector_cannot_edit(as_user, world):
    hung = world.members["hung"]
    client = as_user("inspector")

    assert client.get(reverse("members:edit", args=[hung.pk])).status_code == 404
    response = client.post(reverse("members:edit", args=[hung.pk]), edit_data(hung, ten="Hải"))

    assert response.status_code == 404
    hung.refresh_from_db()
    assert hung.ten == "Hùng"


def test_secretary_can_view_her_cell_but_not_edit(as_user, world):
    client = as_user("secretary")
    hung = world.members["hung"]

    assert client.get(reverse("members:detail", args=[hung.pk])).status_code == 200
    assert client.get(reverse("members:edit", args=[hung.pk])).status_code == 404


def test_official_member_without_official_date_names_the_field(as_user, world):
    hung = world.members["hung"]

    response = as_user("staff").post(
        reverse("members:edit", args=[hung.pk]), edit_data(hung, official_on="")
    )

    assert response.status_code == 422
    assert 'data-testid="error-official_on"' in response.content.decode()
    hung.refresh_from_db()
    assert hung.official_on == date(2006, 5, 19)


def test_duplicate_card_number_names_the_field(as_user, world):
    Member.objects.filter(pk=world.members["lan"].pk).update(card_number="12345678")
    hung = world.members["hung"]

    response = as_user("staff").post(
        reverse("members:edit", args=[hung.pk]), edit_data(hung, card_number="12345678")
    )

    assert response.status_code == 422
    assert 'data-testid="error-card_number"' in response.content.decode()


# --- transfer ----------------------------------------------------------------------------


def test_transfer_moves_member_and_updates_counts(as_user, world):
    hung = world.members["hung"]
    old = [world.cell, world.grassroots, world.district]
    new = [world.outside_cell, world.other_district]
    old_before, new_before = counts(*old), counts(*new)
    province_before = counts(world.province)

    response = as_user("office").post(
        reverse("members:transfer", args=[hung.pk]),
        {
            "to_cell": world.outside_cell.pk,
            "transferred_on": "15/08/2019",
            "note": "Chuyển công tác",
        },
    )

    assert response.status_code == 302
    hung.refresh_from_db()
    assert (hung.cell_id, hung.org_path) == (world.outside_cell.pk, world.outside_cell.path)
    transfer = MemberTransfer.objects.get(member=hung)
    assert (transfer.from_cell_id, transfer.to_cell_id, transfer.transferred_on) == (
        world.cell.pk,
        world.outside_cell.pk,
        date(2019, 8, 15),
    )
    assert counts(*old) == [n - 1 for n in old_before]
    assert counts(*new) == [n + 1 for n in new_before]
    assert counts(world.province) == province_before
    detail = as_user("office").get(reverse("members:detail", args=[hung.pk])).content.decode()
    assert f'data-testid="transfer-row-{transfer.pk}"' in detail and "15/08/2019" in detail


def test_transfer_to_a_cell_outside_change_scope_is_refused(as_user, world):
    hung = world.members["hung"]

    response = as_user("staff").post(
        reverse("members:transfer", args=[hung.pk]),
        {"to_cell": world.outside_cell.pk, "transferred_on": "15/08/2019"},
    )

    assert response.status_code == 422
    assert 'data-testid="error-to_cell"' in response.content.decode()
    hung.refresh_from_db()
    assert hung.cell_id == world.cell.pk
    assert not MemberTransfer.objects.exists()


def test_transfer_before_admission_names_the_date_field(as_user, world):
    hung = world.members["hung"]

    response = as_user("staff").post(
        reverse("members:transfer", args=[hung.pk]),
        {"to_cell": world.other_cell.pk, "transferred_on": "01/01/2000"},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-transferred_on"' in html and "ngày vào Đảng" in html
    assert f'value="{world.other_cell.pk}" checked' in html  # the chosen cell is kept
    assert counts(world.cell, world.other_cell) == [3, 1]


def test_cell_picker_finds_cells_without_diacritics_in_change_scope(as_user, world):
    client = as_user("staff")

    found = client.get(reverse("members:cell_search"), {"cell_q": "thon dong", "field": "to_cell"})
    everything = client.get(reverse("members:cell_search"), {"cell_q": "", "field": "to_cell"})
    outside = client.get(reverse("members:cell_search"), {"cell_q": "binh yen"})

    html = found.content.decode()
    assert "Chi bộ thôn Đông" in html and "Chi bộ thôn Tây" not in html
    assert 'name="to_cell"' in html and "Đảng bộ xã An Phú" in html  # the parent, as context
    listed = everything.content.decode()
    assert "Chi bộ thôn Tây" in listed
    assert f'data-testid="cell-option-{world.grassroots.pk}"' not in listed  # not a cell
    assert "Trường Tiểu học" not in outside.content.decode()


def test_viewer_gets_no_cells_to_pick(as_user, world):
    response = as_user("inspector").get(reverse("members:cell_search"), {"cell_q": "chi bo"})

    assert 'data-testid="cell-none"' in response.content.decode()


# --- delete ------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(as_user, world):
    hung = world.members["hung"]

    response = as_user("staff").get(reverse("members:delete", args=[hung.pk]))

    assert response.status_code == 200
    assert 'data-testid="member-delete-confirm"' in response.content.decode()
    assert Member.objects.filter(pk=hung.pk).exists()


def test_delete_removes_member_and_updates_counts(as_user, world):
    hung = world.members["hung"]
    before = counts(world.cell, world.district, world.province)

    response = as_user("staff").post(reverse("members:delete", args=[hung.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("members:list")
    assert not Member.objects.filter(pk=hung.pk).exists()
    assert counts(world.cell, world.district, world.province) == [n - 1 for n in before]


def test_member_holding_a_seat_cannot_be_deleted(as_user, world):
    tuan = world.members["tuan"]

    response = as_user("office").post(reverse("members:delete", args=[tuan.pk]))

    assert response.status_code == 422
    assert "chức vụ cấp ủy" in response.content.decode()
    assert Member.objects.filter(pk=tuan.pk).exists()
