"""The demo news, tested once on its own: a year of articles in every
category, linked to needs, courses, tech-leaders and agreements, re-runnable."""

import feedparser
import pytest

from kexie_pages.demo import courses as demo_courses
from kexie_pages.demo import directories as demo_directories
from kexie_pages.demo import needs as demo_needs
from kexie_pages.demo import news as demo_news
from kexie_pages.models import (
    Agreement,
    AgreementStatus,
    County,
    NewsAgreementLink,
    NewsCategory,
    NewsCourseLink,
    NewsNeedLink,
    NewsPage,
    NewsTechLeaderLink,
)


@pytest.mark.django_db
def test_a_year_of_news_in_every_category(client, home, fixtures_dir):
    demo_courses.load(home, fixtures_dir)
    demo_directories.load(home, fixtures_dir)
    demo_needs.load(home, fixtures_dir)
    fugou = County.objects.get(code="411621")
    agreement = Agreement.objects.create(
        title="扶沟县小麦赤霉病统防统治科技协作协议",
        county=fugou,
        status=AgreementStatus.IN_PROGRESS,
    )

    message = demo_news.load(home, fixtures_dir)
    assert message.startswith("36 news articles in 4 categories")
    articles = NewsPage.objects.live()
    assert articles.count() == 36
    for category in NewsCategory.objects.all():
        assert articles.filter(news_category=category).count() >= 4, category.name
    months = {article.date.month for article in articles}
    assert months == set(range(1, 13))
    assert NewsNeedLink.objects.count() >= 10
    assert NewsCourseLink.objects.count() >= 1
    assert NewsTechLeaderLink.objects.exists()
    about_fugou = NewsAgreementLink.objects.filter(agreement=agreement)
    assert about_fugou.count() == articles.filter(county=fugou).count() >= 1

    # Again: the same articles, their links not doubled.
    links = NewsNeedLink.objects.count()
    demo_news.load(home, fixtures_dir)
    assert NewsPage.objects.count() == 36
    assert NewsNeedLink.objects.count() == links

    for category in NewsCategory.objects.all():
        feed = feedparser.parse(
            client.get(f"/news/feed/rss/category/{category.slug}/").content
        )
        assert not feed.bozo and len(feed.entries) >= 4, category.name
    article = NewsNeedLink.objects.first().page
    need = NewsNeedLink.objects.first().need
    library_html = client.get(f"/needs/{need.pk}/").content.decode()
    assert article.title in library_html
