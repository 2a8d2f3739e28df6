"""Routing with the child's type remembered (``base.routing``): drafts,
unpublished, restricted, renamed, moved and replaced pages answer exactly as
with Wagtail's own routing, at once after the change, with the page cache on
(which is what makes each process remember the types)."""

import pytest
from django.test import Client, RequestFactory
from wagtail.models import Page, PageViewRestriction

from kexie_pages.models import BookletIndexPage, NewsPage

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def rendered(url: str):
    """GET ``url`` as a visitor the page cache never serves (a session cookie),
    so every answer is routed and rendered."""
    return Client().get(url, HTTP_COOKIE="sessionid=not-a-session")


def both(url: str) -> tuple[int, int]:
    """Status codes of a rendered answer and of an anonymous (cacheable) one."""
    return rendered(url).status_code, Client().get(url).status_code


@pytest.fixture
def article(page_cache, site_settings, news_index, add_news, news_corpus) -> NewsPage:
    page = add_news(news_index, 1, news_corpus[0])
    assert both("/news/article-1/") == (200, 200)  # routed once: its type is known
    return page


def test_an_unpublished_article_is_gone_at_once(article):
    article.unpublish()
    assert both("/news/article-1/") == (404, 404)
    article.save_revision().publish()
    assert both("/news/article-1/") == (200, 200)


def test_a_draft_is_never_served(page_cache, site_settings, news_index, news_corpus):
    draft = NewsPage(title="草稿", slug="draft", date="2026-01-01", live=False)
    news_index.add_child(instance=draft)
    assert both("/news/draft/") == (404, 404)
    assert both("/news/draft/") == (404, 404)


def test_a_restricted_article_asks_for_the_password_at_once(article, news_corpus):
    title = news_corpus[0]["title"]
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    for response in (rendered("/news/article-1/"), Client().get("/news/article-1/")):
        assert response.status_code == 200
        assert title not in response.content.decode()
        assert 'name="password"' in response.content.decode()


def test_a_renamed_article_moves_to_its_new_address(article):
    article.slug = "renamed"
    article.save_revision().publish()
    assert both("/news/renamed/") == (200, 200)
    # The old address redirects (Wagtail's redirects app), it no longer routes.
    for old in (rendered("/news/article-1/"), Client().get("/news/article-1/")):
        assert (old.status_code, old["Location"]) == (301, "/news/renamed/")


def test_a_moved_section_moves_with_its_articles(article, home):
    elsewhere = home.add_child(instance=Page(title="归档", slug="archive"))
    article.get_parent().move(elsewhere, pos="last-child")
    assert both("/archive/news/article-1/")[0] == 200
    for old in (rendered("/news/article-1/"), Client().get("/news/article-1/")):
        assert (old.status_code, old["Location"]) == (301, "/archive/news/article-1/")


def test_a_slug_taken_over_by_another_type_routes_to_the_new_page(article, home):
    """The remembered type is only a hint: a deleted article whose slug now
    belongs to a page of another type routes as Wagtail routes it."""
    news_index = article.get_parent().specific
    article.delete()
    other = news_index.add_child(
        instance=BookletIndexPage(title="手册", slug="article-1")
    )
    request = RequestFactory().get("/news/article-1/")
    page, args, kwargs = news_index.route(request, ["article-1"])
    wagtail_page, _a, _k = Page.route(news_index, request, ["article-1"])
    assert type(page) is type(wagtail_page) is BookletIndexPage
    assert page.pk == wagtail_page.pk == other.pk
    assert both("/news/article-1/") == (200, 200)


def test_pages_unpublished_without_a_purge_are_not_served(article, home):
    """As when another process unpublished them and this one's kept site and
    types are up to a minute old: every page served is read afresh."""
    assert both("/") == (200, 200)
    Page.objects.filter(pk=article.pk).update(live=False)  # no signal, no purge
    assert rendered("/news/article-1/").status_code == 404
    Page.objects.filter(pk=home.pk).update(live=False)
    assert rendered("/").status_code == 404
