"""Home page and site search: median latency against a bare Django view.

Home: the baseline renders the same template with the same context built by
hand, with no Wagtail routing, site lookup or page tree queries, so the ratio
is what the CMS costs on top of Django.

Site search: the baseline is a bare view that finds the same kinds of hit
with ``LIKE '%小麦%'`` (page titles and news intros, published needs, public
experts' names and specialities; up to 50 of each kind, as the real view) and
renders them with the same template and paginator. Both responses are checked
to list results. (An earlier version handed the template a plain list, which
rendered the "no results" branch: it compared a search with an empty page.)

Engine level: FTS5 against ``LIKE`` doing the same job: the first 10 matches
against the first 10 matches (both stop early), the count against the count
(both visit every match), and the best 10 by bm25 against the newest 10 by
``LIKE`` (which cannot rank by relevance: said in the table). (An earlier
version forced the ``LIKE`` to scan with ``OFFSET 100000`` and reported FTS
at 0.001× of it.)
"""

import json
import random
import sqlite3

from django.conf import settings
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory
from timing import interleaved_medians
from wagtail.models import Page, Site

from kexie_pages.models import Expert, HomePage, Need, NewsPage
from kexie_pages.search import index_text
from kexie_pages.views import HITS_PER_KIND, SEARCH_RESULTS_PER_PAGE, SearchHit

SEARCH_DOCS = 2_000


def _add_search_corpus(home: HomePage) -> None:
    """Grow the news section to SEARCH_DOCS articles by repeating the demo text."""
    index = home.get_children().get(slug="news")
    articles = list(NewsPage.objects.child_of(index))
    for number in range(SEARCH_DOCS - len(articles)):
        source = articles[number % len(articles)]
        index.add_child(
            instance=NewsPage(
                title=f"{source.title}（{number}）",
                slug=f"bench-{number}",
                date=source.date,
                intro=source.intro,
                county=source.county,
                category=source.category,
            )
        )


def main() -> list[str]:
    call_command("load_demo_data", verbosity=0)
    home = HomePage.objects.get()
    _add_search_corpus(home)
    call_command("update_index", verbosity=0)
    client = Client()
    factory = RequestFactory()
    site = Site.objects.get(is_default_site=True)
    sections = list(home.get_children().live().public().in_menu())
    latest = list(NewsPage.objects.live().order_by("-date")[:5])

    def bare_home():
        request = factory.get("/")
        request.site = site
        context = {
            "page": home,
            "self": home,
            "sections": sections,
            "latest_news": latest,
        }
        return TemplateResponse(request, "kexie_pages/home_page.html", context).render()

    def bare_search():
        request = factory.get("/search/", {"q": "小麦"})
        request.site = site
        q = "小麦"
        pages = (
            Page.objects.live()
            .public()
            .filter(
                Q(title__contains=q)
                | Q(id__in=NewsPage.objects.filter(intro__contains=q).values("id"))
            )
            .specific()[:HITS_PER_KIND]
        )
        hits = [
            SearchHit(
                kind=str(type(page)._meta.verbose_name),
                title=page.title,
                url=page.get_url(request) or "",
                summary=getattr(page, "intro", "")[:80],
            )
            for page in pages
        ]
        hits += [
            SearchHit(
                kind="need", title=need.title, url="", summary=need.description[:80]
            )
            for need in Need.objects.public().filter(
                Q(title__contains=q) | Q(description__contains=q)
            )[:HITS_PER_KIND]
        ]
        hits += [
            SearchHit(kind="expert", title=str(expert), url="")
            for expert in Expert.objects.public().filter(
                Q(name__contains=q) | Q(speciality__contains=q)
            )[:HITS_PER_KIND]
        ]
        results = Paginator(hits, SEARCH_RESULTS_PER_PAGE).get_page(None)
        context = {"search_query": q, "results": results}
        return TemplateResponse(request, "kexie_pages/search.html", context).render()

    for response in (bare_search(), client.get("/search/", {"q": "小麦"})):
        assert b'class="results"' in response.content  # not the empty branch

    contains = Q(title__contains="小麦") | Q(intro__contains="小麦")
    live_news = NewsPage.objects.live()

    times = interleaved_medians(
        {
            "home": lambda: client.get("/"),
            "bare_home": bare_home,
            "search": lambda: client.get("/search/", {"q": "小麦"}),
            "bare_search": bare_search,
            "search_page": lambda: list(live_news.search("小麦")[:10]),
            "like_page": lambda: list(
                live_news.filter(contains).order_by("-date")[:10]
            ),
            "search_count": lambda: live_news.search("小麦").count(),
            "like_count": lambda: live_news.filter(contains).count(),
        },
        repeat=60,
    )
    ms = {name: value * 1000 for name, value in times.items()}
    return [
        f"{NewsPage.objects.count()} news pages indexed.",
        "",
        "| what | median | baseline | ratio |",
        "| --- | --- | --- | --- |",
        f"| home page `/` | {ms['home']:.1f} ms | bare view, same template {ms['bare_home']:.1f} ms | {ms['home'] / ms['bare_home']:.2f}× |",
        f"| site search `/search/?q=小麦` | {ms['search']:.1f} ms | bare view, same template {ms['bare_search']:.1f} ms | {ms['search'] / ms['bare_search']:.2f}× |",
        f"| first 10 results, ranked | {ms['search_page']:.2f} ms | `LIKE` filter, newest 10 {ms['like_page']:.2f} ms | {ms['search_page'] / ms['like_page']:.2f}× |",
        f"| count of matches | {ms['search_count']:.2f} ms | `LIKE` count {ms['like_count']:.2f} ms | {ms['search_count'] / ms['like_count']:.2f}× |",
        "",
        *engine_level(),
    ]


ENGINE_DOCS = 100_000


def engine_level() -> list[str]:
    """FTS5 over segmented text against a LIKE scan, 100k documents, raw SQLite.

    Isolates the index from Django and Wagtail: the same texts stored once raw
    (for LIKE) and once as the tokens ``index_text`` produces (for MATCH).
    """
    rng = random.Random(2026)
    sentences = [
        s
        for article in json.loads(
            (settings.KEXIE_FIXTURES_DIR / "news.json").read_text()
        )
        for s in [article["title"], article["intro"], *article["paragraphs"]]
    ]
    docs = ["".join(rng.sample(sentences, 3)) for _ in range(ENGINE_DOCS)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("CREATE VIRTUAL TABLE doc_fts USING fts5(body)")
    db.executemany("INSERT INTO doc VALUES (?, ?)", enumerate(docs))
    db.executemany(
        "INSERT INTO doc_fts (rowid, body) VALUES (?, ?)",
        ((i, index_text(d)) for i, d in enumerate(docs)),
    )
    queries = [
        "小麦",
        "养殖",
        "防治",
        "大棚",
        "红薯",
        "合作社",
        "贫困户",
        "赤霉病",
        "猪",
        "直播",
    ]
    for q in queries:  # the index answers exactly what LIKE answers
        like = {
            r[0]
            for r in db.execute("SELECT id FROM doc WHERE body LIKE ?", (f"%{q}%",))
        }
        fts = {
            r[0]
            for r in db.execute(
                "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ?", (f'"{q}"',)
            )
        }
        assert like == fts, q

    def run(sql: str, param: str):
        return lambda: [db.execute(sql, param(q)).fetchall() for q in queries]

    hits = [
        len(
            db.execute(
                "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ?", (f'"{q}"',)
            ).fetchall()
        )
        for q in queries
    ]
    times = interleaved_medians(
        {
            "unranked": run(
                "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ? LIMIT 10",
                lambda q: (f'"{q}"',),
            ),
            "like_first": run(
                "SELECT id FROM doc WHERE body LIKE ? LIMIT 10",
                lambda q: (f"%{q}%",),
            ),
            "count": run(
                "SELECT count(*) FROM doc_fts WHERE doc_fts MATCH ?",
                lambda q: (f'"{q}"',),
            ),
            "like_count": run(
                "SELECT count(*) FROM doc WHERE body LIKE ?",
                lambda q: (f"%{q}%",),
            ),
            "match": run(
                "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ? "
                "ORDER BY bm25(doc_fts) LIMIT 10",
                lambda q: (f'"{q}"',),
            ),
            "like_newest": run(
                "SELECT id FROM doc WHERE body LIKE ? ORDER BY id DESC LIMIT 10",
                lambda q: (f"%{q}%",),
            ),
        },
        repeat=7,
        warmup=1,
    )
    ms = {k: v / len(queries) * 1000 for k, v in times.items()}

    def row(what: str, ours: str, base_label: str, base: str) -> str:
        return (
            f"| {what} | {ms[ours]:.2f} ms | {base_label} {ms[base]:.2f} ms "
            f"| {ms[ours] / ms[base]:.2f}× |"
        )

    return [
        f"Engine level, {ENGINE_DOCS:,} documents of realistic text, {len(queries)} queries "
        "(results checked equal to `LIKE` first; "
        f"{min(hits):,}–{max(hits):,} matches per query), median of 7:",
        "",
        "| what | per query | baseline | ratio |",
        "| --- | --- | --- | --- |",
        row(
            "FTS5 `MATCH`, first 10", "unranked", "`LIKE '%q%'`, first 10", "like_first"
        ),
        row("FTS5 count of matches", "count", "`LIKE '%q%'` count", "like_count"),
        row(
            "FTS5 best 10 by bm25",
            "match",
            "`LIKE '%q%'` newest 10 (no relevance ranking)",
            "like_newest",
        ),
    ]
