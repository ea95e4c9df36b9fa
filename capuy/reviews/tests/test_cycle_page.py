"""The cycle page's coverage by organization at the size of a district or a country: 50 rows a
page with how many there are in all, the totals over every row, the incomplete ones only, the
least complete first, the table alone for htmx, and the scope as before; the API pages it too."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from capuy.organizations.models import Organization
from capuy.reviews import selectors, services
from capuy.reviews.choices import ReviewStatus
from capuy.reviews.models import Review, ReviewCycle
from capuy.reviews.selectors import Coverage
from capuy.reviews.testing import (
    more_communes,
    open_cycle,
    review_of,
    self_assessed,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
ROW = re.compile(r'data-testid="coverage-row-(\d+)"')


@pytest.fixture
def communes(world):
    """54 more grassroots organizations under the district: with An Phú and the district's own
    subjects ("(trực tiếp)"), 56 rows to list."""
    return more_communes(world)


@pytest.fixture
def cycle(world, communes):
    return open_cycle(world)


def page_of(client, cycle, headers=None, **params):
    return client.get(reverse("reviews:cycle_detail", args=[cycle.pk]), params, **(headers or {}))


def listed(response) -> list[int]:
    html = response if isinstance(response, str) else response.content.decode()
    return [int(pk) for pk in ROW.findall(html)]


def decide(world, review):
    office = world.users["office"]
    services.review_self_assess(acting_user=office, review=review, level="HTTNV", manifestations=[])
    services.review_decide(acting_user=office, review=review, level="HTTNV")


def district_rows(world) -> list[int]:
    """The organizations of the district's rows in tree order: its own, then its children."""
    children = Organization.objects.filter(
        path__startswith=world.district.path, depth=world.district.depth + 1
    )
    return [world.district.pk, *children.order_by("path").values_list("pk", flat=True)]


def required_under(org, cycle: ReviewCycle) -> int:
    return (
        Review.objects.filter(cycle=cycle, org_path__startswith=org.path)
        .exclude(status=ReviewStatus.EXEMPT)
        .count()
    )


def test_the_coverage_table_shows_fifty_organizations_and_how_many_there_are(as_user, world, cycle):
    response = page_of(as_user("staff"), cycle)
    assert response.status_code == 200
    assert listed(response) == district_rows(world)[:50]
    assert "Hiển thị 1–50 trên 56 đơn vị" in response.content.decode()


def test_the_second_page_shows_the_rest(as_user, world, cycle):
    response = page_of(as_user("staff"), cycle, page=2)
    assert listed(response) == district_rows(world)[50:]
    assert "Hiển thị 51–56 trên 56 đơn vị" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_one(as_user, world, cycle):
    response = page_of(as_user("staff"), cycle, page=99)
    assert listed(response) == district_rows(world)[50:]


def test_the_totals_count_every_organization_not_only_the_page(as_user, world, cycle):
    client = as_user("staff")
    required = required_under(world.district, cycle)
    assert required > 56  # An Phú alone has its cells and members
    for number in (1, 2):
        page = page_of(client, cycle, page=number).content.decode()
        assert f'data-testid="coverage-total-required">{required}<' in page


def test_the_count_reads_with_vietnamese_thousands_separators(world):
    rows = [
        Coverage(f"{i:08d}", f"Tổ chức {i}", total=1, organization=Organization(pk=i + 1))
        for i in range(3326)
    ]
    page = Paginator(rows, 50).get_page(1)
    html = render_to_string(
        "reviews/_coverage_table.html",
        {
            "cycle": ReviewCycle(pk=7),
            "root": world.province,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(1, on_each_side=2),
            "unit_count": len(rows),
            "total": selectors.coverage_total(rows),
        },
        request=RequestFactory().get("/danh-gia/7/"),
    )
    assert "Hiển thị 1–50 trên 3.326 đơn vị" in html
    assert 'data-testid="coverage-total-required">3.326<' in html
    assert 'href="/danh-gia/7/?page=67"' in html  # the last page, without a separator


def test_only_incomplete_keeps_the_organizations_someone_is_missing_in(
    as_user, world, communes, cycle
):
    decided, reviewed = communes[:2]
    decide(world, review_of(cycle, decided))
    self_assessed(world, review_of(cycle, reviewed))  # reviewed, not decided yet
    client = as_user("staff")
    every = page_of(client, cycle).content.decode()
    shown = page_of(client, cycle, incomplete="1")
    rows = listed(shown) + listed(page_of(client, cycle, incomplete="1", page=2))
    assert rows == [pk for pk in district_rows(world) if pk != decided.pk]
    assert "Hiển thị 1–50 trên 55 đơn vị chưa đủ (trong 56 đơn vị)" in shown.content.decode()
    # the totals stay those of every organization
    total = re.compile(r'data-testid="coverage-total-required">[^<]*<')
    assert total.search(shown.content.decode())[0] == total.search(every)[0]


def test_only_incomplete_says_so_when_every_organization_is_done(as_user, world, cycle):
    # the coverage counts statuses alone (the steps that set them: test_services.py)
    Review.objects.filter(cycle=cycle).update(status=ReviewStatus.DECIDED)
    page = page_of(as_user("staff"), cycle, incomplete="1").content.decode()
    assert listed(page) == []
    assert "Mọi đơn vị đã kiểm điểm và quyết định đủ." in page
    assert 'data-testid="coverage-total-required">' in page


def test_the_least_complete_come_first_when_asked(as_user, world, communes, cycle):
    first, second = communes[:2]
    decide(world, review_of(cycle, first))  # 100 % reviewed and decided
    self_assessed(world, review_of(cycle, second))  # 100 % reviewed, none decided
    self_assessed(world, review_of(cycle, world.members["hung"]))  # An Phú: some reviewed
    client = as_user("staff")
    rows = listed(page_of(client, cycle, sort="progress"))
    rows += listed(page_of(client, cycle, sort="progress", page=2))
    untouched = [pk for pk in district_rows(world) if pk not in (first.pk, second.pk)]
    untouched.remove(world.grassroots.pk)
    assert rows == [*untouched, world.grassroots.pk, second.pk, first.pk]


def test_the_rows_stay_in_tree_order_by_default(world, cycle):
    rows = selectors.cycle_coverage(world.users["staff"], cycle)
    assert selectors.coverage_narrowed(rows) == rows
    assert [row.key for row in rows] == sorted(row.key for row in rows)


def test_a_reviewed_but_undecided_organization_is_incomplete():
    assert not Coverage("p", "x", total=3, reviewed=3, decided=2).complete
    assert not Coverage("p", "x", total=3, reviewed=2, decided=2).complete
    assert Coverage("p", "x", total=3, exempt=1, reviewed=2, decided=2).complete
    assert Coverage("p", "x", total=1, exempt=1).complete


def test_the_links_keep_the_chosen_organization_filter_and_order(as_user, world, cycle):
    params = {"org": str(world.district.pk), "incomplete": "1", "sort": "progress"}
    page = page_of(as_user("office"), cycle, **params).content.decode()
    path = reverse("reviews:cycle_detail", args=[cycle.pk])
    pager = re.findall(r'<a class="page-link" href="([^"]+)" hx-get="([^"]+)"', page)
    assert pager and all(href == hx_get for href, hx_get in pager)  # with or without htmx
    for href, _ in pager:
        url = urlsplit(unescape(href))
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        assert url.path == path and query == {**params, "page": query["page"]}
    assert parse_qs(urlsplit(unescape(pager[-1][0])).query)["page"] == ["2"]
    # a row leads one level down with the same filter and order, from the first page
    anphu = re.search(rf'<a href="({path}[^"]*org={world.grassroots.pk}[^"]*)"', page)[1]
    query = parse_qs(urlsplit(unescape(anphu)).query)
    assert query == {"org": [str(world.grassroots.pk)], "incomplete": ["1"], "sort": ["progress"]}
    # the filter form sends the chosen organization along
    assert f'<input type="hidden" name="org" value="{world.district.pk}">' in page


def test_an_htmx_request_gets_the_table_alone(as_user, world, cycle):
    response = page_of(as_user("staff"), cycle, HTMX, page=2)
    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "reviews/_coverage_table.html"
    assert "<html" not in html and 'data-testid="coverage-levels"' not in html
    assert listed(response) == district_rows(world)[50:]
    assert 'hx-target="#coverage-results"' in html
    assert "HX-Request" in response["Vary"]


def test_the_full_page_holds_the_filter_and_the_table_to_swap(as_user, world, cycle):
    page = page_of(as_user("staff"), cycle).content.decode()
    assert 'id="coverage-filter"' in page and 'id="coverage-results"' in page
    assert 'data-testid="coverage-levels"' in page


def test_a_district_user_still_sees_only_their_branch(as_user, world, cycle):
    client = as_user("staff")
    outside = [world.other_district.pk, world.outside_cell.pk, world.province.pk]
    for params in ({}, {"page": 2}, {"org": world.other_district.pk}, {"sort": "progress"}):
        response = page_of(client, cycle, **params)
        assert not set(listed(response)) & set(outside), params
        assert set(listed(response)) <= set(district_rows(world))
    page = page_of(client, cycle, org=world.other_district.pk).content.decode()
    assert world.other_district.name not in page
    required = required_under(world.district, cycle)
    assert f'data-testid="coverage-total-required">{required}<' in page


def test_the_cycle_page_runs_a_fixed_number_of_queries(
    as_user, world, cycle, django_assert_max_num_queries
):
    client = as_user("staff")
    page_of(client, cycle)
    with django_assert_max_num_queries(11):
        page_of(client, cycle, page=2, incomplete="1", sort="progress")
    with django_assert_max_num_queries(8):  # the table alone: no levels, no cells
        page_of(client, cycle, HTMX, page=2, incomplete="1", sort="progress")


# --- the API ----------------------------------------------------------------------------------


def test_the_api_pages_the_organizations_like_every_list(api, world, cycle):
    client = api("staff")
    url = f"/api/v1/review-cycles/{cycle.pk}/coverage/"
    first = client.get(url).json()
    assert first["count"] == 56 and len(first["organizations"]) == 50
    assert first["previous"] is None and "page=2" in first["next"]
    assert [row["organization"] for row in first["organizations"]] == district_rows(world)[:50]
    assert {row["key"] for row in first["levels"]} >= {"co_so"}
    last = client.get(url, {"page": 6, "page_size": 10}).json()
    assert [row["organization"] for row in last["organizations"]] == district_rows(world)[50:]
    assert last["next"] is None and "page_size=10" in last["previous"]
    assert first["total"]["required"] == last["total"]["required"]
    assert first["total"]["required"] == required_under(world.district, cycle)


def test_the_api_refuses_a_page_past_the_end(api, world, cycle):
    response = api("staff").get(f"/api/v1/review-cycles/{cycle.pk}/coverage/", {"page": 9})
    assert response.status_code == 404


def test_an_english_session_reads_the_table_in_english(as_user, world, cycle):
    client = as_user("staff")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = page_of(client, cycle, incomplete="1").content.decode()
    assert "Showing 1–50 of 56 incomplete units (out of 56 units)" in page
    assert "Incomplete units only" in page and "Least complete first" in page
    assert "Total (all units)" in page
