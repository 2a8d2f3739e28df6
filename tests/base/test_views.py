"""The home page and the news section: Chinese, linked to each section, the
latest news, an empty state."""

import pytest


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
def test_home_page_lists_latest_news(home, news_index, news_corpus, client, add_news):
    add_news(news_index, 1, news_corpus[0])
    assert news_corpus[0]["title"] in client.get("/").content.decode()


@pytest.mark.django_db
def test_news_section_shows_an_empty_state(news_index, client):
    assert "还没有发布动态" in client.get(news_index.url).content.decode()
