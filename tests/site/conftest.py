"""Fixtures of the site-wide tests."""

import pytest

from kexie_pages.models import NewsIndexPage


@pytest.fixture
def corpus(news_index, news_corpus, add_news) -> NewsIndexPage:
    """The news section holding every article of the news corpus."""
    for number, article in enumerate(news_corpus):
        add_news(news_index, number, article)
    return news_index
