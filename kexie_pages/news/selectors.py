"""Reads of the news section: the public articles (filtered as the index, the
feeds and the API filter them), what an article is about, and the articles
about a need, a course, a think-tank entry."""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from wagtail.models import Page

from ..base.models import County
from ..base.selectors import public_pages
from ..needs.models import Need, NeedsLibraryPage
from ..programme.models import Agreement, AgreementIndexPage
from .models import (
    LINK_PANELS,
    NewsAchievementLink,
    NewsAgreementLink,
    NewsAssociationLink,
    NewsCategory,
    NewsCourseLink,
    NewsDemonstrationBaseLink,
    NewsExpertLink,
    NewsLink,
    NewsNeedLink,
    NewsPage,
    NewsTechLeaderLink,
)

#: Every kind of link, in the order an article page lists them.
LINK_MODELS: tuple[type[NewsLink], ...] = (
    NewsAgreementLink,
    NewsNeedLink,
    NewsCourseLink,
    NewsExpertLink,
    NewsAchievementLink,
    NewsAssociationLink,
    NewsDemonstrationBaseLink,
    NewsTechLeaderLink,
)


#: The most search hits a filtered list keeps (a city publishes a few
#: hundred articles a year).
MAX_HITS = 5000


@dataclass(frozen=True)
class NewsFilters:
    """What a list of articles is narrowed to; unknown values match nothing."""

    category: str = ""  # a NewsCategory slug
    county: str = ""  # a GB/T 2260 code
    query: str = ""

    @classmethod
    def from_params(cls, params) -> "NewsFilters":
        """Read ``category``, ``county`` and ``q`` from a query string."""
        return cls(
            category=params.get("category", "").strip()[:40],
            county=params.get("county", "").strip()[:6],
            query=params.get("q", "").strip()[:100],
        )


def news_public_list(
    *, filters: NewsFilters | None = None, index: Page | None = None
) -> QuerySet[NewsPage]:
    """Live, public articles (below ``index`` if given), newest first."""
    filters = filters or NewsFilters()
    articles = NewsPage.objects.live().public()
    if index is not None:
        articles = articles.descendant_of(index)
    if filters.category:
        articles = articles.filter(news_category__slug=filters.category)
    if filters.county:
        articles = articles.filter(county__code=filters.county)
    articles = articles.select_related("news_category", "county", "category")
    articles = articles.order_by("-date", "-pk")
    if filters.query:
        # The search backend cannot filter on a category's slug or a county's
        # code: search all live articles, then keep the filters and their order.
        hits = NewsPage.objects.live().search(filters.query, order_by_relevance=False)
        articles = articles.filter(pk__in=[page.pk for page in hits[:MAX_HITS]])
    return articles


def news_categories_all() -> list[NewsCategory]:
    """Every news category, in display order."""
    return list(NewsCategory.objects.all())


def news_category_get(*, slug: str) -> NewsCategory | None:
    """The category with ``slug``, or None."""
    return NewsCategory.objects.filter(slug=slug).first()


def county_get(*, code: str) -> County | None:
    """The county with the GB/T 2260 ``code``, or None."""
    return County.objects.filter(code=code).first()


@dataclass(frozen=True)
class LinkItem:
    """One thing an article is about: its public name and address (None where
    it has no public page, like a think-tank entry)."""

    name: str
    url: str | None


@dataclass(frozen=True)
class LinkGroup:
    """What an article is about, of one kind: a heading and public items."""

    label: str
    items: list[LinkItem]


def _url_of(
    item: Model,
    agreements: AgreementIndexPage | None,
    library: NeedsLibraryPage | None,
) -> str | None:
    """The public address of a linked item, where it has one (an agreement's
    and a need's below the index page found once, not once an item)."""
    if isinstance(item, Agreement):
        return agreements.agreement_url(item) if agreements is not None else None
    if isinstance(item, Need):
        return library.need_url(item) if library is not None else None
    get_url = getattr(item, "get_url", None)
    return get_url() if get_url is not None else None


def _kinds_linked(article: NewsPage) -> list[type[NewsLink]]:
    """The link models with a row for ``article``, in :data:`LINK_MODELS` order.

    One query in plain SQL built from the models' tables: most articles link
    one or two kinds, and building eight ORM queries (or eight ``EXISTS``)
    cost more than reading their rows.
    """
    quote = connection.ops.quote_name
    parts = []
    for number, model in enumerate(LINK_MODELS):
        table = quote(model._meta.db_table)
        column = quote(model._meta.get_field("page").column)
        # Names from the models' _meta, the page id a parameter.
        one = f"SELECT 1 FROM {table} WHERE {column} = %s LIMIT 1"  # noqa: S608
        parts.append(f"SELECT {number} AS kind FROM ({one}) AS linked_{number}")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [article.pk] * len(parts))
        found = {row[0] for row in cursor.fetchall()}
    return [model for number, model in enumerate(LINK_MODELS) if number in found]


def article_links_public(*, article: NewsPage) -> list[LinkGroup]:
    """What ``article`` is about, public items only (live pages and needs,
    directory entries whose people agreed to be listed, signed agreements),
    grouped by kind: one query for the kinds it links, then one per kind."""
    groups = []
    labels = dict(LINK_PANELS)
    kinds = _kinds_linked(article)
    agreements = (
        public_pages(AgreementIndexPage.objects.live()).first()
        if NewsAgreementLink in kinds
        else None
    )
    library = (
        public_pages(NeedsLibraryPage.objects.live()).first()
        if NewsNeedLink in kinds
        else None
    )
    for model in kinds:
        related = model._meta.get_field(model.target_field).related_model
        links = (
            model.objects.filter(
                page=article,
                **{f"{model.target_field}__in": _public_of(related).values("pk")},
            )
            .select_related(model.target_field)
            .order_by("sort_order", "pk")
        )
        items = [
            LinkItem(str(link.target), _url_of(link.target, agreements, library))
            for link in links
        ]
        if items:
            groups.append(LinkGroup(str(labels[model.target_field]), items))
    return groups


def _public_of(model: Any) -> QuerySet:
    """What the public may see of ``model``: live pages without a view
    restriction, or what the model's ``public()`` queryset lists (a live need,
    a directory entry whose people agreed, a signed agreement)."""
    if issubclass(model, Page):
        return public_pages(model.objects.live())
    return model._default_manager.public()


def news_about(*, target: Model, limit: int = 10) -> list[NewsPage]:
    """The live, public articles that link ``target`` (a need, a course, a
    think-tank entry, …), newest first; [] for a kind no article can link."""
    for model in LINK_MODELS:
        field = model._meta.get_field(model.target_field)
        if isinstance(target, field.related_model):
            pages = model.objects.filter(**{model.target_field: target}).values(
                "page_id"
            )
            return list(
                NewsPage.objects.live()
                .public()
                .filter(pk__in=pages)
                .order_by("-date", "-pk")[:limit]
            )
    return []
