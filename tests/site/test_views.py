"""The reference site's own pages: Chinese 404 and 500 pages, robots.txt and
the sitemap, the Wagtail admin's login with Django's admin switched off."""

import pytest


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
def test_admin_login_is_served_and_django_admin_is_off(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/django-admin/").status_code == 404


@pytest.mark.urls("tests.site.urls_broken")
def test_server_error_page_is_chinese(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
