"""The agenda nests; presented documents are checked by type and size, stored under generated
names, and served only through the scoped download as attachments."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capuy.conferences import selectors, services, uploads
from capuy.conferences.models import AgendaDocument
from capuy.conferences.testing import DOC, PDF, zip_document


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def item(conference, office):
    return services.agenda_item_create(
        acting_user=office,
        conference=conference,
        title="Báo cáo kết quả kiểm điểm, đánh giá, xếp loại năm 2019",
        presenter_title="Trưởng Ban Tổ chức Tỉnh ủy",
    )


def test_agenda_items_nest_and_are_numbered(conference, item, office):
    child = services.agenda_item_create(
        acting_user=office, conference=conference, title="Đối với tổ chức đảng", parent=item
    )
    services.agenda_item_create(
        acting_user=office, conference=conference, title="Đối với đảng viên", parent=item
    )
    services.agenda_item_create(
        acting_user=office, conference=conference, title="Báo cáo Quy định 01"
    )
    numbered = [
        (n.number, n.item.title) for n, _ in selectors.flatten(selectors.agenda_tree(conference))
    ]
    assert numbered[:3] == [
        ("1", item.title),
        ("1.1", "Đối với tổ chức đảng"),
        ("1.2", "Đối với đảng viên"),
    ]
    assert numbered[3] == ("2", "Báo cáo Quy định 01")
    with pytest.raises(ValidationError) as error:
        services.agenda_item_update(acting_user=office, item=item, parent=child)
    assert "parent" in error.value.message_dict


@pytest.mark.parametrize(
    "name,content",
    [
        ("Báo cáo 2019.pdf", PDF),
        ("Báo cáo.docx", zip_document("docx")),
        ("Tờ trình.doc", DOC),
        ("Phụ lục.xlsx", zip_document("xlsx")),
        ("Dự thảo.odt", zip_document("odt")),
    ],
)
def test_each_accepted_type_is_stored_under_a_generated_name(item, office, name, content):
    document = services.agenda_document_add(
        acting_user=office, item=item, upload=upload(name, content)
    )
    assert document.name == name
    stored = document.file.name
    assert stored.startswith("hoi-nghi/") and stored.endswith("." + name.rsplit(".", 1)[1])
    assert name.rsplit(".", 1)[0] not in stored
    with document.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("virus.exe", b"MZ\x90\x00", "không thuộc loại được nhận"),
        ("anh.png", b"\x89PNG\r\n\x1a\n", "không thuộc loại được nhận"),
        ("gia-mao.pdf", b"\x89PNG\r\n\x1a\nnot a pdf", "không phải là tệp .pdf"),
        ("gia-mao.docx", zip_document("zip"), "không phải là tệp .docx"),
        ("gia-mao.xlsx", zip_document("docx"), "không phải là tệp .xlsx"),
        ("gia-mao.doc", PDF, "không phải là tệp .doc"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_a_wrong_type_or_a_fake_extension_is_refused(item, office, name, content, words):
    with pytest.raises(ValidationError) as error:
        services.agenda_document_add(acting_user=office, item=item, upload=upload(name, content))
    assert words in error.value.message_dict["file"][0]
    assert not AgendaDocument.objects.exists()


def test_a_file_over_the_limit_is_refused(item, office, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024)
    with pytest.raises(ValidationError) as error:
        services.agenda_document_add(
            acting_user=office, item=item, upload=upload("lon.pdf", PDF + b"0" * 2000)
        )
    assert "Tệp quá lớn" in error.value.message_dict["file"][0]
    assert not AgendaDocument.objects.exists()


def test_the_limit_is_twenty_megabytes():
    assert uploads.MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    "raw,shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\vp\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("<b onmouseover=x>.pdf", "b onmouseover=x.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("bao\x00cao\n.pdf", "baocao.pdf"),
        ("  .pdf", "tai-lieu.pdf"),
        ("Bao cao.PDF", "Bao cao.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_shown_names_are_sanitized(raw, shown):
    assert uploads.safe_display_name(raw, "pdf") == shown


def test_download_is_an_attachment_with_the_checked_type(as_user, item, office):
    document = services.agenda_document_add(
        acting_user=office, item=item, upload=upload("Báo cáo 2019.pdf", PDF)
    )
    client = as_user("inspector")
    response = client.get(reverse("conferences:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "B%C3%A1o%20c%C3%A1o%202019.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_download_outside_scope_is_not_found(client, world, item, office):
    from capuy.core.testing import sign_in

    document = services.agenda_document_add(
        acting_user=office, item=item, upload=upload("a.pdf", PDF)
    )
    sign_in(client, world.users["outsider"])
    assert (
        client.get(reverse("conferences:document_download", args=[document.pk])).status_code == 404
    )


def test_there_is_no_route_that_takes_a_file_path():
    from capuy.conferences import urls

    for pattern in urls.urlpatterns:
        assert "path:" not in str(pattern.pattern) and "str:" not in str(pattern.pattern)


def test_conclusions_on_an_item_or_on_the_whole(conference, item, office):
    on_item = services.conclusion_create(
        acting_user=office, conference=conference, agenda_item=item, text="Thống nhất."
    )
    overall = services.conclusion_create(
        acting_user=office, conference=conference, text="Tập trung phòng, chống dịch Covid-19."
    )
    assert (on_item.order, overall.order) == (1, 2)
    with pytest.raises(ValidationError) as error:
        services.conclusion_create(acting_user=office, conference=conference, text="  ")
    assert "text" in error.value.message_dict


def test_removing_a_document_deletes_its_file_after_commit(
    item, office, django_capture_on_commit_callbacks
):
    document = services.agenda_document_add(
        acting_user=office, item=item, upload=upload("a.pdf", PDF)
    )
    storage, stored = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_document_remove(acting_user=office, document=document)
    assert not AgendaDocument.objects.exists() and not storage.exists(stored)
