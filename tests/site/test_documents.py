"""Document uploads (``kexie_pages.documents``): a PDF is checked by its
bytes, web pages and SVG in disguise are refused by every upload view and leave
nothing behind, the size limit holds while the file is still arriving, and a
site that forgets the safe form is warned."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import UploadedFile

from kexie_pages.documents import (
    MaxSizeUploadHandler,
    OversizeUploadedFile,
    check_document_form,
)

Document = get_document_model()
FAKE_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def stored_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def upload_single(admin_client, data: bytes) -> str:
    response = admin_client.post(
        "/admin/documents/add/",
        {
            "title": "手册",
            "file": SimpleUploadedFile("booklet.pdf", data),
            "collection": 1,
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def upload_multiple(admin_client, data: bytes) -> str:
    response = admin_client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("booklet.pdf", data), "collection": 1},
        HTTP_ACCEPT="application/json",
    )
    answer = response.json()
    assert answer["success"] is False
    return answer["error_message"]


def upload_in_chooser(admin_client, data: bytes) -> str:
    # The upload tab of the document chooser, as in a booklet's PDF field.
    response = admin_client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "手册",
            "document-chooser-upload-file": SimpleUploadedFile("booklet.pdf", data),
            "document-chooser-upload-collection": 1,
        },
    )
    answer = json.loads(response.content)
    assert answer["step"] == "reshow_creation_form"
    return answer["htmlFragment"]


def upload(admin_client, name: str, data: bytes):
    return admin_client.post(
        "/admin/documents/add/",
        {"title": name, "file": SimpleUploadedFile(name, data), "collection": 1},
    )


@pytest.mark.django_db
def test_a_real_pdf_upload_is_accepted(admin_client, make_pdf):
    response = upload(admin_client, "booklet.pdf", make_pdf())
    assert response.status_code == 302
    assert Document.objects.filter(title="booklet.pdf").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "page.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "不是PDF",
        ),
        ("image.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "不是PDF"),
        ("broken.pdf", b"%PDF-1.4\nnot really", "无法读取"),
        ("page.csv", b"  <html><body>hello</body></html>", "网页和SVG"),
    ],
)
def test_disguised_uploads_are_refused_in_chinese(admin_client, name, data, message):
    response = upload(admin_client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.filter(title=name).exists()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_it_is_stored(
    admin_client, settings, make_pdf
):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100 * 1024
    response = upload(admin_client, "big.pdf", make_pdf() + b"0" * 300 * 1024)
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not Document.objects.filter(title="big.pdf").exists()


def test_upload_handler_keeps_no_bytes_past_the_limit(settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    handler = MaxSizeUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", None)
    passed = [handler.receive_data_chunk(b"x" * 400, 400 * i) for i in range(5)]
    assert [len(chunk) if chunk else 0 for chunk in passed] == [400, 400, 0, 0, 0]
    stand_in = handler.file_complete(2000)
    assert isinstance(stand_in, OversizeUploadedFile)
    assert stand_in.size == 2000 and stand_in.read() == b""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [upload_single, upload_multiple, upload_in_chooser],
    ids=lambda f: f.__name__,
)
def test_a_web_page_renamed_pdf_leaves_nothing_behind(admin_client, upload):
    before = stored_files()
    message = upload(admin_client, FAKE_PDF)
    assert "该文件不是PDF" in message
    # The real reason only: not Wagtail's "file extension '' is not allowed",
    # which its extension check adds about the upload it never received.
    assert "文件扩展" not in message
    assert not Document.objects.exists()
    assert not UploadedFile.objects.exists()
    assert stored_files() == before


@pytest.mark.django_db
def test_a_real_pdf_through_the_chooser_is_stored(admin_client, make_pdf):
    response = admin_client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "手册",
            "document-chooser-upload-file": SimpleUploadedFile(
                "booklet.pdf", make_pdf()
            ),
            "document-chooser-upload-collection": 1,
        },
    )
    assert json.loads(response.content)["step"] == "chosen"
    assert Document.objects.get().title == "手册"


def test_a_site_without_the_safe_form_is_warned(settings):
    assert check_document_form() == []
    settings.WAGTAILDOCS_DOCUMENT_FORM_BASE = ""
    assert [w.id for w in check_document_form()] == ["kexie_pages.W001"]
