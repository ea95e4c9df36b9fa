from django.test import Client
from django.urls import reverse

from capuy.news.models import NewsItem, NewsRevision


def test_anyone_reads_published_items_without_signing_in(world, published, draft):
    other = NewsItem.objects.create(
        organization=world.province,
        org_path=world.province.path,
        title="Nháp",
        lead="x",
    )
    rows = Client().get(reverse("api:public-news-list")).json()["results"]
    assert [row["id"] for row in rows] == [published.pk]
    assert Client().get(reverse("api:public-news-detail", args=[other.pk])).status_code == 404


def test_the_office_api_needs_signing_in(world, draft):
    assert Client().get(reverse("api:news-item-list")).status_code in (401, 403)


def test_the_office_writes_and_publishes_through_the_api(world, as_user):
    client = as_user("office")
    response = client.post(
        reverse("api:news-item-list"),
        {
            "organization": world.province.pk,
            "title": "Tin mới",
            "lead": "Sapo",
            "author_initials": "S.T",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(reverse("api:news-item-publish", args=[pk]))
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_the_api_refuses_editing_a_published_item_without_a_note(world, published, as_user):
    client = as_user("office")
    url = reverse("api:news-item-detail", args=[published.pk])
    response = client.patch(url, {"title": "Sửa"}, content_type="application/json")
    assert response.status_code == 400
    assert "lý do sửa" in " ".join(response.json()["revision_note"])
    response = client.patch(
        url, {"title": "Sửa", "revision_note": "Đổi tiêu đề"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert NewsRevision.objects.get().note == "Đổi tiêu đề"


def test_read_only_personas_cannot_publish(world, draft, as_user):
    response = as_user("inspector").post(reverse("api:news-item-publish", args=[draft.pk]))
    assert response.status_code == 403
