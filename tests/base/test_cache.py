"""The whole-page cache for anonymous visitors: hits, what is never cached, and
purging when a page is published. Runs on the local-memory cache, and on Redis
where ``REDIS_URL`` is set (CI's PostgreSQL + Redis stage)."""

import gzip

import brotli
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kexie_pages.base.cache import GENERATION_KEY, SITE, STATUS_HEADER
from kexie_pages.models import NewsIndexPage

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fetch(client: Client, url: str, **headers):
    """GET ``url``; return the response and what the page cache did with it."""
    response = client.get(url, headers=headers)
    return response, response.get(STATUS_HEADER, "")


def test_anonymous_visitors_get_the_stored_page(
    page_cache, site_settings, home, news_index, client
):
    first, state = fetch(client, "/news/")
    assert (first.status_code, state) == (200, "miss")
    second, state = fetch(Client(), "/news/")
    assert state == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "工作动态" in second.content.decode()


def test_query_string_and_encoding_are_part_of_the_key(
    page_cache, site_settings, home, news_index, client
):
    assert fetch(client, "/news/")[1] == "miss"
    assert fetch(client, "/news/?page=2")[1] == "miss"
    gz, state = fetch(client, "/news/", accept_encoding="gzip")
    assert state == "miss" and gz["Content-Encoding"] == "gzip"
    br, state = fetch(client, "/news/", accept_encoding="gzip, br")
    assert state == "miss" and br["Content-Encoding"] == "br"
    plain = fetch(client, "/news/")[0].content
    assert fetch(client, "/news/", accept_encoding="gzip")[1] == "hit"
    again = fetch(client, "/news/", accept_encoding="br")[0]
    assert gzip.decompress(gz.content) == plain == brotli.decompress(again.content)


def test_logged_in_staff_never_read_or_fill_the_cache(
    page_cache, site_settings, home, news_index, client
):
    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("ed", "", "pw"))
    assert fetch(staff, "/news/")[1] == ""
    assert fetch(client, "/news/")[1] == "miss"  # staff's answer was not stored
    response, state = fetch(staff, "/news/")
    assert state == "" and response.status_code == 200


def test_posts_cookies_and_private_answers_are_never_cached(
    page_cache, site_settings, home, news_index, client
):
    assert client.post("/news/").get(STATUS_HEADER) is None
    # A visitor carrying a session cookie is served fresh.
    client.cookies["sessionid"] = "x"
    assert fetch(client, "/news/")[1] == ""
    # Answers that set a cookie or are private: the receipt lookup form.
    visitor = Client()
    lookup, state = fetch(visitor, "/forms/receipt/")
    assert lookup.status_code == 200 and state == ""
    assert "no-store" in lookup["Cache-Control"]
    assert fetch(visitor, "/forms/receipt/")[1] == ""


def test_publishing_a_page_purges_its_section_and_the_home_page(
    page_cache, site_settings, home, news_index, add_news, news_corpus, client
):
    assert fetch(client, "/news/")[1] == "miss"
    assert fetch(client, "/")[1] == "miss"
    assert fetch(client, "/news/")[1] == "hit"
    article = news_corpus[0]
    add_news(news_index, 1, article)  # add_child publishes the live page
    listing, state = fetch(client, "/news/")
    assert state == "miss" and article["title"] in listing.content.decode()
    assert fetch(client, "/")[1] == "miss"


def test_a_change_elsewhere_keeps_other_sections_cached(
    page_cache, site_settings, home, news_index, add_news, news_corpus, client
):
    other = home.add_child(
        instance=NewsIndexPage(title="通知公告", slug="notices", show_in_menus=False)
    )
    assert fetch(client, "/news/")[1] == "miss"
    add_news(other, 1, news_corpus[0])
    assert fetch(client, "/news/")[1] == "hit"
    assert fetch(client, "/notices/")[1] == "miss"


def test_unpublishing_purges_and_the_page_is_gone(
    page_cache, site_settings, home, news_index, add_news, news_corpus, client
):
    article = add_news(news_index, 1, news_corpus[0])
    assert fetch(client, article.url)[1] == "miss"
    assert fetch(client, article.url)[1] == "hit"
    article.unpublish()
    assert client.get(article.url).status_code == 404


def test_taxonomy_change_purges_every_page(
    page_cache, site_settings, home, news_index, client
):
    from kexie_pages.models import County

    assert fetch(client, "/news/")[1] == "miss"
    county = County.objects.first()
    county.save()
    assert fetch(client, "/news/")[1] == "miss"


def test_a_lost_generation_never_brings_old_pages_back(
    page_cache, site_settings, home, news_index, client
):
    from django.conf import settings
    from django.core.cache import caches

    assert fetch(client, "/news/")[1] == "miss"
    caches[settings.KEXIE_PAGE_CACHE_ALIAS].delete(GENERATION_KEY.format(segment=SITE))
    assert fetch(client, "/news/")[1] == "miss"


def test_the_cache_is_off_without_the_setting(home, news_index, client):
    assert fetch(client, "/news/")[1] == ""
    assert fetch(client, "/news/")[1] == ""


def test_pages_live_in_a_cache_of_their_own(
    page_cache, site_settings, home, news_index, client, settings
):
    """A flood of made-up URLs can evict pages, never rate limits or replays
    (with local memory; on Redis the server's eviction policy decides)."""
    from django.core.cache import cache, caches

    assert settings.KEXIE_PAGE_CACHE_ALIAS == "pages"
    assert fetch(client, "/news/?flood=1")[1] == "miss"
    assert fetch(client, "/news/?flood=1")[1] == "hit"
    generation = GENERATION_KEY.format(segment=SITE)
    assert caches["pages"].get(generation) is not None
    assert cache.get(generation) is None
    caches["pages"].clear()
    assert fetch(client, "/news/?flood=1")[1] == "miss"


def test_many_saves_in_one_transaction_purge_once_at_commit(
    page_cache, site_settings, home, news_index, client, monkeypatch
):
    from django.db import transaction

    from kexie_pages.base import cache as cache_module
    from kexie_pages.models import County

    renewed = []
    real = cache_module._renew
    monkeypatch.setattr(cache_module, "_renew", lambda s: (renewed.append(s), real(s)))
    county = County.objects.first()
    assert fetch(client, "/news/")[1] == "miss"
    with transaction.atomic():
        for _ in range(200):
            county.save()
        assert renewed == []  # nothing before the commit
    assert renewed == [{SITE}]
    assert fetch(client, "/news/")[1] == "miss"
    # A rolled-back transaction's purge is dropped; the next one still happens.
    try:
        with transaction.atomic():
            county.save()
            raise RuntimeError
    except RuntimeError:
        pass
    assert len(renewed) == 1
    with transaction.atomic():
        county.save()
    assert len(renewed) == 2


def visitor_with_session() -> Client:
    """A visitor the page cache never serves (a session cookie): what they get
    is rendered, with what each process keeps between renders (the Site, the
    view restrictions)."""
    visitor = Client()
    visitor.cookies["sessionid"] = "not-a-session"
    return visitor


def test_a_published_home_page_shows_at_once_to_visitors_it_renders_for(
    page_cache, site_settings, home, news_index, client
):
    visitor = visitor_with_session()
    assert "科技助力精准扶贫" in visitor.get("/").content.decode()
    assert fetch(client, "/")[1] == "miss"
    home.title = "周口科协"
    revision = home.save_revision()
    revision.publish()
    for reader in (visitor, client):
        html = reader.get("/").content.decode()
        assert "<h1>周口科协</h1>" in html and "科技助力精准扶贫</h1>" not in html


def test_a_new_view_restriction_hides_an_article_from_listings_at_once(
    page_cache, site_settings, home, news_index, add_news, news_corpus, client
):
    from wagtail.models import PageViewRestriction

    article = add_news(news_index, 1, news_corpus[0])
    visitor = visitor_with_session()
    assert article.title in visitor.get("/").content.decode()
    assert article.title in fetch(client, "/")[0].content.decode()
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    assert article.title not in visitor.get("/").content.decode()
    assert article.title not in client.get("/").content.decode()
    restriction.delete()
    assert article.title in visitor.get("/").content.decode()


def test_the_home_page_stops_advertising_an_unpublished_news_feed_at_once(
    page_cache, site_settings, home, news_index, client
):
    feed = 'href="http://localhost/news/feed/rss/"'
    visitor = visitor_with_session()
    assert feed in visitor.get("/").content.decode()
    assert feed in fetch(client, "/")[0].content.decode()
    news_index.unpublish()
    assert feed not in visitor_with_session().get("/").content.decode()
    assert feed not in fetch(Client(), "/")[0].content.decode()
    news_index.save_revision().publish()
    assert feed in visitor_with_session().get("/").content.decode()


def test_a_render_reads_the_generations_once(
    page_cache, site_settings, home, news_index, add_news, news_corpus, monkeypatch
):
    """What a render keeps per process (the Site, the restrictions, the home
    page's feeds) is checked against the generation the request read, not
    against a fresh read of the cache each time (a Redis round trip each)."""
    from kexie_pages.base import cache as page_cache_module

    article = add_news(news_index, 1, news_corpus[0])
    reads = []
    generations = page_cache_module._generations
    monkeypatch.setattr(
        page_cache_module,
        "_generations",
        lambda segment: reads.append(segment) or generations(segment),
    )
    for visitor in (visitor_with_session(), Client()):
        reads.clear()
        response = visitor.get("/")
        assert response.status_code == 200
        assert article.title in response.content.decode()
        assert len(reads) == 1, reads
