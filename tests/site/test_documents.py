"""Document uploads (``kexie_pages.documents``): a PDF is checked by its
bytes, web pages and SVG in disguise are refused, and the size limit holds
while the file is still arriving."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from kexie_pages.documents import MaxSizeUploadHandler, OversizeUploadedFile

Document = get_document_model()


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
