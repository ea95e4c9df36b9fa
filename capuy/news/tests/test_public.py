from datetime import date
from threading import Thread

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from capuy.news import services, visitors
from capuy.news.models import NewsItem, NewsView

from .conftest import image_upload


def views_of(item) -> int:
    return NewsItem.objects.get(pk=item.pk).view_count


def test_the_public_list_shows_published_items_without_login(world, published, draft):
    other = services.news_create(
        acting_user=world.users["office"],
        organization=world.province,
        title="Bản nháp chưa đăng",
        lead="x",
        author_initials="A",
    )
    text = Client().get(reverse("news:public_list")).content.decode()
    assert published.title in text and other.title not in text


def test_a_draft_is_never_public(world, draft):
    assert Client().get(reverse("news:public_detail", args=[draft.pk])).status_code == 404


def test_a_withdrawn_item_is_not_public(world, published):
    services.news_withdraw(acting_user=world.users["office"], item=published, reason="Gỡ")
    assert Client().get(reverse("news:public_detail", args=[published.pk])).status_code == 404


def test_the_item_page_shows_date_time_source_and_counter(world, published):
    response = Client().get(reverse("news:public_detail", args=[published.pk]))
    text = response.content.decode()
    local = published.published_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%d/%m/%Y %H:%M") in text
    assert "(BNP)" in text and "S.T" in text
    assert 'data-testid="news-views">1<' in text
    assert "no-cache" in response["Cache-Control"]


def test_a_visitor_is_counted_once_a_day(world, published):
    browser = Client(HTTP_USER_AGENT="Trình duyệt A")
    url = reverse("news:public_detail", args=[published.pk])
    first = browser.get(url)
    assert visitors.COOKIE in first.cookies  # handed out on the first visit
    browser.get(url)
    browser.get(url)
    assert views_of(published) == 1
    Client(HTTP_USER_AGENT="Trình duyệt B").get(url)
    assert views_of(published) == 2
    assert NewsView.objects.count() == 2


def test_the_cookie_keeps_the_same_visitor_as_before_it_existed(world, published):
    url = reverse("news:public_detail", args=[published.pk])
    no_cookies = Client(HTTP_USER_AGENT="Máy đọc tin")
    no_cookies.get(url)
    handed = no_cookies.cookies[visitors.COOKIE].value
    no_cookies.cookies.clear()
    no_cookies.get(url)  # same address and browser, no cookie: same visitor
    with_cookie = Client(HTTP_USER_AGENT="Máy khác")
    with_cookie.cookies[visitors.COOKIE] = handed
    with_cookie.get(url)  # the cookie from before: still the same visitor
    assert views_of(published) == 1


def test_a_new_day_counts_again(world, published):
    visitor = "a" * 32
    first = visitors.count_view(
        published.pk, visitors.daily_hash(visitor, date(2020, 3, 25)), date(2020, 3, 25)
    )
    again = visitors.count_view(
        published.pk, visitors.daily_hash(visitor, date(2020, 3, 25)), date(2020, 3, 25)
    )
    next_day = visitors.count_view(
        published.pk, visitors.daily_hash(visitor, date(2020, 3, 26)), date(2020, 3, 26)
    )
    assert (first, again, next_day) == (1, None, 2)
    assert visitors.daily_hash(visitor, date(2020, 3, 25)) != visitors.daily_hash(
        visitor, date(2020, 3, 26)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_concurrent_views_lose_no_increment(world):  # pragma: no cover - PostgreSQL only
    item = services.news_publish(
        acting_user=world.users["office"],
        item=services.news_create(
            acting_user=world.users["office"],
            organization=world.province,
            title="t",
            lead="l",
            author_initials="a",
        ),
    )
    day = date(2020, 3, 25)

    def hit(n):
        for i in range(25):
            visitors.count_view(item.pk, visitors.daily_hash(f"{n}-{i % 20}", day), day)
        connection.close()

    threads = [Thread(target=hit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert views_of(item) == NewsView.objects.filter(item=item).count() == 8 * 20


def test_photos_of_a_published_item_are_public_and_drafts_are_not(world, draft, as_user):
    photo = services.news_photo_add(
        acting_user=world.users["office"], item=draft, upload=image_upload(), caption="Ảnh"
    )
    url = reverse("news:photo", args=[photo.pk])
    assert Client().get(url).status_code == 404
    assert as_user("office").get(url).status_code == 200
    services.news_publish(acting_user=world.users["office"], item=draft)
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_the_item_page_runs_a_fixed_number_of_queries(world, published, django_assert_num_queries):
    for n in range(3):
        services.news_photo_add(
            acting_user=world.users["office"],
            item=published,
            upload=image_upload(),
            caption=f"Ảnh {n}",
            revision_note="Thêm ảnh",
        )
    url = reverse("news:public_detail", args=[published.pk])
    Client(HTTP_USER_AGENT="first").get(url)  # renders the page once (its photos: one query)
    # PostgreSQL: one statement reads the item and counts the view. SQLite: the read, then the
    # insert, the update and the read of the counter inside a savepoint.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 6):
        response = Client(HTTP_USER_AGENT="second").get(url)
    assert 'data-testid="news-views">2<' in response.content.decode()


def test_a_cached_page_never_outlives_its_publication(world, published):
    url = reverse("news:public_detail", args=[published.pk])
    assert Client().get(url).status_code == 200  # rendered and kept by this process
    services.news_withdraw(acting_user=world.users["office"], item=published, reason="Gỡ")
    assert Client().get(url).status_code == 404


def test_a_new_photo_shows_on_the_public_page(world, published):
    url = reverse("news:public_detail", args=[published.pk])
    assert "Ảnh mới thêm" not in Client().get(url).content.decode()
    services.news_photo_add(
        acting_user=world.users["office"],
        item=published,
        upload=image_upload(),
        caption="Ảnh mới thêm",
        revision_note="Thêm ảnh",
    )
    assert "Ảnh mới thêm" in Client().get(url).content.decode()


def test_the_list_shows_current_counters_and_drops_withdrawn_items(world, published):
    list_url = reverse("news:public_list")
    assert "Số lượt xem: 0" in Client().get(list_url).content.decode()
    Client().get(reverse("news:public_detail", args=[published.pk]))
    assert "Số lượt xem: 1" in Client().get(list_url).content.decode()
    services.news_withdraw(acting_user=world.users["office"], item=published, reason="Gỡ")
    assert published.title not in Client().get(list_url).content.decode()
