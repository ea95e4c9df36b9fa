from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capuy.news import services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(world):
    return services.news_create(
        acting_user=world.users["office"],
        organization=world.province,
        title="Hội nghị lần thứ 32 Ban Chấp hành Đảng bộ tỉnh khóa XIX",
        lead="Sáng 25/3, Ban Chấp hành Đảng bộ tỉnh khóa XIX tổ chức Hội nghị lần thứ 32.",
        body="Đoạn một.\n\nĐoạn hai.",
        author_initials="S.T",
    )


@pytest.fixture
def published(world, draft):
    return services.news_publish(acting_user=world.users["office"], item=draft)


def image_upload(name="anh.png", fmt="PNG", size=(64, 48), color=(200, 30, 30)):
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


CONFERENCE_DAY = date(2020, 3, 25)
