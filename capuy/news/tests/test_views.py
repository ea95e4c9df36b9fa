import pytest
from django.urls import reverse

from capuy.news.models import NewsItem, NewsPhoto, NewsRevision

from .conftest import image_upload


@pytest.mark.parametrize("name", ["manage_detail", "edit", "history", "photo_add"])
def test_office_pages_open(world, as_user, draft, name):
    assert as_user("office").get(reverse(f"news:{name}", args=[draft.pk])).status_code == 200


def test_the_office_list_shows_drafts_in_scope(world, as_user, draft):
    assert draft.title in as_user("office").get(reverse("news:manage_list")).content.decode()
    assert draft.title not in as_user("outsider").get(reverse("news:manage_list")).content.decode()


def test_the_edit_page_refuses_a_published_change_without_a_note(world, as_user, published):
    response = as_user("office").post(
        reverse("news:edit", args=[published.pk]),
        {"title": "Sửa", "lead": published.lead, "source_tag": "BNP", "author_initials": "S.T"},
    )
    assert response.status_code == 422
    assert "hãy ghi lý do sửa" in response.content.decode()
    assert NewsItem.objects.get().title != "Sửa" and not NewsRevision.objects.exists()


def test_the_photo_page_explains_a_file_that_is_not_an_image(world, as_user, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = as_user("office").post(
        reverse("news:photo_add", args=[draft.pk]),
        {"image": SimpleUploadedFile("bao-cao.docx", b"PK\x03\x04 word"), "caption": "x"},
    )
    assert response.status_code == 422
    assert "không phải là ảnh" in response.content.decode()
    assert not NewsPhoto.objects.exists()


def test_the_photo_page_adds_a_photo(world, as_user, draft):
    response = as_user("office").post(
        reverse("news:photo_add", args=[draft.pk]),
        {"image": image_upload(), "caption": "Toàn cảnh Hội nghị."},
    )
    assert response.status_code == 302
    assert NewsPhoto.objects.get().caption == "Toàn cảnh Hội nghị."


def test_publishing_from_the_page(world, as_user, draft):
    response = as_user("office").post(reverse("news:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
