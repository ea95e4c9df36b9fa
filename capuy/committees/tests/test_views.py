from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.core.testing import member_in

LIST = reverse("committees:list")
PICKER = reverse("committees:member_picker")


def section(html: str, testid: str) -> str:
    """The markup of the element marked ``data-testid=testid``, up to its section's end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def url(name, obj):
    return reverse(f"committees:{name}", args=[obj.pk])


@pytest.fixture
def current_term(world):
    """A term in force today for the district, with a BTV and one sitting secretary."""
    today = timezone.localdate()
    term = Term.objects.create(
        organization=world.district, name="XX", start_on=today - timedelta(days=400)
    )
    btv = Committee.objects.create(term=term, kind=CommitteeKind.BTV)
    Seat.objects.create(
        committee=btv,
        member=world.members["hung"],
        role=SeatRole.BI_THU,
        start_on=today - timedelta(days=400),
    )
    return btv


# --- list ------------------------------------------------------------------------------


def test_list_shows_current_terms_by_default(world, as_user, current_term):
    html = as_user("office").get(LIST).content.decode()

    assert f'data-testid="term-{current_term.term.pk}"' in html
    assert f'data-testid="term-{world.term.pk}"' not in html  # XIX ended in 2020
    assert f'data-testid="holders-{current_term.pk}">1<' in html


def test_list_all_terms_includes_past_ones_grouped_by_organization(world, as_user, current_term):
    html = as_user("office").get(LIST, {"term": "all"}).content.decode()

    assert f'data-testid="term-{world.term.pk}"' in html
    assert f'data-testid="committee-{world.bch.pk}"' in html
    # Tree order: the province's terms come before the district's.
    assert html.index("Đảng bộ tỉnh Thử Nghiệm") < html.index("Đảng bộ huyện An Bình")


def test_list_filters_by_organization_subtree(world, as_user, current_term):
    html = as_user("office").get(LIST, {"term": "all", "org": world.district.pk}).content.decode()

    assert f'data-testid="term-{current_term.term.pk}"' in html
    assert f'data-testid="term-{world.term.pk}"' not in html


def test_list_is_scoped(world, as_user, current_term):
    html = as_user("outsider").get(LIST, {"term": "all"}).content.decode()

    assert f"term-{current_term.term.pk}" not in html
    assert f"term-{world.term.pk}" not in html


def test_list_filter_by_organization_outside_scope_is_404(world, as_user):
    response = as_user("outsider").get(LIST, {"org": world.district.pk})

    assert response.status_code == 404


def test_list_query_count_does_not_grow_with_terms(world, as_user, django_assert_max_num_queries):
    for n in range(15):
        term = Term.objects.create(
            organization=world.grassroots, name=f"K{n}", start_on=date(2000 + n, 1, 1)
        )
        committee = Committee.objects.create(term=term, kind=CommitteeKind.BCH)
        Seat.objects.create(
            committee=committee,
            member=world.members["lan"],
            role=SeatRole.UY_VIEN_BCH,
            start_on=date(2000 + n, 1, 1),
        )
    client = as_user("office")

    # Session, user, device, grants, count, terms, committees with counts.
    with django_assert_max_num_queries(7):
        response = client.get(LIST, {"term": "all"})
    assert response.content.decode().count('data-testid="term-') == 16


# --- detail ----------------------------------------------------------------------------


def test_detail_shows_seats_level_and_holder_count(world, as_user):
    html = as_user("committee_member").get(url("detail", world.bch)).content.decode()

    assert "Ban Chấp hành Đảng bộ tỉnh Thử Nghiệm" in html
    assert 'data-testid="committee-level">Cấp: Tỉnh<' in html
    assert f'data-testid="seat-{world.seat.pk}"' in html
    assert "Lê Minh Tuấn" in html and "Ủy viên Ban Chấp hành" in html
    assert "15/10/2015" in html
    assert 'data-testid="holder-count">1<' in html


def test_detail_seat_level_follows_the_organization(world, as_user, current_term):
    html = as_user("office").get(url("detail", current_term)).content.decode()

    assert 'data-testid="committee-level">Cấp: Huyện và tương đương<' in html


def test_detail_splits_current_and_past_seats(world, as_user):
    Seat.objects.filter(pk=world.seat.pk).update(end_on=date(2020, 10, 15))

    html = as_user("office").get(url("detail", world.bch)).content.decode()

    assert 'data-testid="past-seats"' in html
    assert 'data-testid="holder-count">0<' in html
    assert 'data-testid="past-count">1<' in html
    assert f'data-testid="seat-end-{world.seat.pk}"' not in html


@pytest.mark.parametrize("persona", ["outsider", "secretary"])
def test_detail_outside_scope_is_404(world, as_user, current_term, persona):
    # The secretary sees her cell only; the outsider sees the other district only.
    response = as_user(persona).get(url("detail", current_term))

    assert response.status_code == 404


def test_detail_query_count_does_not_grow_with_seats(world, as_user, django_assert_max_num_queries):
    for n in range(10):
        member = member_in(world.cell, "Võ", "Văn", f"Tên{n}")
        Seat.objects.create(
            committee=world.bch, member=member, role=SeatRole.UY_VIEN_BCH, start_on=date(2016, 1, 1)
        )
    client = as_user("office")

    # Session, user, device, grants, committee, seats with members and cells, can-change.
    with django_assert_max_num_queries(7):
        response = client.get(url("detail", world.bch))
    assert response.content.decode().count('data-testid="seat-') >= 11


# --- member picker ---------------------------------------------------------------------


def test_member_picker_finds_names_without_diacritics(world, as_user):
    html = as_user("office").get(PICKER, {"q": "tuan"}, HTTP_HX_REQUEST="true").content.decode()

    assert f'data-testid="pick-{world.members["tuan"].pk}"' in html
    assert "Lê Minh Tuấn" in html
    assert f'value="{world.members["tuan"].pk}"' in html
    assert "Nguyễn Văn Hùng" not in html


def test_member_picker_matches_every_word_in_any_order(world, as_user):
    html = as_user("office").get(PICKER, {"q": "hung nguyen"}).content.decode()

    assert "Nguyễn Văn Hùng" in html
    assert "Đỗ Văn Hưng" not in html


def test_member_picker_ranks_exact_diacritics_first(world, as_user):
    # "Hưng" and "Hùng" both unaccent to "hung"; the one typed exactly comes first.
    html = as_user("office").get(PICKER, {"q": "Hưng"}).content.decode()

    assert html.index("Đỗ Văn Hưng") < html.index("Nguyễn Văn Hùng")


def test_member_picker_is_scoped(world, as_user):
    html = as_user("staff").get(PICKER, {"q": "hung"}).content.decode()

    assert "Nguyễn Văn Hùng" in html
    assert "Đỗ Văn Hưng" not in html  # in the other district


def test_member_picker_returns_at_most_twenty(world, as_user):
    for n in range(25):
        member_in(world.cell, "Phan", "Văn", f"Bình{n:02d}")

    html = as_user("office").get(PICKER, {"q": "binh"}).content.decode()

    assert html.count('data-testid="pick-') == 20


def test_member_picker_keeps_the_chosen_member(world, as_user):
    lan = world.members["lan"]

    html = as_user("office").get(PICKER, {"q": "tuan", "member": lan.pk}).content.decode()

    assert f'value="{lan.pk}" checked' in html
    assert "Lê Minh Tuấn" in html


def test_member_picker_with_empty_query_lists_nobody(world, as_user):
    html = as_user("office").get(PICKER, {"q": "  "}).content.decode()

    assert 'data-testid="pick-' not in html


# --- seats -----------------------------------------------------------------------------


def test_seat_add_then_end_with_history(world, as_user):
    client = as_user("office")
    lan = world.members["lan"]

    # when the office seats Lan as deputy secretary
    response = client.post(
        url("seat_add", world.bch),
        {"member": lan.pk, "role": SeatRole.PHO_BI_THU, "start_on": "2016-01-04", "note": ""},
    )

    # then the seat exists and shows on the committee page
    seat = Seat.objects.get(member=lan)
    assert response.status_code == 302
    assert response["Location"] == url("detail", world.bch)
    assert seat.start_on == date(2016, 1, 4) and seat.end_on is None
    page = client.get(url("detail", world.bch)).content.decode()
    assert f'data-testid="seat-{seat.pk}"' in page and "Phó Bí thư" in page

    # when she steps down
    response = client.post(url("seat_end", seat), {"end_on": "2018-06-30", "note": "Nghỉ hưu"})

    # then the seat carries its end date and is listed as past
    seat.refresh_from_db()
    assert response.status_code == 302
    assert seat.end_on == date(2018, 6, 30)
    page = client.get(url("detail", world.bch)).content.decode()
    assert page.index('data-testid="past-seats"') < page.index(f'data-testid="seat-{seat.pk}"')

    # and the seat's history shows both steps with the acting user
    history = section(client.get(url("seat_history", seat)).content.decode(), "seat-history")
    assert "<strong>Tạo mới</strong> · office" in history
    assert "<strong>Sửa</strong> · office" in history
    assert "30/06/2018" in history


def test_seat_add_requires_a_member(world, as_user):
    response = as_user("office").post(
        url("seat_add", world.bch), {"role": SeatRole.PHO_BI_THU, "start_on": "2016-01-04"}
    )

    assert response.status_code == 422
    assert 'data-testid="error-member"' in response.content.decode()
    assert Seat.objects.count() == 1


def test_seat_add_outside_the_term_shows_the_error_and_keeps_the_choice(world, as_user):
    lan = world.members["lan"]

    response = as_user("office").post(
        url("seat_add", world.bch),
        {"member": lan.pk, "role": SeatRole.PHO_BI_THU, "start_on": "2010-01-01"},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Ngày bắt đầu phải trong nhiệm kỳ." in html
    assert 'data-testid="error-start_on"' in html
    assert f'value="{lan.pk}" checked' in html  # the picked member is still picked
    assert Seat.objects.count() == 1


def test_seat_add_refuses_a_member_outside_scope(world, as_user, current_term):
    outside = world.members["hung_outside"]

    response = as_user("staff").post(
        url("seat_add", current_term),
        {"member": outside.pk, "role": SeatRole.UY_VIEN_BTV, "start_on": str(timezone.localdate())},
    )

    assert response.status_code == 422
    assert 'data-testid="error-member"' in response.content.decode()
    assert not Seat.objects.filter(member=outside).exists()


@pytest.mark.parametrize("persona", ["inspector", "committee_member", "staff"])
def test_seat_writes_need_change_scope(world, as_user, persona):
    # Inspector and committee member only read; staff's district lies below the province.
    client = as_user(persona)
    data = {"member": world.members["lan"].pk, "role": SeatRole.BI_THU, "start_on": "2016-01-04"}

    assert client.post(url("seat_add", world.bch), data).status_code == 404
    assert client.post(url("seat_end", world.seat), {"end_on": "2018-01-01"}).status_code == 404
    assert Seat.objects.count() == 1
    assert Seat.objects.get().end_on is None


def test_seat_end_before_start_is_refused(world, as_user):
    response = as_user("office").post(url("seat_end", world.seat), {"end_on": "2010-01-01"})

    assert response.status_code == 422
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    world.seat.refresh_from_db()
    assert world.seat.end_on is None


def test_seat_history_outside_scope_is_404(world, as_user):
    response = as_user("outsider").get(url("seat_history", world.seat))

    assert response.status_code == 404


# --- terms and committees --------------------------------------------------------------


def test_term_create_then_committee_create(world, as_user):
    client = as_user("staff")
    term_url = f"{reverse('committees:term_create')}?org={world.district.pk}"

    # when the staff adds a term to their district
    response = client.post(term_url, {"name": "XX", "start_on": "2020-10-20", "end_on": ""})

    # then it exists and the organization page lists it
    term = Term.objects.get(organization=world.district, name="XX")
    assert response.status_code == 302
    assert response["Location"].endswith("#cap-uy")
    assert "Khóa XX" in client.get(url_detail(world.district)).content.decode()

    # when they add its standing committee
    response = client.post(url("committee_create", term), {"kind": CommitteeKind.BTV})

    # then it exists and its page opens, with its own history
    committee = Committee.objects.get(term=term)
    assert response["Location"] == url("detail", committee)
    assert committee.kind == CommitteeKind.BTV
    history = section(client.get(url("history", committee)).content.decode(), "committee-history")
    assert "<strong>Tạo mới</strong> · staff" in history


def url_detail(org):
    return reverse("organizations:detail", args=[org.pk])


def test_term_create_duplicate_name_shows_error_and_creates_nothing(world, as_user):
    response = as_user("office").post(
        f"{reverse('committees:term_create')}?org={world.province.pk}",
        {"name": "XIX", "start_on": "2020-10-20"},
    )

    assert response.status_code == 422
    assert "Tổ chức này đã có nhiệm kỳ cùng tên." in response.content.decode()
    assert Term.objects.filter(organization=world.province).count() == 1


def test_term_create_needs_change_scope_on_the_organization(world, as_user):
    client = as_user("inspector")

    response = client.post(
        f"{reverse('committees:term_create')}?org={world.province.pk}",
        {"name": "XX", "start_on": "2020-10-20"},
    )

    assert response.status_code == 404
    assert as_user("office").get(reverse("committees:term_create")).status_code == 404


def test_committee_create_duplicate_kind_shows_error(world, as_user):
    response = as_user("office").post(
        url("committee_create", world.term), {"kind": CommitteeKind.BCH}
    )

    assert response.status_code == 422
    assert "Nhiệm kỳ này đã có cấp ủy loại này." in response.content.decode()
    assert Committee.objects.filter(term=world.term).count() == 1


def test_committee_history_outside_scope_is_404(world, as_user):
    response = as_user("outsider").get(url("history", world.bch))

    assert response.status_code == 404
