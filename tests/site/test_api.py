"""The reference site's API v3: the pages endpoint and the OpenAPI document."""

import pytest


@pytest.mark.django_db
def test_api_v3_serves_pages_and_openapi(
    home, news_index, news_corpus, client, add_news
):
    add_news(news_index, 1, news_corpus[0])
    pages = client.get("/api/v3/pages/", {"type": "kexie_pages.NewsPage"})
    assert pages.status_code == 200
    titles = [item["title"] for item in pages.json()["items"]]
    assert news_corpus[0]["title"] in titles
    openapi = client.get("/api/v3/openapi.json").json()
    assert any(path.startswith("/api/v3/pages") for path in openapi["paths"])
