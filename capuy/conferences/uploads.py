"""Uploaded documents: which files the office accepts, how their names are shown, where they go.

A file is accepted when its extension is one of ``ACCEPTED`` *and* its first bytes (and, for
the zip-based formats, its inner parts) are those of that format; at most ``MAX_BYTES``. It is
stored under a generated name (``stored_name``), never under the name the user sent, and
served only through a scoped view as an attachment (``attachment_response``).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

# extension → the content type it is served with
ACCEPTED = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
MAX_BYTES = getattr(settings, "CAPUY_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
NAME_MAX = 150

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 (.doc) compound file
_ZIP = b"PK\x03\x04"
# The part that makes a zip a document of each kind.
_ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # the extension, lower case
    name: str  # the sanitized name to show
    size: int


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_is(handle, kind: str) -> bool:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if kind == "odt":
                return "mimetype" in names and archive.read("mimetype").strip() == _ODT_MIMETYPE
            return _ZIP_PARTS[kind] in names
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return False


def content_matches(handle, kind: str) -> bool:
    """Whether the bytes of ``handle`` are a file of ``kind`` (magic bytes, zip parts)."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "doc":
        return head == _OLE2
    if not head.startswith(_ZIP):
        return False
    matches = _zip_is(handle, kind)
    handle.seek(0)
    return matches


def _clean(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[<>:\"|?*;`$%{}\[\]]", "", name)
    return " ".join(name.split())


def safe_display_name(raw: str, kind: str) -> str:
    """The name to show: no folders, no control or markup characters, NFC, at most NAME_MAX."""
    name = _clean(raw)
    stem = name[: -(len(kind) + 1)] if _extension(name) == kind else name
    stem = stem.strip(" .-")[: NAME_MAX - len(kind) - 1] or _("tai-lieu")
    return f"{stem}.{kind}"


def check_upload(upload, field: str = "file") -> CheckedUpload:
    """Refuse a file of the wrong type, with a fake extension, or too large (ValidationError)."""
    if upload is None:
        raise ValidationError({field: _("Hãy chọn tệp cần tải lên.")})
    raw_name = getattr(upload, "name", "") or ""
    kind = _extension(raw_name)
    accepted = ", ".join(f".{ext}" for ext in ACCEPTED)
    if kind not in ACCEPTED:
        raise ValidationError(
            {
                field: _("Tệp «%(name)s» không thuộc loại được nhận (%(accepted)s).")
                % {"name": _clean(raw_name)[:NAME_MAX], "accepted": accepted}
            }
        )
    size = upload.size
    if size > MAX_BYTES:
        raise ValidationError(
            {
                field: _("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB.")
                % {
                    "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
                    "max": MAX_BYTES // (1024 * 1024),
                }
            }
        )
    if size == 0:
        raise ValidationError({field: _("Tệp rỗng.")})
    if not content_matches(upload, kind):
        raise ValidationError(
            {
                field: _(
                    "Nội dung tệp không phải là tệp .%(kind)s (phần mở rộng không khớp với nội "
                    "dung): hãy tải lên đúng tệp gốc."
                )
                % {"kind": kind}
            }
        )
    return CheckedUpload(kind=kind, name=safe_display_name(raw_name, kind), size=size)


def stored_name(folder: str, kind: str) -> str:
    """A generated storage name: folder/yyyy/mm/<random>.<kind>; nothing from the user."""
    today = timezone.localdate()
    if kind not in ACCEPTED:
        raise ValueError(f"unexpected kind {kind!r}")
    return f"{folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{kind}"


def attachment_response(field_file, name: str, kind: str) -> FileResponse:
    """Serve a stored file as a download, with the content type of its checked kind."""
    if not field_file:
        raise Http404(_("Không có tệp."))
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Tệp không còn trên máy chủ.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=ACCEPTED.get(kind)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
