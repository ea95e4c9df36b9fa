"""The review pages: what each persona sees and may do, and the messages they get."""

import pytest
from django.urls import reverse

from capuy.reviews import services
from capuy.reviews.choices import ReviewStatus
from capuy.reviews.models import Manifestation, Review, ReviewCycle
from capuy.reviews.testing import (
    big_grassroots,
    manifestation,
    member_ratings,
    open_cycle,
    review_of,
    rule_set,
)


@pytest.fixture
def cycle(world):
    return open_cycle(world)


def quick_data(review, self_level="HTTNV", proposed="HTTNV", codes=("A1",), text=""):
    prefix = f"r{review.pk}"
    return {
        f"{prefix}-self_level": self_level,
        f"{prefix}-proposed_level": proposed,
        f"{prefix}-manifestations": [manifestation(code).pk for code in codes],
        f"{prefix}-manifestations_text": text,
    }


def test_the_cycle_pages_render_for_the_office(as_user, world, cycle):
    client = as_user("office")
    review = review_of(cycle, world.members["hung"])
    for url in (
        reverse("reviews:cycle_list"),
        reverse("reviews:cycle_open"),
        reverse("reviews:cycle_detail", args=[cycle.pk]),
        reverse("reviews:subject_list", args=[cycle.pk]) + "?status=pending&kind=member&q=hung",
        reverse("reviews:cell_entry", args=[cycle.pk]) + f"?org={world.cell.pk}",
        reverse("reviews:review_detail", args=[review.pk]),
        reverse("reviews:review_decide", args=[review.pk]),
        reverse("reviews:review_quota", args=[review.pk]) + "?level=HTXSNV",
        reverse("reviews:review_history", args=[review.pk]),
        reverse("reviews:rule_set_list"),
        reverse("reviews:rule_set_detail", args=[cycle.rule_set_id]),
        reverse("reviews:rule_set_edit", args=[cycle.rule_set_id]),
        reverse("reviews:rule_set_overlay", args=[cycle.rule_set_id]),
        reverse("reviews:manifestation_list"),
        reverse("reviews:manifestation_create"),
        reverse("reviews:manifestation_edit", args=[manifestation("A5").pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_review_page_shows_the_day_of_the_meeting(as_user, world, cycle):
    from datetime import date

    from capuy.reviews import services

    review = review_of(cycle, world.members["hung"])
    services.review_self_assess(
        acting_user=world.users["office"],
        review=review,
        level="HTTNV",
        manifestations=[manifestation("A1")],
        held_on=date(2019, 12, 20),
    )
    page = as_user("office").get(reverse("reviews:review_detail", args=[review.pk]))
    assert "họp ngày 20/12/2019" in page.content.decode()


def test_opening_a_cycle_from_the_page(as_user, world):
    client = as_user("office")
    response = client.post(
        reverse("reviews:cycle_open"),
        {
            "rule_set": rule_set().pk,
            "organization": world.province.pk,
            "period_kind": "year",
            "year": 2019,
        },
    )
    cycle = ReviewCycle.objects.get()
    assert response.status_code == 302 and response["Location"] == cycle.get_absolute_url()
    assert Review.objects.filter(cycle=cycle).count() == 13


def test_opening_with_a_rule_set_of_another_year_shows_the_reason(as_user, world):
    response = as_user("office").post(
        reverse("reviews:cycle_open"),
        {
            "rule_set": rule_set("qd366-hd43").pk,
            "organization": world.province.pk,
            "period_kind": "year",
            "year": 2019,
        },
    )
    assert response.status_code == 422
    assert "không áp dụng cho năm 2019" in response.content.decode()


def test_the_cycle_page_shows_coverage_and_what_is_missing(as_user, world, cycle):
    page = as_user("office").get(reverse("reviews:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'data-testid="coverage-level-co_so"' in page
    assert "Phải kiểm điểm 7" in page
    assert 'data-testid="not-reviewed-' in page


def test_the_cells_offered_for_entering_results_are_those_with_members_in_the_users_scope(
    world, cycle
):
    from capuy.reviews.selectors import cells_of_user

    def names(persona):
        return [cell.name for cell in cells_of_user(world.users[persona], cycle)]

    assert names("secretary") == [world.cell.name]
    # in tree order; the grassroots organizations above them have no members of their own
    assert names("staff") == [world.cell.name, world.other_cell.name]
    assert names("office") == [world.cell.name, world.other_cell.name, world.outside_cell.name]
    assert names("outsider") == [world.outside_cell.name]


def test_the_secretary_sees_only_her_cell_on_the_phone_page(as_user, world, cycle):
    page = as_user("secretary").get(reverse("reviews:cell_entry", args=[cycle.pk])).content.decode()
    assert world.members["hung"].full_name in page
    assert world.members["an"].full_name not in page  # the other cell of the same commune
    assert f'data-testid="row-save-{world.members["hung"].pk}"' in page


def test_the_secretary_records_a_member_from_the_phone_row(as_user, world, cycle):
    client = as_user("secretary")
    review = review_of(cycle, world.members["hung"])
    response = client.post(
        reverse("reviews:review_quick", args=[review.pk]),
        quick_data(review, "HTTNV", "HTTNV", ("A1", "C3")),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'data-testid="row-saved-{world.members["hung"].pk}"' in response.content.decode()
    review.refresh_from_db()
    assert (review.status, review.self_level, review.proposed_level) == (
        "proposed",
        "HTTNV",
        "HTTNV",
    )
    assert sorted(m.code for m in review.linked_manifestations()) == ["A1", "C3"]


def test_the_phone_row_refuses_a_member_without_linked_manifestations(as_user, world, cycle):
    review = review_of(cycle, world.members["hung"])
    response = as_user("secretary").post(
        reverse("reviews:review_quick", args=[review.pk]),
        quick_data(review, codes=()),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "27 biểu hiện" in response.content.decode()
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PENDING


def test_the_inspector_cannot_write_from_the_phone_row(as_user, world, cycle):
    review = review_of(cycle, world.members["hung"])
    response = as_user("inspector").post(
        reverse("reviews:review_quick", args=[review.pk]), quick_data(review)
    )
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PENDING


def test_the_decision_page_refuses_over_quota_with_the_numbers(as_user, world):
    grassroots, cell, people = big_grassroots(world, members=3)
    cycle = open_cycle(world)
    office = world.users["office"]
    reviews = [review_of(cycle, p) for p in people]
    for review in reviews:
        services.review_self_assess(
            acting_user=office, review=review, level="HTTNV", manifestations=[manifestation()]
        )
    services.review_decide(acting_user=office, review=reviews[0], level="HTTNV")
    client = as_user("staff")
    url = reverse("reviews:review_decide", args=[reviews[1].pk])
    page = client.get(url).content.decode()
    assert "đã có 0 HTXSNV / 1 HTTNV, tối đa 0" in page
    quota = client.get(reverse("reviews:review_quota", args=[reviews[1].pk]), {"level": "HTXSNV"})
    assert "Vượt tỷ lệ HTXSNV" in quota.content.decode()
    response = client.post(url, {"level": "HTXSNV", "override_reason": "Thành tích"})
    assert response.status_code == 422
    assert "đã có 0 HTXSNV / 1 HTTNV, tối đa 0" in response.content.decode()


def test_a_decision_by_someone_outside_the_competent_level_is_refused(as_user, world, cycle):
    review = review_of(cycle, world.members["hung"])
    services.review_self_assess(
        acting_user=world.users["office"],
        review=review,
        level="HTTNV",
        manifestations=[manifestation()],
    )
    response = as_user("secretary").post(
        reverse("reviews:review_decide", args=[review.pk]), {"level": "HTTNV"}
    )
    assert response.status_code == 403
    assert "Chỉ cấp có thẩm quyền (Đảng bộ xã An Phú hoặc cấp trên)" in response.content.decode()


def test_the_review_page_records_a_self_assessment_with_ratings(as_user, world, cycle):
    review = review_of(cycle, world.members["hung"])
    data = {f"rating__{key}": value for key, value in member_ratings("tot").items()}
    data.update({"level": "HTXSNV", "manifestations": [manifestation("A2").pk]})
    client = as_user("office")
    response = client.post(reverse("reviews:review_self", args=[review.pk]), data)
    assert response.status_code == 422
    assert "khác mức theo quy tắc (HTTNV)" in response.content.decode()
    data["override_reason"] = "Có sáng kiến"
    response = client.post(reverse("reviews:review_self", args=[review.pk]), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.derived_level, review.self_level) == ("HTTNV", "HTXSNV")


def test_the_sick_leave_cap_is_shown_and_enforced_on_the_page(as_user, world, cycle):
    review = review_of(cycle, world.members["hung"])
    client = as_user("office")
    response = client.post(
        reverse("reviews:review_self", args=[review.pk]),
        {
            "level": "HTTNV",
            "cond__sick_leave_months": "4",
            "manifestations": [manifestation().pk],
        },
    )
    assert response.status_code == 422
    assert "Nghỉ ốm từ 3 tháng" in response.content.decode()


def test_the_rule_set_and_catalogue_edits_are_for_the_office(as_user, world):
    rs = rule_set()
    assert as_user("staff").get(reverse("reviews:rule_set_edit", args=[rs.pk])).status_code == 404
    client = as_user("office")
    item = Manifestation.objects.get(group="B", number=1)
    response = client.post(
        reverse("reviews:manifestation_edit", args=[item.pk]),
        {"text": "Văn bản chính thức B1", "confirmed": "on", "active": "on"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.confirmed and item.text == "Văn bản chính thức B1"


def test_the_catalogue_is_read_only_below_the_province(as_user, world):
    client = as_user("staff")
    assert client.get(reverse("reviews:manifestation_list")).status_code == 200
    item = Manifestation.objects.get(group="B", number=1)
    assert client.get(reverse("reviews:manifestation_edit", args=[item.pk])).status_code == 403


def test_the_subject_list_runs_a_fixed_number_of_queries(
    as_user, world, django_assert_max_num_queries
):
    big_grassroots(world, members=30)
    cycle = open_cycle(world)
    client = as_user("office")
    url = reverse("reviews:subject_list", args=[cycle.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_the_cell_page_runs_a_fixed_number_of_queries(
    as_user, world, django_assert_max_num_queries
):
    grassroots, cell, people = big_grassroots(world, members=20)
    cycle = open_cycle(world)
    client = as_user("office")
    url = reverse("reviews:cell_entry", args=[cycle.pk]) + f"?org={cell.pk}"
    client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_closing_a_level_from_the_page_explains_what_is_missing(as_user, world, cycle):
    response = as_user("office").post(
        reverse("reviews:cycle_close_level", args=[cycle.pk]), {"level": "co_so"}, follow=True
    )
    assert "Chưa thể khóa sổ cấp cơ sở" in response.content.decode()
