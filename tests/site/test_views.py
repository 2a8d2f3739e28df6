"""The reference site: pages, API, error pages and embedded-default settings."""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from ..conftest import add_news


@pytest.mark.django_db
def test_home_page_is_chinese_and_links_each_section(home, news_index, client):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in content
    assert "科技助力精准扶贫" in content
    assert f'href="{news_index.url}"' in content
    assert "跳到正文" in content  # skip link for keyboard and screen-reader users


@pytest.mark.django_db
def test_home_page_lists_latest_news(home, news_index, news_corpus, client):
    add_news(news_index, 1, news_corpus[0])
    assert news_corpus[0]["title"] in client.get("/").content.decode()


@pytest.mark.django_db
def test_news_section_shows_an_empty_state(news_index, client):
    assert "还没有发布动态" in client.get(news_index.url).content.decode()


@pytest.mark.django_db
def test_unknown_page_is_a_chinese_404(home, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_robots_and_sitemap(home, news_index, client):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/news/" in sitemap


@pytest.mark.django_db
def test_api_v3_serves_pages_and_openapi(home, news_index, news_corpus, client):
    add_news(news_index, 1, news_corpus[0])
    pages = client.get("/api/v3/pages/", {"type": "kexie_pages.NewsPage"})
    assert pages.status_code == 200
    titles = [item["title"] for item in pages.json()["items"]]
    assert news_corpus[0]["title"] in titles
    openapi = client.get("/api/v3/openapi.json").json()
    assert any(path.startswith("/api/v3/pages") for path in openapi["paths"])


@pytest.mark.django_db
def test_admin_login_is_served_and_django_admin_is_off(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/django-admin/").status_code == 404


def test_chinese_defaults():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="embedded default only")
@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_immediate_transactions():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL


def test_plugin_catalogue_does_not_override_wagtails_own_strings():
    # The plugin's catalogue comes first in INSTALLED_APPS; a msgid it shares
    # with Wagtail ("Pages", say) would silently rename Wagtail's admin menu.
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("About") != "基本信息"


@pytest.mark.urls("tests.site.urls_broken")
def test_server_error_page_is_chinese(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
