"""Needs library: the public listing with 20,000 needs, matching with 5,000
experts, and creating needs in bulk; every figure a ratio to a baseline timed
in the same run.

Run: ``python bench/run.py needs`` (a few minutes on 2 cores).

* Listing: ``/needs/?county=…&category=…`` (filtered, paginated, with facet
  counts, through Wagtail's page routing, the menu and the site settings)
  against a bare Django view running the equivalent query (filter, count,
  slice) and rendering the same 20 rows with a minimal template. Both through
  the test client and the same middleware. Also page 250 against page 1, and
  the query count per page at 20 and 100 rows a page.
* Matching: ``need_match_suggestions`` for a need against 5,000 experts and
  500 achievements, against a naive baseline that loads every expert with its
  industries and counties and scores them all in Python.
* Bulk creation of 5,000 needs with ``needs_bulk_create``: drafts with their
  first status-history entry against raw ``bulk_create`` (neither indexed);
  published, which also indexes them for search, against raw ``bulk_create``
  plus the search backend's ``add_bulk`` (both indexed). And, for the design
  decision in the README, 50 needs as pages with ``add_child`` against 50
  published needs from ``needs_bulk_create``: both live and indexed. (An
  earlier version compared 50 indexed ``add_child`` calls with one unindexed
  ``bulk_create`` and reported 109×.)
"""

import random
import statistics
import sys
import time

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from timing import interleaved_medians

NEEDS = 20_000
EXPERTS = 5_000
ACHIEVEMENTS = 500
BULK = 5_000

BARE_TEMPLATE = engines["django"].from_string(
    """<!DOCTYPE html><html lang="zh-Hans"><body><p>{{ page_obj.paginator.count }}</p><ol>
{% for need in page_obj %}<li><h2><a href="/needs/{{ need.pk }}/">{{ need.title }}</a></h2>
<p>{{ need.get_status_display }} {{ need.category.name }} {{ need.county.name }}{{ need.township }}{{ need.village }}</p>
<p>{{ need.description|truncatechars:90 }}</p><p>{{ need.households }} {{ need.season }} {{ need.reported_on|date:"Y-m-d" }}</p></li>
{% endfor %}</ol></body></html>"""
)


def bare_view(request):
    """The baseline: the same filtered, paginated rows, no Wagtail, no facets."""
    from kexie_pages.models import Need

    needs = (
        Need.objects.filter(
            live=True,
            county__code=request.GET.get("county", ""),
            category__slug=request.GET.get("category", ""),
        )
        .select_related("county", "category")
        .order_by("-reported_on", "-id")
    )
    page_obj = Paginator(needs, 20).get_page(request.GET.get("page"))
    return HttpResponse(BARE_TEMPLATE.render({"page_obj": page_obj}))


def _urlpatterns() -> list:
    from kexie_site.urls import urlpatterns as site_urlpatterns

    return [path("bare/", bare_view), *site_urlpatterns]


class BenchUrls:
    """The site's URLs plus the bare baseline view."""

    @property
    def urlpatterns(self):
        return _urlpatterns()


def _site():
    from wagtail.models import Page, Site

    from kexie_pages.models import HomePage, NeedsLibraryPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="首页", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    library = home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs", show_in_menus=True)
    )
    return home, library


def _needs(count: int, seed: int):
    from kexie_pages.demo.needs import generate_needs

    return generate_needs(count, seed=seed)


def _experts():
    from kexie_pages.demo.directories import FIELDS, generate_rows
    from kexie_pages.models import Achievement, County, Expert, IndustryCategory

    counties = list(County.objects.all())
    categories = {c.name: c for c in IndustryCategory.objects.all()}
    rows = generate_rows("experts", EXPERTS, seed=3)
    experts = Expert.objects.bulk_create(
        [
            Expert(
                name=f"{row['姓名']}{i}",
                employer=row["工作单位"],
                title=row["职称"],
                speciality=row["专业领域"],
                bio=row["个人简介"],
                is_public=True,
                name_pinyin=str(i),
            )
            for i, row in enumerate(rows)
        ]
    )
    rng = random.Random(4)
    Expert.categories.through.objects.bulk_create(
        [
            Expert.categories.through(
                expert_id=e.pk, industrycategory_id=categories[row["产业类别"]].pk
            )
            for e, row in zip(experts, rows, strict=True)
        ]
    )
    Expert.counties.through.objects.bulk_create(
        [
            Expert.counties.through(expert_id=e.pk, county_id=c.pk)
            for e in experts
            for c in rng.sample(counties, rng.choice([0, 1, 2, 3]))
        ]
    )
    achievements = Achievement.objects.bulk_create(
        [
            Achievement(
                title=f"{rng.choice(FIELDS[name][0])}技术成果{i}",
                organisation="周口市农业科学院",
                summary=f"适合贫困村{name}产业，{rng.choice(FIELDS[name][0])}。",
                is_public=True,
            )
            for i, name in enumerate(
                rng.choice(list(FIELDS)) for _ in range(ACHIEVEMENTS)
            )
        ]
    )
    Achievement.categories.through.objects.bulk_create(
        [
            Achievement.categories.through(
                achievement_id=a.pk,
                industrycategory_id=categories[a.summary[5:].split("产业")[0]].pk,
            )
            for a in achievements
        ]
    )
    from modelsearch.backends import get_search_backend

    backend = get_search_backend()
    backend.add_bulk(Expert, experts)
    backend.add_bulk(Achievement, achievements)


def naive_suggestions(need, keywords):
    """Every expert loaded with its relations and scored in Python."""
    from kexie_pages.models import Expert

    scored = []
    for expert in Expert.objects.prefetch_related("categories", "counties"):
        score = 0
        if need.category_id in {c.pk for c in expert.categories.all()}:
            score += 3
        counties = {c.pk for c in expert.counties.all()}
        if need.county_id in counties:
            score += 2
        elif not counties:
            score += 1
        text = f"{expert.speciality} {expert.title} {expert.bio}"
        score += min(sum(1 for w in keywords if w in text), 4)
        if score:
            scored.append((-score, expert.name, expert.pk))
    scored.sort()
    return scored[:10]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


def main() -> list[str]:
    from kexie_pages.models import Need, NeedsLibraryPage
    from kexie_pages.needs.matching import need_keywords, need_match_suggestions
    from kexie_pages.needs.services import needs_bulk_create

    home, library = _site()
    lines = [
        f"Machine: {sys.platform}, SQLite; {NEEDS:,} live needs, {EXPERTS:,} experts, "
        f"{ACHIEVEMENTS} achievements. Medians of interleaved runs.",
        "",
        "| what | ours | baseline | ratio (ours ÷ baseline) |",
        "| --- | --- | --- | --- |",
    ]

    # Bulk creation ----------------------------------------------------------
    # Published needs go into the search index; so does the "raw, indexed"
    # baseline (bulk_create, then the backend's add_bulk), so that both sides
    # of that ratio do the same indexing. Drafts are not indexed, nor is raw.
    def _index(objects) -> None:
        from modelsearch.backends import get_search_backends

        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(Need, objects)

    def raw():
        Need.objects.bulk_create(_needs(BULK, 9), batch_size=500)

    def raw_indexed():
        needs = Need.objects.bulk_create(_needs(BULK, 9), batch_size=500)
        for start in range(0, len(needs), 500):
            _index(needs[start : start + 500])

    def drafts():
        needs_bulk_create(needs=_needs(BULK, 9))

    def published():
        needs_bulk_create(needs=_needs(BULK, 9), publish=True)

    def spread(values: list[float], fmt: str = ".2f") -> str:
        ordered = sorted(values)
        return " / ".join(
            format(v, fmt)
            for v in (ordered[0], statistics.median(ordered), ordered[-1])
        )

    funcs = {
        "raw": raw,
        "raw_indexed": raw_indexed,
        "drafts": drafts,
        "published": published,
    }
    timings: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(3):
        for name, func in funcs.items():
            Need.objects.all().delete()
            started = time.perf_counter()
            func()
            timings[name].append(time.perf_counter() - started)

    def ratio(ours: str, base: str) -> str:
        return spread(
            [a / b for a, b in zip(timings[ours], timings[base], strict=True)]
        )

    lines += [
        f"| create {BULK:,} needs, drafts, not indexed (`needs_bulk_create`) | "
        f"{spread(timings['drafts'])} s | raw `bulk_create`, not indexed "
        f"{spread(timings['raw'])} s | {ratio('drafts', 'raw')}× |",
        f"| create {BULK:,} needs, published and indexed (`needs_bulk_create`) | "
        f"{spread(timings['published'])} s | raw `bulk_create` + index `add_bulk` "
        f"{spread(timings['raw_indexed'])} s | {ratio('published', 'raw_indexed')}× |",
    ]

    # Page per need vs model, for the README's decision: both sides live and
    # indexed (a page is indexed when add_child saves it; needs_bulk_create
    # with publish=True indexes its rows and writes their status history).
    def as_pages(count=50):
        from kexie_pages.models import NewsIndexPage, NewsPage

        parent = NewsIndexPage(title="需求页面", slug=f"p{time.perf_counter_ns()}")
        home.add_child(instance=parent)
        for i, need in enumerate(_needs(count, 11)):
            parent.add_child(
                instance=NewsPage(
                    title=need.title,
                    slug=f"n{i}",
                    date=need.reported_on,
                    intro=need.description,
                )
            )

    def as_rows(count=50):
        Need.objects.all().delete()
        needs_bulk_create(needs=_needs(count, 11), publish=True)

    as_pages(), as_rows()  # warm-up: the segmenter's dictionary, first queries
    pages_s, rows_s = [], []
    for _ in range(3):
        started = time.perf_counter()
        as_pages()
        pages_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        as_rows()
        rows_s.append(time.perf_counter() - started)
    page_ratios = [a / b for a, b in zip(pages_s, rows_s, strict=True)]
    lines.append(
        f"| 50 needs as pages, live and indexed (`add_child`) | {spread(pages_s)} s | "
        f"50 rows, live and indexed (`needs_bulk_create`) {spread(rows_s, '.3f')} s | "
        f"{spread(page_ratios, '.2f')}× |"
    )

    # Listing ----------------------------------------------------------------
    Need.objects.all().delete()
    needs_bulk_create(needs=_needs(NEEDS, 1), publish=True)
    client = Client()
    with override_settings(ROOT_URLCONF=BenchUrls()):
        query = "county=411621&category=zhongzhi"
        client.get(f"/needs/?{query}")  # site settings row, caches
        pages = client.get(f"/needs/?{query}")
        assert pages.status_code == 200, pages.status_code
        total = Need.objects.filter(
            live=True, county__code="411621", category__slug="zhongzhi"
        ).count()
        last = (total + 19) // 20
        medians = interleaved_medians(
            {
                "ours": lambda: client.get(f"/needs/?{query}&page=2"),
                "bare": lambda: client.get(f"/bare/?{query}&page=2"),
                "p1": lambda: client.get("/needs/?page=1"),
                "p250": lambda: client.get("/needs/?page=250"),
                "keyword": lambda: client.get("/needs/?q=%E5%B0%8F%E9%BA%A6&page=2"),
            },
            repeat=30,
            warmup=3,
        )
        lines.append(
            f"| filtered library page ({total} matches, {last} pages) with facets | "
            f"{medians['ours'] * 1000:.1f} ms | bare Django view, same rows "
            f"{medians['bare'] * 1000:.1f} ms | {medians['ours'] / medians['bare']:.2f}× |"
        )
        lines.append(
            f"| unfiltered page 250 of {NEEDS // 20:,} | {medians['p250'] * 1000:.1f} ms | "
            f"page 1 {medians['p1'] * 1000:.1f} ms | {medians['p250'] / medians['p1']:.2f}× |"
        )
        lines.append(
            f"| keyword 小麦, page 2 | {medians['keyword'] * 1000:.1f} ms | "
            f"bare filtered view {medians['bare'] * 1000:.1f} ms | "
            f"{medians['keyword'] / medians['bare']:.2f}× |"
        )
        from kexie_pages.needs.selectors import needs_keyword_q

        keyword = interleaved_medians(
            {
                "index": lambda: [
                    n.pk
                    for n in Need.objects.filter(live=True).search(
                        "小麦", order_by_relevance=False
                    )
                ],
                "like": lambda: list(
                    Need.objects.public()
                    .filter(needs_keyword_q(query="小麦"))
                    .values_list("pk", flat=True)
                ),
            },
            repeat=10,
            warmup=2,
        )
        lines.append(
            f"| ids of needs containing 小麦, jieba words + `icontains` (what the library "
            f"uses) | {keyword['like'] * 1000:.1f} ms | the Chinese search index "
            f"(`.search()`) {keyword['index'] * 1000:.1f} ms | "
            f"{keyword['like'] / keyword['index']:.2f}× |"
        )
        q20 = _queries(client, f"/needs/?{query}&page=3")
        q250 = _queries(client, "/needs/?page=250")
        NeedsLibraryPage.objects.filter(pk=library.pk).update(per_page=100)
        q100 = _queries(client, f"/needs/?{query}&page=2")
        qbare = _queries(client, f"/bare/?{query}&page=2")
        lines.append(
            f"| queries per library page: 20 rows {q20}, 100 rows {q100}, "
            f"page 250 {q250} | {q20} | bare view {qbare} | {q20 / qbare:.1f}× |"
        )

    # Matching -----------------------------------------------------------------
    _experts()
    need = Need.objects.select_related("county", "category").filter(
        category__slug="zhongzhi"
    )[0]
    keywords = need_keywords(need=need)
    medians = interleaved_medians(
        {
            "ours": lambda: need_match_suggestions(need=need),
            "naive": lambda: naive_suggestions(need, keywords),
        },
        repeat=10,
        warmup=2,
    )
    lines.append(
        f"| matching suggestions, {EXPERTS:,} experts + {ACHIEVEMENTS} achievements | "
        f"{medians['ours'] * 1000:.0f} ms | naive: load all experts and score "
        f"(experts only) {medians['naive'] * 1000:.0f} ms | "
        f"{medians['ours'] / medians['naive']:.2f}× |"
    )
    return lines
