"""The news section (新闻宣传), from ``fixtures/news.json``: a year of articles in
the four categories, each linked to what it is about where the demo has it.

Runs after the needs, courses and (where loaded) agreements: an article about
a county's industry links a published need and a course of that county and
industry, the county's first public agreement, and (经验交流) a public
tech-leader of the county. Re-runnable: links are set afresh each time.
"""

import json
from pathlib import Path

from django.apps import apps

from ..base.models import County, HomePage, IndustryCategory
from ..courses.models import CoursePage
from ..directories.models import TechLeader
from ..needs.models import Need
from ..news.models import (
    NewsAgreementLink,
    NewsCategory,
    NewsCourseLink,
    NewsIndexPage,
    NewsNeedLink,
    NewsPage,
    NewsTechLeaderLink,
)
from .base import child_page


def _agreements_by_county() -> dict[int, object]:
    """The first public agreement of each county, where the programme section's
    demo has made some."""
    agreement = apps.get_model("kexie_pages", "Agreement")
    found: dict[int, object] = {}
    for item in agreement.objects.public().order_by("pk"):
        found.setdefault(item.county_id, item)
    return found


def load(home: HomePage, fixtures: Path) -> str:
    """Publish the news section and its articles, with their links."""
    index = child_page(
        home,
        NewsIndexPage,
        "news",
        title="新闻宣传",
        intro="各县市区科技助力精准扶贫的工作动态、经验交流、媒体报道和品牌活动。",
        show_in_menus=True,
        search_description="科技扶贫的工作动态、经验交流、媒体报道和品牌活动",
    )
    counties = {c.code: c for c in County.objects.all()}
    categories = {c.slug: c for c in IndustryCategory.objects.all()}
    kinds = {c.slug: c for c in NewsCategory.objects.all()}
    agreements = _agreements_by_county()
    articles = json.loads((fixtures / "news.json").read_text(encoding="utf-8"))
    linked = 0
    for number, article in enumerate(articles, start=1):
        county = counties.get(article["county"])
        category = categories.get(article["category"])
        kind = kinds[article["news_category"]]
        need = course = leader = None
        if county is not None and category is not None:
            need = (
                Need.objects.public()
                .filter(county=county, category=category)
                .order_by("pk")
                .first()
            )
            course = (
                CoursePage.objects.live()
                .filter(county=county, category=category)
                .order_by("start")
                .first()
            )
        if county is not None and kind.slug == "jingyan-jiaoliu":
            leader = TechLeader.objects.public().filter(county=county).first()
        agreement = agreements.get(county.pk) if county is not None else None
        links = {
            "need_links": [NewsNeedLink(need=need)] if need else [],
            "course_links": [NewsCourseLink(course=course)] if course else [],
            "tech_leader_links": [NewsTechLeaderLink(tech_leader=leader)]
            if leader
            else [],
            "agreement_links": [NewsAgreementLink(agreement=agreement)]
            if agreement
            else [],
        }
        linked += any(links.values())
        child_page(
            index,
            NewsPage,
            f"{article['date']}-{number}",
            title=article["title"],
            date=article["date"],
            intro=article["intro"],
            news_category=kind,
            county=county,
            category=category,
            body=[("paragraph", f"<p>{p}</p>") for p in article["paragraphs"]],
            **links,
        )
    return f"{len(articles)} news articles in {len(kinds)} categories, {linked} linked"
