"""The news feeds: RSS 2.0 and Atom that feedparser reads without complaint,
all news, per category and per county, every item linking back to a page that
answers, absolute links on the site's host, Beijing time, no phone number."""

import re
from urllib.parse import urlsplit

import feedparser
import pytest

from kexie_pages.models import County, NewsCategory

from .conftest import SECRET_PHONE

pytestmark = pytest.mark.django_db

KINDS = {"rss": "rss20", "atom": "atom10"}


def feed_paths(index) -> list[str]:
    """Every feed of the section: all, each category's, each county's, both kinds."""
    paths = []
    for kind in KINDS:
        paths.append(f"{index.url}feed/{kind}/")
        paths += [
            f"{index.url}feed/{kind}/category/{c.slug}/"
            for c in NewsCategory.objects.all()
        ]
        paths += [
            f"{index.url}feed/{kind}/county/{c.code}/" for c in County.objects.all()
        ]
    return paths


def parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].split(";")[0] in (
        "application/rss+xml",
        "application/atom+xml",
    )
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    return response, feed


def test_every_feed_validates_and_every_item_links_back(client, news_site):
    index = news_site["news_index"]
    items = 0
    for path in feed_paths(index):
        response, feed = parse(client, path)
        assert feed.version == KINDS[path.split("/")[3]], path
        assert feed.feed.link == "http://localhost/news/"
        for entry in feed.entries:
            items += 1
            parts = urlsplit(entry.link)
            assert (parts.scheme, parts.netloc) == ("http", "localhost"), entry.link
            assert client.get(parts.path).status_code == 200, entry.link
            # Beijing time, whatever the server's clock zone.
            raw = entry.get("published") or entry.get("updated")
            assert raw.endswith(("+0800", "+08:00")), raw
        assert SECRET_PHONE not in response.content.decode()
    # 4 articles in each kind's "all" feed, once more in their category's and
    # county's feeds: the walk saw every live article 3 times per kind.
    assert items == 2 * 3 * 4


def test_the_all_news_feed_has_live_articles_newest_first(client, news_site):
    _response, feed = parse(client, "/news/feed/rss/")
    titles = [entry.title for entry in feed.entries]
    live = [news_site["article"], *news_site["others"].values()]
    assert sorted(titles) == sorted(page.title for page in live)
    assert news_site["draft"].title not in titles
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.feed.title == "工作动态"


def test_a_category_feed_has_that_category_only(client, news_site):
    _response, feed = parse(client, "/news/feed/atom/category/meiti-baodao/")
    assert [e.title for e in feed.entries] == [
        news_site["others"]["meiti-baodao"].title
    ]
    assert feed.feed.title == "工作动态 · 媒体报道"
    entry = feed.entries[0]
    assert {t.term for t in entry.tags} >= {"媒体报道", "郸城县"}
    # The summary's phone number is masked, not dropped with the summary.
    assert "139****5678" in entry.summary


def test_a_county_feed_has_that_county_only(client, news_site):
    _response, feed = parse(client, "/news/feed/rss/county/411621/")
    assert [e.title for e in feed.entries] == [news_site["article"].title]
    _response, feed = parse(client, "/news/feed/rss/county/411681/")
    assert feed.entries == []


def test_an_unknown_category_or_county_is_not_found(client, news_site):
    assert client.get("/news/feed/rss/category/nope/").status_code == 404
    assert client.get("/news/feed/atom/county/999999/").status_code == 404
    assert client.get("/news/feed/json/").status_code == 404


def test_feeds_name_the_sites_host_not_the_requests(client, news_site):
    response = client.get("/news/feed/rss/", HTTP_HOST="127.0.0.1")
    links = re.findall(r"<link>([^<]+)</link>", response.content.decode())
    assert links and all(link.startswith("http://localhost/") for link in links)


def test_pages_advertise_their_feeds_in_head(client, news_site):
    def alternates(path: str) -> list[tuple[str, str]]:
        html = client.get(path).content.decode()
        head = html.split("</head>")[0]
        return re.findall(
            r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">', head
        )

    everything = ("application/rss+xml", "http://localhost/news/feed/rss/")
    assert everything in alternates("/")
    assert everything in alternates("/news/")
    assert (
        "application/atom+xml",
        "http://localhost/news/feed/atom/category/pinpai-huodong/",
    ) in alternates("/news/?category=pinpai-huodong")
    on_article = alternates(news_site["article"].url)
    assert everything in on_article
    assert (
        "application/rss+xml",
        "http://localhost/news/feed/rss/category/gongzuo-dongtai/",
    ) in on_article
    assert (
        "application/rss+xml",
        "http://localhost/news/feed/rss/county/411621/",
    ) in on_article
    # Every advertised feed answers.
    for _type, url in on_article:
        assert client.get(urlsplit(url).path).status_code == 200
    # Pages of other sections advertise none.
    assert alternates(news_site["booklet"].url) == []
