from capuy.core.testing import member_in
from capuy.members.selectors import list_page, member_list_visible_to


def names(queryset):
    return [member.full_name for member in queryset]


def test_search_without_diacritics_finds_member(world):
    office = world.users["office"]
    for query in ("nguyen van hung", "Nguyễn Văn Hùng", "Hùng", "hung", "van hung", "NGUYEN"):
        assert "Nguyễn Văn Hùng" in names(member_list_visible_to(office, q=query)), query


def test_search_matches_the_start_of_words_only(world):
    office = world.users["office"]
    assert names(member_list_visible_to(office, q="ung")) == []
    assert names(member_list_visible_to(office, q="uyen")) == []


def test_exact_diacritics_rank_first(world):
    office = world.users["office"]
    # In roster order Hùng comes before Hưng (u < ư); typing "Hưng" puts the exact spelling first.
    assert names(member_list_visible_to(office, q="hung")) == ["Nguyễn Văn Hùng", "Đỗ Văn Hưng"]
    assert names(member_list_visible_to(office, q="Hưng")) == ["Đỗ Văn Hưng", "Nguyễn Văn Hùng"]
    assert names(member_list_visible_to(office, q="văn hưng")) == [
        "Đỗ Văn Hưng",
        "Nguyễn Văn Hùng",
    ]


def test_list_is_in_vietnamese_roster_order(world):
    # given: names a naive ORDER BY full_name would sort differently (family name first, Đ as D)
    member_in(world.cell, "Đào", "Thị", "Anh")
    member_in(world.cell, "Dương", "Văn", "Anh")
    member_in(world.cell, "Bùi", "Thị", "Ánh")
    member_in(world.cell, "Vũ", "Văn", "Ðông")  # the Icelandic "Ð" sometimes typed for "Đ"
    member_in(world.cell, "Hoàng", "Văn", "Dũng")

    # when
    roster = names(member_list_visible_to(world.users["office"]))

    # then: given name first, then family name; d < đ; tones only break full ties (so "Bùi Ánh"
    # comes before "Dương Anh", as in a dictionary)
    assert roster == [
        "Phạm Thị An",
        "Bùi Thị Ánh",
        "Dương Văn Anh",
        "Đào Thị Anh",
        "Hoàng Văn Dũng",
        "Vũ Văn Ðông",
        "Nguyễn Văn Hùng",
        "Đỗ Văn Hưng",
        "Trần Thị Lan",
        "Lê Minh Tuấn",
    ]


def test_list_shows_only_members_in_scope(world):
    assert names(member_list_visible_to(world.users["secretary"])) == [
        "Nguyễn Văn Hùng",
        "Trần Thị Lan",
        "Lê Minh Tuấn",
    ]
    assert names(member_list_visible_to(world.users["outsider"])) == ["Đỗ Văn Hưng"]
    assert len(member_list_visible_to(world.users["root"])) == 5


def test_org_filter_narrows_to_the_subtree(world):
    office = world.users["office"]
    assert names(member_list_visible_to(office, org=world.other_cell)) == ["Phạm Thị An"]
    assert len(member_list_visible_to(office, org=world.district.pk)) == 4


def test_org_outside_scope_gives_nothing(world):
    staff = world.users["staff"]
    assert names(member_list_visible_to(staff, org=world.outside_cell.pk)) == []
    # an ancestor of the user's scope does not widen it
    assert len(member_list_visible_to(staff, org=world.province.pk)) == 0


def test_status_and_gender_filters(world):
    office = world.users["office"]
    assert names(member_list_visible_to(office, gender="nu")) == ["Phạm Thị An", "Trần Thị Lan"]
    assert names(member_list_visible_to(office, status="du_bi")) == []
    assert names(member_list_visible_to(office, gender="khong-co")) == []


def test_page_peeks_one_row_instead_of_counting(world, django_assert_num_queries):
    for index in range(7):
        member_in(world.cell, "Ngô", "Văn", f"Bình {index}")
    queryset = member_list_visible_to(world.users["office"]).filter(ho="Ngô")

    with django_assert_num_queries(1):
        first = list_page(queryset, 1, per_page=3, known_total=7)
    assert (first.has_next, first.has_previous, first.total) == (True, False, 7)
    assert [m.ten for m in first.object_list] == ["Bình 0", "Bình 1", "Bình 2"]

    last = list_page(queryset, 3, per_page=3, known_total=7)
    assert (last.has_next, last.has_previous, len(last.object_list)) == (False, True, 1)
    assert (last.start_index, last.end_index) == (7, 7)


def test_filtered_page_counts_at_most_the_cap(world):
    for index in range(6):
        member_in(world.cell, "Ngô", "Văn", f"Bình {index}")
    queryset = member_list_visible_to(world.users["office"], q="binh")

    assert list_page(queryset, 1, per_page=10).total == 6  # fits on one page: no count
    capped = list_page(queryset, 1, per_page=2, count_cap=4)
    assert (capped.total, capped.total_capped) == (4, True)
    exact = list_page(queryset, 1, per_page=2, count_cap=10)
    assert (exact.total, exact.total_capped) == (6, False)


def page_names(user, q, number=1, per_page=50, org=None):
    from capuy.members.search import MemberSearch

    base = member_list_visible_to(user, org=org)
    return [
        m.full_name for m in list_page(MemberSearch(base, q), number, per_page=per_page).object_list
    ]


def test_the_page_search_finds_what_the_list_search_finds(world):
    office = world.users["office"]
    for query in ("nguyen van hung", "Nguyễn Văn Hùng", "Hùng", "hung", "van hung", "NGUYEN"):
        assert "Nguyễn Văn Hùng" in page_names(office, query), query
    assert page_names(office, "ung") == [] and page_names(office, "uyen") == []


def test_the_page_search_puts_the_spelling_typed_first(world):
    office = world.users["office"]
    assert page_names(office, "hung") == ["Nguyễn Văn Hùng", "Đỗ Văn Hưng"]
    assert page_names(office, "Hưng") == ["Đỗ Văn Hưng", "Nguyễn Văn Hùng"]
    assert page_names(office, "văn hưng") == ["Đỗ Văn Hưng", "Nguyễn Văn Hùng"]


def test_the_page_search_reads_given_names_then_full_names_then_later_words(world):
    # given: "an" is the start of a given name (An, Ân), of a full name (Âu… no: "An Thị Mai")
    # and of a later word ("Lê Anh Tú")
    member_in(world.cell, "Phạm", "Văn", "Ân")
    member_in(world.cell, "Lê", "Văn", "An")
    member_in(world.cell, "An", "Thị", "Mai")
    member_in(world.cell, "Lê", "Anh", "Tú")
    office = world.users["office"]

    found = page_names(office, "an")

    from capuy.members.models import Member

    given = list(
        Member.objects.filter(given_search__startswith="an")
        .order_by("sort_key", "id")
        .values_list("full_name", flat=True)
    )
    assert {"Lê Văn An", "Phạm Văn Ân"} <= set(given)
    assert given.index("Lê Văn An") < given.index("Phạm Văn Ân")  # roster order: An < Ân
    assert found[: len(given)] == given  # given names first, in roster order
    assert found.index("An Thị Mai") >= len(given)  # then full names
    assert found.index("Lê Anh Tú") > found.index("An Thị Mai")  # then later words


def test_the_page_search_pages_across_tiers_without_repeating(world):
    for index in range(7):
        member_in(world.cell, "Lê", "Văn", f"Bình {index}")
        member_in(world.cell, "Bình", "Thị", f"Mai {index}")
        member_in(world.cell, "Trần", "Bình", f"Tú {index}")
    office = world.users["office"]

    pages = [page_names(office, "binh", number=n, per_page=4) for n in range(1, 8)]
    everything = [name for page in pages for name in page]

    assert len(everything) == len(set(everything)) >= 21
    assert everything[:7] == [f"Lê Văn Bình {i}" for i in range(7)]
    assert everything[7:14] == [f"Bình Thị Mai {i}" for i in range(7)]
