"""Fixtures of the news tests: the public site with a news section whose
articles have categories, counties and links to what they are about."""

import pytest

from kexie_pages.models import (
    County,
    Expert,
    NewsCategory,
    NewsCourseLink,
    NewsExpertLink,
    NewsNeedLink,
    NewsPage,
)

#: A phone number staff might type into a summary: feeds and the API mask it.
SECRET_PHONE = "13912345678"


@pytest.fixture
def news_site(public_site, news_corpus, add_news) -> dict:
    """``public_site`` plus: its article in 工作动态 about the need, the course
    and the public expert (and a private expert, who must not show); one
    article in each other category, in other counties; a draft article.
    Every article is published through a revision, as staff publish."""
    categories = {c.slug: c for c in NewsCategory.objects.all()}
    counties = {c.code: c for c in County.objects.all()}
    article: NewsPage = public_site["article"]
    article.news_category = categories["gongzuo-dongtai"]
    article.county = counties["411621"]
    private = Expert.objects.create(name="不公开专家", employer="农科院")
    for link in (
        NewsNeedLink(need=public_site["need"]),
        NewsCourseLink(course=public_site["course"]),
        NewsExpertLink(expert=public_site["expert"]),
        NewsExpertLink(expert=private),
    ):
        getattr(article, f"{link.target_field}_links").add(link)
    article.save_revision().publish()
    others = {}
    for number, (slug, code) in enumerate(
        [
            ("jingyan-jiaoliu", "411622"),
            ("meiti-baodao", "411625"),
            ("pinpai-huodong", "411628"),
        ],
        start=2,
    ):
        page = add_news(
            public_site["news_index"],
            number,
            news_corpus[number],
            news_category=categories[slug],
            county=counties[code],
        )
        if slug == "meiti-baodao":
            page.intro = f"咨询电话 {SECRET_PHONE}。" + page.intro
        page.save_revision().publish()
        others[slug] = page
    draft = add_news(
        public_site["news_index"],
        9,
        news_corpus[9],
        news_category=categories["jingyan-jiaoliu"],
        live=False,
    )
    return {
        **public_site,
        "categories": categories,
        "others": others,
        "draft": draft,
        "private_expert": private,
    }
