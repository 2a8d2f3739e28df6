"""The lite edition of a heavy booklet: made by a task after the upload, at most
40 % of the original's size with the same text, offered beside it with both
sizes, and downloaded like the original."""

import io
import urllib.parse

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django_tasks import task_backends
from pypdf import PdfReader

from kexie_pages.booklets.downloads import download_counter
from kexie_pages.booklets.lite import pdf_lite
from kexie_pages.models import BookletLiteEdition

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def heavy_booklet(
    booklet_index, add_booklet, picture_pdf, django_capture_on_commit_callbacks
):
    pdf = picture_pdf()
    assert len(pdf) > 2_000_000
    with django_capture_on_commit_callbacks(execute=True):
        booklet = add_booklet(booklet_index, pdf=pdf)
    return booklet, pdf


def test_a_heavy_booklet_gets_a_lite_edition_with_the_same_text(heavy_booklet):
    booklet, pdf = heavy_booklet
    edition = BookletLiteEdition.objects.get(original=booklet.document)
    lite = edition.lite.file.open("rb").read()
    assert len(lite) <= 0.4 * len(pdf), (len(lite), len(pdf))
    assert texts(lite) == texts(pdf)
    assert "Wheat scab control" in texts(lite)[3]
    assert edition.lite.collection == booklet.document.collection


def test_the_page_offers_both_editions_with_their_sizes(heavy_booklet):
    booklet, pdf = heavy_booklet
    lite_size = BookletLiteEdition.objects.get().lite.file_size
    page = Client().get(booklet.url).content.decode()
    assert "下载精简版" in page
    sizes = f"精简版 {filesizeformat(lite_size)}，原版 {filesizeformat(len(pdf))}："
    assert sizes in page
    assert f'href="{booklet.url}download/lite/"' in page


def test_the_lite_edition_downloads_and_counts(heavy_booklet):
    booklet, _pdf = heavy_booklet
    response = Client().get(f"{booklet.url}download/lite/?src=wechat")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body == BookletLiteEdition.objects.get().lite.file.open("rb").read()
    disposition = urllib.parse.unquote(response["Content-Disposition"])
    assert "小麦赤霉病防治技术手册（精简版）.pdf" in disposition
    download_counter.flush()
    assert booklet.download_count == 1


def test_a_light_booklet_gets_none(
    booklet_index, add_booklet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booklet = add_booklet(booklet_index)
    assert not BookletLiteEdition.objects.exists()
    page = Client().get(booklet.url).content.decode()
    assert "精简版" not in page
    assert Client().get(f"{booklet.url}download/lite/").status_code == 404


def test_with_a_worker_the_upload_only_enqueues_it(
    settings,
    booklet_index,
    add_booklet,
    picture_pdf,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DUMMY
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_booklet(booklet_index, pdf=picture_pdf())

    def lite_tasks() -> list:
        return [
            r
            for r in task_backends["default"].results
            if r.task.func.__name__ == "booklet_lite_task"
        ]

    assert lite_tasks() == []  # nothing is queued before the commit ...
    for callback in callbacks:
        callback()
    assert len(lite_tasks()) == 1  # ... then once
    assert not BookletLiteEdition.objects.exists()  # ... and not run here


def test_a_file_ghostscript_cannot_read_gives_none():
    assert pdf_lite(b"%PDF-1.4 not really a pdf") is None
