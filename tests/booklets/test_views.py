"""The booklets' public pages: facts before the download, short links, QR
codes and the poster, the library index, page weight and covers."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image as PILImage

from kexie_pages.booklets.qr import qr_matrix, qr_png, qr_svg

from .helpers import TITLE


@pytest.mark.django_db
def test_booklet_page_shows_facts_before_download(booklet, client, download_url):
    content = client.get(booklet.url).content.decode()
    assert TITLE in content
    assert "免费下载" in content
    assert "3 页" in content
    assert "种植" in content and "抽穗扬花期喷药、品种选择" in content
    assert f'href="{download_url(booklet)}"' in content


@pytest.mark.django_db
def test_source_tag_is_carried_to_the_download_link(booklet, client, download_url):
    content = client.get(booklet.url, {"src": "poster"}).content.decode()
    assert f'href="{download_url(booklet)}?src=poster"' in content


@pytest.mark.django_db
def test_stable_short_links_redirect_to_the_page_and_download(booklet, client):
    short = client.get(f"/b/{booklet.pk}/", {"src": "poster"})
    assert short.status_code == 302
    assert short["Location"] == f"{booklet.url}?src=poster"
    assert client.get("/b/999999/").status_code == 404
    assert client.get("/b/999999/download/").status_code == 404


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


def _css_bytes(html: str) -> int:
    total = 0
    for href in re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html):
        total += Path(finders.find(href)).stat().st_size
    return total


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
