from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from capuy.core.scoping import OutOfScope
from capuy.news import services
from capuy.news.choices import NewsStatus
from capuy.news.models import NewsEvent, NewsItem, NewsPhoto, NewsRevision

from .conftest import image_upload


def test_a_new_item_is_a_draft(draft):
    assert draft.status == NewsStatus.DRAFT and draft.published_at is None
    assert not NewsItem.objects.published().exists()


def test_publishing_sets_the_date_and_time(world, published):
    assert published.status == NewsStatus.PUBLISHED and published.published_at is not None
    assert NewsEvent.objects.filter(item=published, kind="published").exists()


def test_a_draft_is_edited_without_a_note(world, draft):
    services.news_update(acting_user=world.users["office"], item=draft, title="Tiêu đề mới")
    draft.refresh_from_db()
    assert draft.title == "Tiêu đề mới" and not NewsRevision.objects.exists()


def test_editing_a_published_item_without_a_revision_note_is_refused(world, published):
    with pytest.raises(ValidationError) as error:
        services.news_update(
            acting_user=world.users["office"], item=published, title="Sửa mà không ghi lý do"
        )
    assert "hãy ghi lý do sửa" in " ".join(error.value.message_dict["revision_note"])
    published.refresh_from_db()
    assert published.title.startswith("Hội nghị lần thứ 32")
    assert not NewsRevision.objects.exists()


def test_a_revision_keeps_the_note_and_the_previous_text(world, published):
    services.news_update(
        acting_user=world.users["office"],
        item=published,
        revision_note="Sửa lỗi chính tả ở sapo",
        lead="Sáng 25/3/2020, Ban Chấp hành Đảng bộ tỉnh khóa XIX tổ chức Hội nghị lần thứ 32.",
    )
    revision = NewsRevision.objects.get()
    assert revision.note == "Sửa lỗi chính tả ở sapo"
    assert revision.changed_fields == ["lead"]
    assert revision.previous["lead"].startswith("Sáng 25/3,")
    published.refresh_from_db()
    assert published.status == NewsStatus.PUBLISHED


def test_publishing_needs_the_authors_initials(world):
    item = services.news_create(
        acting_user=world.users["office"],
        organization=world.province,
        title="Tin",
        lead="Sapo",
    )
    with pytest.raises(ValidationError) as error:
        services.news_publish(acting_user=world.users["office"], item=item)
    assert "author_initials" in error.value.message_dict


def test_withdrawing_takes_it_off_the_public_page(world, published):
    services.news_withdraw(acting_user=world.users["office"], item=published, reason="Sai số liệu")
    assert not NewsItem.objects.published().exists()


@pytest.mark.parametrize("persona", ["inspector", "committee_member", "outsider"])
def test_only_the_office_in_scope_writes(world, draft, persona):
    with pytest.raises(OutOfScope):
        services.news_publish(acting_user=world.users[persona], item=draft)


# --- photos -------------------------------------------------------------------------------------


def test_a_photo_is_re_encoded_and_stored_under_a_generated_name(world, draft):
    upload = image_upload(name="../../etc/Toàn cảnh hội nghị.png")
    photo = services.news_photo_add(
        acting_user=world.users["office"], item=draft, upload=upload, caption="Toàn cảnh Hội nghị."
    )
    name = photo.image.name
    assert name.startswith("news/") and "Toàn" not in name and ".." not in name
    assert Path(name).suffix == ".jpg" and (photo.width, photo.height) == (64, 48)
    assert photo.caption == "Toàn cảnh Hội nghị."


def test_an_upload_that_is_not_an_image_is_refused(world, draft):
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.news_photo_add(acting_user=world.users["office"], item=draft, upload=fake)
    assert "không phải là ảnh" in " ".join(error.value.message_dict["image"])
    assert not NewsPhoto.objects.exists()


def test_an_image_in_another_format_is_refused(world, draft):
    gif = image_upload(name="anh.gif", fmt="GIF")
    with pytest.raises(ValidationError) as error:
        services.news_photo_add(acting_user=world.users["office"], item=draft, upload=gif)
    assert "JPEG, PNG hoặc WebP" in " ".join(error.value.message_dict["image"])


def test_a_photo_that_is_too_large_is_refused(world, draft, settings):
    settings.CAPUY_NEWS_PHOTO_MAX_BYTES = 1024
    big = image_upload(size=(600, 600), fmt="PNG")
    big.size = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        services.news_photo_add(acting_user=world.users["office"], item=draft, upload=big)
    assert "Ảnh quá lớn" in " ".join(error.value.message_dict["image"])
    assert not NewsPhoto.objects.exists()


def test_a_photo_on_a_published_item_needs_a_revision_note(world, published):
    with pytest.raises(ValidationError):
        services.news_photo_add(
            acting_user=world.users["office"], item=published, upload=image_upload()
        )
    photo = services.news_photo_add(
        acting_user=world.users["office"],
        item=published,
        upload=image_upload(),
        revision_note="Bổ sung ảnh",
    )
    assert NewsRevision.objects.get().changed_fields == ["photos"]
    services.news_photo_remove(
        acting_user=world.users["office"], photo=photo, revision_note="Ảnh trùng"
    )
    assert not NewsPhoto.objects.exists()
