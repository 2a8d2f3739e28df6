"""Fixtures of the site-wide tests."""

import datetime

import pytest
from django.utils import timezone

from kexie_pages.models import (
    County,
    CoursePage,
    IndustryCategory,
    LectureHallPage,
    NewsIndexPage,
)


@pytest.fixture
def corpus(news_index, news_corpus, add_news) -> NewsIndexPage:
    """The news section holding every article of the news corpus."""
    for number, article in enumerate(news_corpus):
        add_news(news_index, number, article)
    return news_index


@pytest.fixture
def lecture_hall(home) -> LectureHallPage:
    """The lecture hall with two courses in it, for the admin's page listing."""
    hall = home.add_child(
        instance=LectureHallPage(title="农村科普大讲堂", slug="lecture-hall")
    )
    start = timezone.now() + datetime.timedelta(days=10)
    for number in range(2):
        hall.add_child(
            instance=CoursePage(
                title=f"小麦赤霉病防控培训 {number}",
                slug=f"course-{number}",
                county=County.objects.get(code="411621"),
                category=IndustryCategory.objects.get(slug="zhongzhi"),
                venue="城郊乡王庄村党群服务中心",
                start=start,
                end=start + datetime.timedelta(hours=2),
            )
        )
    return hall
