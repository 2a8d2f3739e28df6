"""Fixtures of the base tests: the page editor's form for a news article, and a
live server that answers one request at a time."""

import threading
from collections.abc import Callable, Iterator

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kexie_pages.models import NewsIndexPage

#: The article's links to what it is about, one inline formset each.
NEWS_LINK_RELATIONS = (
    "agreement_links",
    "need_links",
    "course_links",
    "expert_links",
    "achievement_links",
    "association_links",
    "demonstration_base_links",
    "tech_leader_links",
)

#: A news title as staff write them: 33 Chinese characters, 150 in a URL.
LONG_TITLE = "扶沟县小麦赤霉病统防统治现场观摩会暨科技助力精准扶贫技术培训在练寺镇召开"


@pytest.fixture
def news_add_url(news_index: NewsIndexPage) -> str:
    """The page editor's address for a new article in the news section."""
    return f"/admin/pages/add/kexie_pages/newspage/{news_index.pk}/"


@pytest.fixture
def news_form() -> Callable[..., dict]:
    """``news_form(**overrides)``: the page editor's form for a new article, as
    the browser posts it (the slug left as ``slug=...`` says)."""

    def data_for(**overrides) -> dict:
        data = {
            "title": LONG_TITLE,
            "slug": "",
            "date": "2026-05-12",
            "county": "",
            "category": "",
            "news_category": "",
            "cover": "",
            "intro": "五月十二日，观摩会在练寺镇前王庄村召开。",
            "body": streamfield([]),
            "comments": inline_formset([]),
            # What the article is about: no links.
            **{relation: inline_formset([]) for relation in NEWS_LINK_RELATIONS},
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
        data.update(overrides)
        return nested_form_data(data)

    return data_for


@pytest.fixture
def serial_live_server(live_server) -> Iterator:
    """The live server, answering one request at a time.

    The in-memory SQLite test database uses a shared cache, whose table locks
    fail a second writer at once ("database table is locked") where the file
    database of a real site queues it. The order in which requests arrive, all
    a race between two of them depends on, is kept.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            return app(environ, start_response)

    httpd.set_app(one_at_a_time)
    yield live_server
    httpd.set_app(app)
