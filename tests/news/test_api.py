"""The news API: articles with their categories, filters, what an article is
about (public items only), the feeds, and no phone number anywhere."""

import pytest

from .conftest import SECRET_PHONE

pytestmark = pytest.mark.django_db


def test_list_filters_by_category_county_and_keywords(client, news_site):
    data = client.get("/api/v3/kexie/news/").json()
    assert data["count"] == 4  # the draft is not listed
    item = next(i for i in data["items"] if i["id"] == news_site["article"].pk)
    assert item["category"] == {"slug": "gongzuo-dongtai", "name": "工作动态"}
    assert item["county"] == {"code": "411621", "name": "扶沟县"}
    assert item["url"] == "http://localhost/news/article-1/"
    assert item["share_url"] == f"http://localhost/n/{news_site['article'].pk}/"
    assert item["qr_png"] == "http://localhost/news/article-1/qr-png/"
    assert item["published_at"].endswith("+08:00")
    by = lambda **q: client.get("/api/v3/kexie/news/", q).json()["count"]  # noqa: E731
    assert by(category="meiti-baodao") == 1
    assert by(county="411621") == 1
    assert by(county="411621", category="meiti-baodao") == 0
    assert by(q="赤霉病") == 1
    assert by(category="bogus") == 0


def test_detail_lists_public_links_only(client, news_site):
    article = news_site["article"]
    data = client.get(f"/api/v3/kexie/news/{article.pk}/").json()
    names = {a["name"] for a in data["about"]}
    assert {"小麦赤霉病连年发生", "小麦赤霉病防控培训"} <= names
    assert any(name.startswith("张伟") for name in names)
    assert not any(name.startswith("不公开专家") for name in names)
    need = next(a for a in data["about"] if a["name"] == "小麦赤霉病连年发生")
    assert need["url"] == f"http://localhost/needs/{news_site['need'].pk}/"
    assert client.get(f"/api/v3/kexie/news/{news_site['draft'].pk}/").status_code == 404


def test_categories_and_feeds(client, news_site):
    categories = client.get("/api/v3/kexie/news/categories/").json()
    assert [c["name"] for c in categories] == [
        "工作动态",
        "经验交流",
        "媒体报道",
        "品牌活动",
    ]
    assert all(c["articles"] == 1 for c in categories)
    assert categories[2]["feeds"][0]["url"] == (
        "http://localhost/news/feed/rss/category/meiti-baodao/"
    )
    feeds = client.get("/api/v3/kexie/news/feeds/", {"county": "411621"}).json()
    urls = [f["url"] for f in feeds]
    assert urls[:2] == [
        "http://localhost/news/feed/rss/",
        "http://localhost/news/feed/atom/",
    ]
    assert len(urls) == 2 + 4 * 2 + 2
    for url in urls:
        assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_no_phone_number_in_the_api(client, news_site):
    masked = news_site["others"]["meiti-baodao"]
    for path in (
        "/api/v3/kexie/news/",
        f"/api/v3/kexie/news/{masked.pk}/",
    ):
        body = client.get(path).content.decode()
        assert SECRET_PHONE not in body
    assert (
        "139****5678" in client.get(f"/api/v3/kexie/news/{masked.pk}/").json()["intro"]
    )


def test_the_openapi_document_describes_the_news_endpoints(client, news_site):
    paths = client.get("/api/v3/openapi.json").json()["paths"]
    assert {
        "/api/v3/kexie/news/",
        "/api/v3/kexie/news/{article_id}/",
        "/api/v3/kexie/news/categories/",
        "/api/v3/kexie/news/feeds/",
    } <= set(paths)
