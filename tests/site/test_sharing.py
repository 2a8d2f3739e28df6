"""Open Graph and Twitter-card tags on every public page type, and the share
image: a rendition of the cover where there is one, else a 1200×630 PNG card
with the title in Chinese, drawn once per revision."""

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.images import ImageFile
from PIL import Image, ImageChops, ImageDraw
from wagtail.images import get_image_model

from kexie_pages.base import sharing

pytestmark = pytest.mark.django_db

REQUIRED = (
    "og:title",
    "og:description",
    "og:url",
    "og:type",
    "og:image",
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
)


class MetaTags(HTMLParser):
    """The ``<meta property|name=… content=…>`` tags of a page's ``<head>``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and "content" in found:
            self.tags.setdefault(key, found["content"] or "")


def share_tags(client, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code in (200, 404), path
    parser = MetaTags()
    parser.feed(response.content.decode().split("</head>")[0])
    return parser.tags


def public_paths(site: dict) -> dict[str, str]:
    """One address of every public page type, by name."""
    library, hall = site["library"], site["hall"]
    return {
        "home": "/",
        "news index": site["news_index"].url,
        "news article": site["article"].url,
        "booklet index": site["booklets"].url,
        "booklet": site["booklet"].url,
        "lecture hall": hall.url,
        "lecture hall calendar": hall.url + hall.reverse_subpage("calendar_current"),
        "course": site["course"].url,
        "needs library": library.url,
        "need": library.need_url(site["need"]),
        "think tank": site["think_tank"].url,
        "form page": site["form_page"].url,
        "receipt lookup": "/forms/receipt/",
        "search": "/search/?q=小麦",
        "not found": "/no-such-page/",
    }


def test_every_public_page_type_has_share_tags(client, public_site):
    for name, path in public_paths(public_site).items():
        tags = share_tags(client, path)
        for key in REQUIRED:
            assert tags.get(key), f"{name} ({path}) lacks {key}"
        assert tags["og:url"].startswith("http://localhost/"), name
        assert tags["og:url"] == "http://localhost" + urlsplit(path).path, name
        assert tags["twitter:card"] == "summary_large_image"
        image = urlsplit(tags["og:image"])
        assert (image.scheme, image.netloc) == ("http", "localhost"), name
        fetched = client.get(f"{image.path}?{image.query}")
        assert fetched.status_code == 200, f"{name}: {tags['og:image']}"
        assert Image.open(io.BytesIO(fetched.content)).size == (1200, 630), name


def test_the_tags_describe_the_page(client, public_site):
    article = share_tags(client, public_site["article"].url)
    assert article["og:title"] == public_site["article"].title
    assert article["og:type"] == "article"
    assert article["article:published_time"] == str(public_site["article"].date)
    assert article["og:description"].startswith("市科协邀请")
    assert len(article["og:description"]) <= sharing.DESCRIPTION_CHARS
    need = share_tags(client, public_site["library"].need_url(public_site["need"]))
    assert need["og:title"] == "小麦赤霉病连年发生"
    assert need["og:description"] == "小麦扬花期遇雨，赤霉病发病率超过三成。"
    assert "/og/need/" in need["og:image"]
    assert "13912345678" not in str(need)
    assert share_tags(client, "/")["og:type"] == "website"
    assert share_tags(client, public_site["booklet"].url)["og:description"] == (
        "赤霉病是小麦的头号病害。"
    )


def test_a_page_with_a_cover_shares_a_rendition_of_it(client, public_site):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "#336699").save(buffer, format="JPEG")
    cover = get_image_model().objects.create(
        title="cover", file=ImageFile(buffer, name="cover.jpg")
    )
    booklet = public_site["booklet"]
    booklet.cover = cover
    booklet.save_revision().publish()
    tags = share_tags(client, booklet.url)
    assert "/og/" not in tags["og:image"]
    assert tags["og:image"].startswith("http://localhost/media/images/")
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")


def test_the_card_is_drawn_once_per_revision(client, public_site, monkeypatch):
    drawn = []
    draw = sharing.card_png

    def counting(**kwargs):
        drawn.append(kwargs["title"])
        return draw(**kwargs)

    monkeypatch.setattr(sharing, "card_png", counting)
    article = public_site["article"]
    article.save_revision().publish()
    first = share_tags(client, article.url)["og:image"]
    for _ in range(3):
        assert client.get(urlsplit(first).path).status_code == 200
    assert drawn == [article.title]

    article.title = "扶沟县小麦赤霉病防治观摩会召开"
    article.save_revision().publish()
    second = share_tags(client, article.url)["og:image"]
    assert second != first
    assert client.get(urlsplit(second).path).status_code == 200
    assert drawn == [drawn[0], "扶沟县小麦赤霉病防治观摩会召开"]


def test_no_card_for_what_the_public_may_not_see(client, public_site):
    article = public_site["article"]
    assert client.get(f"/og/p/{article.pk}.png").status_code == 200
    article.unpublish()
    assert client.get(f"/og/p/{article.pk}.png").status_code == 404
    assert client.get("/og/need/999999.png").status_code == 404
    assert client.get(f"/og/user/{article.pk}.png").status_code == 404


def test_the_card_draws_chinese_with_a_cjk_font():
    font = sharing._font(68)
    assert font.getname()[0] == "Noto Sans CJK SC"

    def glyph(text: str) -> Image.Image:
        image = Image.new("L", (100, 100), 0)
        ImageDraw.Draw(image).text((10, 0), text, font=font, fill=255)
        return image

    # A font without the glyphs draws the same box for both.
    assert ImageChops.difference(glyph("小"), glyph("麦")).getbbox() is not None
    assert glyph("小").getbbox() is not None
    card = Image.open(
        io.BytesIO(
            sharing.card_png(
                title="小麦赤霉病防治" * 8,
                subtitle="工作动态",
                organisation="周口市科协",
            )
        )
    )
    assert card.size == (1200, 630) and card.format == "PNG"


def test_a_long_title_wraps_and_ends_in_an_ellipsis():
    font = sharing._font(68)
    lines = sharing._wrap("小麦赤霉病防治" * 20, font, 1040, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1040 for line in lines)
    assert sharing._wrap("小麦", font, 1040, max_lines=3) == ["小麦"]


def test_a_line_that_fits_gets_no_ellipsis():
    font = sharing._font(34)
    assert sharing._wrap("新闻宣传 · 2026年4月12日", font, 1040, max_lines=1) == [
        "新闻宣传 · 2026年4月12日"
    ]
