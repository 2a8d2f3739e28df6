"""The booklet library: models, file facts, downloads, counting, QR codes, posters, uploads."""

import io
import re
import threading
import urllib.parse
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fpdf import FPDF
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from kexie_pages.booklets.downloads import download_counter, parse_range
from kexie_pages.booklets.qr import qr_matrix, qr_png, qr_svg
from kexie_pages.documents import MaxSizeUploadHandler, OversizeUploadedFile
from kexie_pages.models import (
    BookletDownloadCount,
    BookletIndexPage,
    BookletPage,
    IndustryCategory,
)

Document = get_document_model()
TITLE = "小麦赤霉病防治技术手册"


def make_pdf(pages: int = 3) -> bytes:
    """A real PDF with ``pages`` pages (a core font: no CJK font needed)."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Page {number + 1}. " + "Wheat scab control. " * 40)
    return bytes(pdf.output())


def make_document(data: bytes, name: str = "booklet.pdf") -> Document:
    document = Document(title=name)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


@pytest.fixture(autouse=True)
def counter_in_foreground(settings):
    """No background flushing: each test flushes when it wants to look."""
    settings.KEXIE_DOWNLOAD_FLUSH_SECONDS = None
    download_counter._pending.clear()
    yield
    download_counter._pending.clear()


@pytest.fixture
def booklet_index(home) -> BookletIndexPage:
    return home.add_child(
        instance=BookletIndexPage(
            title="科普图书资料", slug="booklets", show_in_menus=True
        )
    )


def add_booklet(index: BookletIndexPage, title: str = TITLE, **fields) -> BookletPage:
    pdf = fields.pop("pdf", None) or make_pdf()
    fields.setdefault("summary", "赤霉病是小麦的头号病害，本手册讲清防治时机。")
    fields.setdefault("slug", f"b{BookletPage.objects.count() + 1}")
    return index.add_child(
        instance=BookletPage(title=title, document=make_document(pdf), **fields)
    )


@pytest.fixture
def booklet(booklet_index) -> BookletPage:
    return add_booklet(
        booklet_index,
        category=IndustryCategory.objects.get(slug="zhongzhi"),
        techniques="抽穗扬花期喷药、品种选择",
        publisher="周口市农业科学院",
        year=2025,
    )


def download_url(booklet: BookletPage) -> str:
    return f"/b/{booklet.pk}/download/"


def route_url(booklet: BookletPage) -> str:
    return booklet.url + booklet.reverse_subpage("download")


# --- models and derived file facts ------------------------------------------------


@pytest.mark.django_db
def test_size_and_page_count_come_from_the_file(booklet):
    data = booklet.document.file.open("rb").read()
    assert booklet.page_count == 3
    assert booklet.file_size == len(data)
    assert booklet.techniques_list == ["抽穗扬花期喷药", "品种选择"]


@pytest.mark.django_db
def test_a_new_file_updates_the_page_count(booklet):
    document = booklet.document
    document.file.save("new.pdf", ContentFile(make_pdf(pages=7)), save=False)
    document.file_size, document.file_hash = None, ""
    document.save()
    booklet.refresh_from_db()
    booklet.save_revision().publish()
    booklet.refresh_from_db()
    assert booklet.page_count == 7
    assert booklet.file_size == document.file.size


@pytest.mark.django_db
def test_a_booklet_refuses_a_document_that_is_not_a_pdf(booklet):
    booklet.document = make_document(b"<html><body>hi</body></html>", "fake.pdf")
    with pytest.raises(ValidationError) as error:
        booklet.full_clean()
    assert "不是PDF" in str(error.value.message_dict["document"])


@pytest.mark.django_db
def test_booklet_page_shows_facts_before_download(booklet, client):
    content = client.get(booklet.url).content.decode()
    assert TITLE in content
    assert "免费下载" in content
    assert "3 页" in content
    assert "种植" in content and "抽穗扬花期喷药、品种选择" in content
    assert f'href="{download_url(booklet)}"' in content


@pytest.mark.django_db
def test_source_tag_is_carried_to_the_download_link(booklet, client):
    content = client.get(booklet.url, {"src": "poster"}).content.decode()
    assert f'href="{download_url(booklet)}?src=poster"' in content


# --- downloads ---------------------------------------------------------------------


@pytest.mark.django_db
def test_download_sends_the_whole_file_named_after_the_chinese_title(booklet):
    response = Client().get(download_url(booklet))  # anonymous: no login needed
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body == booklet.document.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(body))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the charset name is case-insensitive (Django writes utf-8).
    quoted = re.search(r"filename\*=UTF-8''(\S+)", disposition, re.IGNORECASE).group(1)
    assert urllib.parse.unquote(quoted) == f"{TITLE}.pdf"
    assert f'filename="booklet-{booklet.pk}.pdf"' in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_stable_short_links_redirect_to_the_page_and_download(booklet, client):
    short = client.get(f"/b/{booklet.pk}/", {"src": "poster"})
    assert short.status_code == 302
    assert short["Location"] == f"{booklet.url}?src=poster"
    assert client.get("/b/999999/").status_code == 404
    assert client.get("/b/999999/download/").status_code == 404


@pytest.mark.django_db
def test_the_page_route_serves_the_same_file(booklet):
    response = Client().get(route_url(booklet), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == booklet.document.file.open(
        "rb"
    ).read(10)
    assert response["Content-Range"] == f"bytes 0-9/{booklet.file_size}"


@pytest.mark.django_db
def test_private_and_draft_booklets_are_not_served(booklet):
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=booklet, restriction_type=PageViewRestriction.LOGIN
    )
    assert Client().get(download_url(booklet)).status_code == 302  # to login
    assert Client().get(route_url(booklet)).status_code == 302
    restriction.delete()
    booklet.unpublish()
    assert Client().get(download_url(booklet)).status_code == 404
    assert Client().get(route_url(booklet)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=10-", 10, None),
        ("bytes=-5", -5, None),
        ("bytes=100-99999999", 100, None),
    ],
)
def test_range_requests_resume_a_download(booklet, header, start, end):
    data = booklet.document.file.open("rb").read()
    response = Client().get(download_url(booklet), HTTP_RANGE=header)
    body = b"".join(response.streaming_content)
    expected = data[start : None if end is None else end + 1]
    assert response.status_code == 206
    assert body == expected
    assert response["Content-Length"] == str(len(expected))
    first = start % len(data)
    assert (
        response["Content-Range"]
        == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["bytes=99999999-", "bytes=-0"])
def test_range_past_the_end_is_416(booklet, header):
    response = Client().get(download_url(booklet), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{booklet.file_size}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        "bytes=abc",
        "items=0-5",
        "bytes=9-3",
        "bytes=0-1,4-5",
        "bytes=-",
        "bytes=1-2-3",
        "😀",
    ],
)
def test_malformed_range_gets_the_whole_file(booklet, header):
    response = Client().get(download_url(booklet), HTTP_RANGE=header)
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == booklet.file_size


@pytest.mark.django_db
def test_if_range_with_an_old_etag_restarts_from_zero(booklet):
    response = Client().get(
        download_url(booklet), HTTP_RANGE="bytes=10-", HTTP_IF_RANGE='"stale"'
    )
    assert response.status_code == 200
    assert (
        Client()
        .get(download_url(booklet), HTTP_IF_NONE_MATCH=response["ETag"])
        .status_code
        == 304
    )


def test_parse_range_edges():
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=-20", 10) == (0, 9)
    assert parse_range("bytes=9-", 10) == (9, 9)


@pytest.mark.django_db
def test_a_missing_file_is_404_not_500(booklet):
    booklet.document.file.storage.delete(booklet.document.file.name)
    booklet.document.file_size = None
    booklet.document.save()
    assert Client().get(download_url(booklet)).status_code == 404


# --- counting --------------------------------------------------------------------


@pytest.mark.django_db
def test_each_download_is_counted_once_by_month_and_source(booklet):
    client = Client()
    url = download_url(booklet)
    client.get(url)
    client.get(url, {"src": "poster"})
    client.get(url, {"src": "poster"}, HTTP_RANGE="bytes=0-99")  # a first part: counts
    client.get(
        url, {"src": "poster"}, HTTP_RANGE="bytes=100-"
    )  # its resumption: does not
    client.head(url)
    client.get(url, {"src": "<script>"})  # an unusable tag counts as direct
    assert BookletDownloadCount.objects.count() == 0  # nothing written while serving
    assert download_counter.flush() == 4
    counts = {
        (row.month, row.source): row.count for row in BookletDownloadCount.objects.all()
    }
    month = date.today().replace(day=1)
    assert counts == {(month, ""): 2, (month, "poster"): 2}
    assert booklet.download_count == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_downloads_are_counted_exactly(booklet):
    url = download_url(booklet)
    errors = []

    def fetch(times: int) -> None:
        client = Client()
        for _ in range(times):
            response = client.get(url, {"src": "qr"})
            if len(b"".join(response.streaming_content)) != booklet.file_size:
                errors.append(response.status_code)

    threads = [threading.Thread(target=fetch, args=(10,)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A flush while counting goes on loses nothing either.
    adders = [
        threading.Thread(
            target=lambda: [download_counter.add(booklet.pk, "x") for _ in range(500)]
        )
        for _ in range(4)
    ]
    for thread in adders:
        thread.start()
    download_counter.flush()
    for thread in adders:
        thread.join()
    download_counter.flush()
    assert errors == []
    assert BookletDownloadCount.objects.get(source="qr").count == 200
    assert BookletDownloadCount.objects.get(source="x").count == 2000


@pytest.mark.django_db
def test_a_failed_flush_keeps_the_counts(booklet, monkeypatch):
    download_counter.add(booklet.pk, "poster")
    monkeypatch.setattr(
        BookletDownloadCount.objects, "get_or_create", lambda **kw: 1 / 0
    )
    with pytest.raises(ZeroDivisionError):
        download_counter.flush()
    monkeypatch.undo()
    assert download_counter.pending() == 1
    assert download_counter.flush() == 1


@pytest.mark.django_db
def test_staff_see_downloads_per_booklet_month_and_source(booklet, admin_client):
    download_counter.add(booklet.pk, "poster", month=date(2026, 3, 1))
    download_counter.add(booklet.pk, "")
    download_counter.add(booklet.pk, "poster")
    report = admin_client.get("/admin/booklet-downloads/").content.decode()
    assert "图书下载统计" in report and TITLE in report
    detail = admin_client.get(
        f"/admin/booklet-downloads/{booklet.pk}/"
    ).content.decode()
    assert "2026年3月" in detail
    assert re.search(r"<td>poster</td><td>2</td>", detail)
    assert re.search(r"<td>直接访问</td><td>1</td>", detail)
    assert Client().get("/admin/booklet-downloads/").status_code == 302  # login first


# --- QR codes and poster ---------------------------------------------------------


@pytest.mark.django_db
def test_qr_codes_point_at_the_short_link_with_a_source(booklet, client):
    expected = f"http://testserver/b/{booklet.pk}/?src=poster"
    svg = client.get(booklet.url + "qr-svg/", {"src": "poster"})
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.decode() == qr_svg(expected)
    png = client.get(booklet.url + "qr-png/", {"src": "poster"})
    assert png["Content-Type"] == "image/png"
    assert png.content == qr_png(expected)
    # The PNG's pixels are the QR modules of that address.
    image = PILImage.open(io.BytesIO(png.content)).convert("1")
    matrix = qr_matrix(expected)
    assert image.size == (len(matrix) * 10, len(matrix) * 10)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            assert (image.getpixel((x * 10 + 5, y * 10 + 5)) == 0) == dark


@pytest.mark.django_db
def test_qr_default_source_and_bad_tags(booklet, client):
    svg = client.get(booklet.url + "qr-svg/", {"src": "a b<"}).content.decode()
    assert svg == qr_svg(f"http://testserver/b/{booklet.pk}/")
    assert client.get(booklet.url + "qr-svg/").content.decode() == qr_svg(
        f"http://testserver/b/{booklet.pk}/?src=qr"
    )


@pytest.mark.django_db
def test_poster_is_a_printable_a4_page_with_title_and_qr(booklet, client):
    response = client.get(booklet.url + "poster/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "size:A4" in content
    assert TITLE in content
    assert "扫码免费下载" in content
    assert qr_svg(f"http://testserver/b/{booklet.pk}/?src=poster") in content


# --- the library index -----------------------------------------------------------


@pytest.fixture
def library(booklet_index):
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


def listed(client, index, **params) -> list[str]:
    content = client.get(index.url, params).content.decode()
    return re.findall(r"<strong>([^<]+)</strong>", content)


@pytest.mark.django_db
def test_index_filters_by_category_keyword_and_sorts(booklet_index, library, client):
    assert listed(client, booklet_index) == [
        "大蒜种植与储藏",
        "肉牛规模养殖技术",
        "小麦赤霉病防治",
    ]
    assert listed(client, booklet_index, sort="popular") == [
        "肉牛规模养殖技术",
        "大蒜种植与储藏",
        "小麦赤霉病防治",
    ]
    assert listed(client, booklet_index, category="yangzhi") == ["肉牛规模养殖技术"]
    assert listed(client, booklet_index, q="储藏") == ["大蒜种植与储藏"]
    assert listed(client, booklet_index, q="饲料") == ["肉牛规模养殖技术"]
    assert listed(client, booklet_index, q="防治", category="yangzhi") == []
    content = client.get(booklet_index.url, {"q": "火箭"}).content.decode()
    assert "没有找到符合条件的图书" in content


@pytest.mark.django_db
def test_index_survives_odd_parameters(booklet_index, library, client):
    for params in ({"sort": "evil"}, {"page": "x"}, {"category": "none"}, {"q": "%%"}):
        assert client.get(booklet_index.url, params).status_code == 200


# --- page weight and covers -------------------------------------------------------


def _css_bytes(html: str) -> int:
    total = 0
    for href in re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html):
        total += Path(finders.find(href)).stat().st_size
    return total


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


@pytest.mark.django_db
def test_booklet_page_weighs_under_50_kb_before_its_cover(covered_booklet, client):
    for url in (covered_booklet.url, covered_booklet.get_parent().url):
        html = client.get(url).content.decode()
        assert "<script" not in html
        weight = len(html.encode()) + _css_bytes(html)
        assert weight <= 50 * 1024, f"{url} weighs {weight} bytes"


@pytest.mark.django_db
def test_cover_is_served_as_small_webp_with_jpeg_fallback(covered_booklet, client):
    html = client.get(covered_booklet.url).content.decode()
    assert re.search(r"<source[^>]+type=\"image/webp\"", html)
    assert re.search(r'srcset="[^"]+\.webp 160w, [^"]+\.webp 320w"', html)
    assert re.search(r"<img[^>]+\.jpg", html)


# --- API --------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_gives_download_url_size_pages_and_counts(booklet, client):
    download_counter.add(booklet.pk)
    download_counter.flush()
    data = client.get(f"/api/v3/pages/{booklet.pk}/").json()
    assert data["download_url"].endswith(f"/b/{booklet.pk}/download/")
    assert data["file_size"] == booklet.file_size
    assert data["page_count"] == 3
    assert data["download_count"] == 1
    assert data["category_name"] == "种植"
    listing = client.get("/api/v3/pages/", {"type": "kexie_pages.BookletPage"}).json()
    assert [item["title"] for item in listing["items"]] == [TITLE]


# --- upload validation -------------------------------------------------------------


def upload(admin_client, name: str, data: bytes):
    return admin_client.post(
        "/admin/documents/add/",
        {"title": name, "file": SimpleUploadedFile(name, data), "collection": 1},
    )


@pytest.mark.django_db
def test_a_real_pdf_upload_is_accepted(admin_client):
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
def test_an_oversized_upload_is_refused_before_it_is_stored(admin_client, settings):
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
def test_staff_see_file_facts_and_downloads_when_editing(booklet, admin_client):
    download_counter.add(booklet.pk)
    download_counter.flush()
    content = admin_client.get(f"/admin/pages/{booklet.pk}/edit/").content.decode()
    assert "3 页" in content
    assert "已下载1次" in content
    assert f"/admin/booklet-downloads/{booklet.pk}/" in content


@pytest.mark.django_db
def test_the_page_editor_refuses_a_non_pdf_document(booklet, admin_client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    fake = make_document(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "fake.pdf")
    data = nested_form_data(
        {
            "title": booklet.title,
            "slug": booklet.slug,
            "summary": booklet.summary,
            "document": fake.pk,
            "related_pages": inline_formset([]),
        }
    )
    response = admin_client.post(f"/admin/pages/{booklet.pk}/edit/", data)
    assert response.status_code == 200
    assert "该文件不是PDF" in response.content.decode()
    booklet.refresh_from_db()
    assert booklet.document_id != fake.pk


@pytest.mark.django_db
def test_booklets_live_only_in_the_library(home, booklet_index):
    assert BookletIndexPage.can_create_at(home)
    assert BookletPage.can_create_at(booklet_index)
    assert not BookletPage.can_create_at(home)
    assert BookletPage.allowed_subpage_models() == []
