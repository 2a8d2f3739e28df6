"""Fixtures of the booklet library tests: the library, booklets with real PDFs,
a cover, and a download counter that flushes only when a test asks."""

import io
from collections.abc import Callable, Iterator

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from kexie_pages.booklets.downloads import download_counter
from kexie_pages.models import BookletIndexPage, BookletPage, IndustryCategory

from .helpers import TITLE

Document = get_document_model()


@pytest.fixture(autouse=True)
def counter_in_foreground(settings) -> Iterator[None]:
    """No background flushing: each test flushes when it wants to look."""
    settings.KEXIE_DOWNLOAD_FLUSH_SECONDS = None
    download_counter._pending.clear()
    yield
    download_counter._pending.clear()


@pytest.fixture
def make_document(db) -> Callable[..., Document]:
    """``make_document(data, name="booklet.pdf")``: a Wagtail document of ``data``."""

    def make(data: bytes, name: str = "booklet.pdf") -> Document:
        document = Document(title=name)
        document.file.save(name, ContentFile(data), save=False)
        document.save()
        return document

    return make


@pytest.fixture
def booklet_index(home) -> BookletIndexPage:
    return home.add_child(
        instance=BookletIndexPage(
            title="科普图书资料", slug="booklets", show_in_menus=True
        )
    )


@pytest.fixture
def add_booklet(make_pdf, make_document) -> Callable[..., BookletPage]:
    """``add_booklet(index, title=TITLE, **fields)``: a booklet with a 3-page PDF
    (or ``pdf=...``) under ``index``."""

    def add(index: BookletIndexPage, title: str = TITLE, **fields) -> BookletPage:
        pdf = fields.pop("pdf", None) or make_pdf()
        fields.setdefault("summary", "赤霉病是小麦的头号病害，本手册讲清防治时机。")
        fields.setdefault("slug", f"b{BookletPage.objects.count() + 1}")
        return index.add_child(
            instance=BookletPage(title=title, document=make_document(pdf), **fields)
        )

    return add


@pytest.fixture
def booklet(booklet_index, add_booklet) -> BookletPage:
    return add_booklet(
        booklet_index,
        category=IndustryCategory.objects.get(slug="zhongzhi"),
        techniques="抽穗扬花期喷药、品种选择",
        publisher="周口市农业科学院",
        year=2025,
    )


@pytest.fixture
def download_url() -> Callable[[BookletPage], str]:
    """``download_url(booklet)``: the booklet's short, stable download address."""

    def url(booklet: BookletPage) -> str:
        return f"/b/{booklet.pk}/download/"

    return url


@pytest.fixture
def library(booklet_index, add_booklet):
    plant = IndustryCategory.objects.get(slug="zhongzhi")
    breed = IndustryCategory.objects.get(slug="yangzhi")
    wheat = add_booklet(booklet_index, "小麦赤霉病防治", category=plant)
    cattle = add_booklet(
        booklet_index, "肉牛规模养殖技术", category=breed, summary="青贮饲料与疫病防控"
    )
    garlic = add_booklet(
        booklet_index, "大蒜种植与储藏", category=plant, techniques="冷库储藏"
    )
    for _ in range(3):
        download_counter.add(cattle.pk)
    download_counter.add(garlic.pk)
    download_counter.flush()
    return wheat, cattle, garlic


@pytest.fixture
def covered_booklet(booklet):
    buffer = io.BytesIO()
    PILImage.new("RGB", (600, 848), "#1b5e20").save(buffer, format="JPEG")
    image = get_image_model()(
        title="封面", file=SimpleUploadedFile("cover.jpg", buffer.getvalue())
    )
    image.save()
    booklet.cover = image
    booklet.save_revision().publish()
    booklet.refresh_from_db()
    return booklet


@pytest.fixture
def picture_pdf() -> Callable[..., bytes]:
    """``picture_pdf()``: a four-page booklet of print-quality photographs
    (noise, which compresses like a photo) under a line of text each, ~2.3 MB."""
    from fpdf import FPDF

    def make(pages: int = 4) -> bytes:
        pdf = FPDF()
        pdf.set_font("helvetica", size=12)
        for number in range(pages):
            pdf.add_page()
            pdf.multi_cell(
                0, 8, f"Page {number + 1}. Wheat scab control: spray at flowering. " * 3
            )
            buffer = io.BytesIO()
            PILImage.effect_noise((1000, 800), 60).convert("RGB").save(
                buffer, format="JPEG", quality=90
            )
            pdf.image(buffer, x=10, y=60, w=190)
        return bytes(pdf.output())

    return make
