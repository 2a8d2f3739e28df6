"""The news section (工作动态), from ``fixtures/news.json``."""

import json
from pathlib import Path

from ..base.models import County, HomePage, IndustryCategory
from ..news.models import NewsIndexPage, NewsPage
from .base import child_page


def load(home: HomePage, fixtures: Path) -> str:
    index = child_page(
        home,
        NewsIndexPage,
        "news",
        title="工作动态",
        intro="各县市区科技助力精准扶贫工作的最新进展。",
        show_in_menus=True,
        search_description="各县市区科技扶贫的最新进展",
    )
    counties = {c.code: c for c in County.objects.all()}
    categories = {c.slug: c for c in IndustryCategory.objects.all()}
    articles = json.loads((fixtures / "news.json").read_text(encoding="utf-8"))
    for number, article in enumerate(articles, start=1):
        child_page(
            index,
            NewsPage,
            f"{article['date']}-{number}",
            title=article["title"],
            date=article["date"],
            intro=article["intro"],
            county=counties.get(article["county"]),
            category=categories.get(article["category"]),
            body=[("paragraph", f"<p>{p}</p>") for p in article["paragraphs"]],
        )
    return f"{len(articles)} news articles"
