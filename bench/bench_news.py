"""News that travels: what the share card, the share tags and the feeds cost.

* The share card: ``/og/p/<id>.png`` served from the cache (what every request
  after the first of a revision gets) as a ratio to drawing it (what the first
  request of a revision pays).
* The share tags: an article page as served, as a ratio to the same page with
  the ``{% share_meta %}`` tag answering nothing (their whole cost per page).
* The RSS feed of 30 articles, as a ratio to the news index page listing 12.
"""

import io
import statistics
import time
from collections.abc import Callable

from django.core.cache import cache
from django.test import Client
from PIL import Image

ARTICLES = 200


def interleaved(
    funcs: dict[str, Callable[[], object]], *, repeat: int, warmup: int = 3
) -> dict[str, tuple[float, float, float]]:
    """Min, median and max time of each function, run in alternation so that
    noise on the shared machine hits all alike."""
    for func in funcs.values():
        for _ in range(warmup):
            func()
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            started = time.perf_counter()
            func()
            samples[name].append(time.perf_counter() - started)
    return {name: (min(v), statistics.median(v), max(v)) for name, v in samples.items()}


def _setup():
    from kexie_pages.demo import home as demo_home
    from kexie_pages.models import NewsCategory, NewsIndexPage, NewsPage

    home = demo_home.load()
    index = home.add_child(instance=NewsIndexPage(title="新闻宣传", slug="news"))
    categories = list(NewsCategory.objects.all())
    article = None
    for number in range(ARTICLES):
        article = index.add_child(
            instance=NewsPage(
                title=f"扶沟县举办小麦赤霉病防治技术培训会（第{number}期）",
                slug=f"article-{number}",
                date=f"2026-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
                intro="市科协邀请省农科院植保专家到扶沟县练寺镇讲解小麦赤霉病防治。",
                news_category=categories[number % 4],
            )
        )
        article.save_revision().publish()
    return index, article


def main() -> list[str]:
    from kexie_pages.base import sharing
    from kexie_pages.base.models import OrganisationSettings
    from kexie_pages.templatetags import kexie_tags

    index, article = _setup()
    client = Client()
    card_url = f"/og/p/{article.pk}.png"
    assert client.get(card_url).status_code == 200
    organisation = OrganisationSettings.objects.first()

    def draw() -> None:
        sharing.card_png(
            title=article.title,
            subtitle="新闻宣传",
            organisation=organisation.organisation if organisation else "",
        )

    png = client.get(card_url).content
    assert Image.open(io.BytesIO(png)).size == (1200, 630)
    card = interleaved(
        {"cached": lambda: client.get(card_url), "draw": draw}, repeat=30
    )

    original = kexie_tags.share_meta_for
    assert client.get(article.url).status_code == 200

    def page_with_tags() -> None:
        kexie_tags.share_meta_for = original
        client.get(article.url)

    def page_without_tags() -> None:
        kexie_tags.share_meta_for = lambda request, **kwargs: None
        client.get(article.url)

    page = interleaved(
        {"with": page_with_tags, "without": page_without_tags}, repeat=50
    )
    kexie_tags.share_meta_for = original
    cache.clear()
    feed = interleaved(
        {
            "feed": lambda: client.get(f"{index.url}feed/rss/"),
            "index": lambda: client.get(index.url),
        },
        repeat=50,
    )

    def ms(times: tuple[float, float, float]) -> str:
        return " / ".join(f"{t * 1000:.1f}" for t in times) + " ms"

    def row(what: str, result: dict, ours: str, base: str, label: str) -> str:
        ratio = result[ours][1] / result[base][1]
        return f"| {what} | {ms(result[ours])} | {label} {ms(result[base])} | {ratio:.2f}× |"

    return [
        f"{ARTICLES} published articles; card PNG {len(png) // 1024} KB.",
        "",
        "| what | min / median / max | baseline, min / median / max | ratio of medians |",
        "| --- | --- | --- | --- |",
        row(
            "share card, cached `/og/p/<id>.png`", card, "cached", "draw", "drawing it"
        ),
        row(
            "article page with share tags",
            page,
            "with",
            "without",
            "same page, tag answering nothing",
        ),
        row(
            "RSS feed, 30 articles",
            feed,
            "feed",
            "index",
            "news index page, 12 articles",
        ),
    ]
