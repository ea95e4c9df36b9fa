"""Checking and re-encoding uploaded photos before they are stored.

An upload is accepted only if Pillow reads it as a JPEG, PNG or WebP image within the size and
pixel limits. It is then decoded and written again (JPEG, or PNG when it has transparency):
metadata such as GPS positions is dropped, the orientation is applied, very large images are
scaled down, and whatever else the file carried does not survive. The stored name is generated
(``models.news_photo_path``); the uploader's file name is never used.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from capuy.core.vntext import format_number

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 2400
MAX_PIXELS = 40_000_000


def max_bytes() -> int:
    return int(getattr(settings, "CAPUY_NEWS_PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def _megabytes(size: int) -> str:
    return format_number(size / (1024 * 1024), 1)


def clean_photo(upload, field: str = "image") -> tuple[ContentFile, int, int]:
    """The upload re-encoded, with its width and height; or a ValidationError in Vietnamese
    on ``field``."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    not_image = _("Tệp «%(name)s» không phải là ảnh: chỉ nhận ảnh JPEG, PNG hoặc WebP.") % {
        "name": getattr(upload, "name", "") or "?"
    }
    size = getattr(upload, "size", None) or 0
    if size > max_bytes():
        raise ValidationError(
            {
                field: _("Ảnh quá lớn: %(size)s MB, tối đa %(limit)s MB.")
                % {"size": _megabytes(size), "limit": _megabytes(max_bytes())}
            }
        )
    if size == 0:
        raise ValidationError({field: _("Tệp ảnh rỗng.")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                fmt = probe.format
                width, height = probe.size
                probe.verify()
            if fmt not in ACCEPTED_FORMATS:
                raise ValidationError({field: not_image})
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    {field: _("Ảnh quá lớn: %(w)s × %(h)s điểm ảnh.") % {"w": width, "h": height}}
                )
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                has_alpha = image.mode in ("RGBA", "LA") or (
                    image.mode == "P" and "transparency" in image.info
                )
                image = image.convert("RGBA" if has_alpha else "RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                size_out = image.size
                out = BytesIO()
                if has_alpha:
                    image.save(out, format="PNG", optimize=True)
                    name = "anh.png"
                else:
                    image.save(out, format="JPEG", quality=85, optimize=True)
                    name = "anh.jpg"
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationError({field: not_image}) from exc
    return ContentFile(out.getvalue(), name=name), *size_out
