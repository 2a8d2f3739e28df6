"""``/api/v3/kexie/news/``: articles with their categories, and the feeds.

Wagtail's ``/api/v3/pages/?type=kexie_pages.NewsPage`` lists articles by exact
field values and database ids; this router adds what a WeChat mini-program
needs: filters by category slug and county code, the share image and QR code
addresses, what each article is about, and the feeds to subscribe to. Texts
are the public ones, with any phone-like number masked.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from wagtail.models import Site

from ..base.api import ApiId, KexieLimitOffsetPagination
from ..base.openapi import ERROR_RESPONSES, anonymous
from .feeds import text_phones_masked
from .models import NewsIndexPage, NewsPage
from .selectors import (
    NewsFilters,
    article_links_public,
    county_get,
    news_categories_all,
    news_public_list,
)
from .views import news_feed_links

router = Router(tags=["kexie news"], auth=[anonymous])


class NamedOut(Schema):
    slug: str
    name: str


class CountyOut(Schema):
    code: str
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    date: datetime.date
    published_at: datetime.datetime | None = Field(
        None, description="First published, Beijing time"
    )
    intro: str
    url: str | None
    share_url: str = Field(description="The short address QR codes point at")
    qr_png: str = Field(description="The article's QR code as PNG")
    category: NamedOut | None = Field(None, description="News category")
    county: CountyOut | None
    industry: NamedOut | None

    @staticmethod
    def resolve_published_at(obj: NewsPage) -> datetime.datetime | None:
        first = obj.first_published_at
        return first.astimezone(ZoneInfo(settings.TIME_ZONE)) if first else None

    @staticmethod
    def resolve_intro(obj: NewsPage) -> str:
        return text_phones_masked(obj.intro)

    @staticmethod
    def resolve_url(obj: NewsPage, context) -> str | None:
        return obj.get_full_url(context["request"])

    @staticmethod
    def resolve_share_url(obj: NewsPage, context) -> str:
        return obj.share_url(context["request"])

    @staticmethod
    def resolve_qr_png(obj: NewsPage, context) -> str:
        url = obj.get_full_url(context["request"]) or ""
        return url + obj.reverse_subpage("qr_png")

    @staticmethod
    def resolve_category(obj: NewsPage) -> dict | None:
        c = obj.news_category
        return {"slug": c.slug, "name": c.name} if c else None

    @staticmethod
    def resolve_county(obj: NewsPage) -> dict | None:
        c = obj.county
        return {"code": c.code, "name": c.name} if c else None

    @staticmethod
    def resolve_industry(obj: NewsPage) -> dict | None:
        c = obj.category
        return {"slug": c.slug, "name": c.name} if c else None


class AboutOut(Schema):
    kind: str = Field(description="What is linked: its kind, e.g. 需求, 专家")
    name: str
    url: str | None


class ArticleDetailOut(ArticleOut):
    body: str = Field(description="The body as HTML")
    about: list[AboutOut]

    @staticmethod
    def resolve_body(obj: NewsPage) -> str:
        return text_phones_masked(str(obj.body.render_as_block()))

    @staticmethod
    def resolve_about(obj: NewsPage, context) -> list[dict]:
        request = context["request"]
        root = _root_url(request)
        about = []
        for group in article_links_public(article=obj):
            for item in group.items:
                url = item.url
                if url and not url.startswith("http"):
                    url = root + url
                about.append({"kind": group.label, "name": item.name, "url": url})
        return about


class FeedOut(Schema):
    title: str
    type: str = Field(description="application/rss+xml or application/atom+xml")
    url: str


class CategoryOut(NamedOut):
    articles: int = Field(description="Published articles in the category")
    feeds: list[FeedOut]


class NewsQuery(Schema):
    category: str | None = Field(None, description="News category slug")
    county: str | None = Field(None, description="GB/T 2260 county code, e.g. 411621")
    q: str | None = Field(None, description="Chinese keywords", max_length=100)


def _root_url(request: HttpRequest) -> str:
    site = Site.find_for_request(request)
    return site.root_url if site else ""


def _index(request: HttpRequest) -> NewsIndexPage | None:
    """The site's news section (the first, where a site has several)."""
    site = Site.find_for_request(request)
    indexes = NewsIndexPage.objects.live().public()
    if site is not None:
        indexes = indexes.descendant_of(site.root_page)
    return indexes.first()


def _feeds_out(feeds) -> list[dict]:
    return [{"title": f.title, "type": f.content_type, "url": f.url} for f in feeds]


@router.get(
    "/",
    response=list[ArticleOut],
    url_name="kexie_news_list",
    summary="List published news articles",
    operation_id="kexie_news_list",
    openapi_extra=ERROR_RESPONSES,
)
@paginate(KexieLimitOffsetPagination)
def list_news(request: HttpRequest, filters: Query[NewsQuery]):
    """Published articles of the site's news section, newest first."""
    index = _index(request)
    if index is None:
        return NewsPage.objects.none()
    return news_public_list(
        filters=NewsFilters(
            category=filters.category or "",
            county=filters.county or "",
            query=(filters.q or "").strip(),
        ),
        index=index,
    )


@router.get(
    "/categories/",
    response=list[CategoryOut],
    url_name="kexie_news_categories",
    summary="News categories with their article counts and feeds",
    operation_id="kexie_news_categories",
    openapi_extra=ERROR_RESPONSES,
)
def list_categories(request: HttpRequest):
    """Every news category, with how many articles it has and its feeds."""
    index = _index(request)
    categories = []
    for category in news_categories_all():
        feeds = (
            news_feed_links(index, category=category, include_all=False)
            if index is not None
            else []
        )
        count = (
            news_public_list(
                filters=NewsFilters(category=category.slug), index=index
            ).count()
            if index is not None
            else 0
        )
        categories.append(
            {
                "slug": category.slug,
                "name": category.name,
                "articles": count,
                "feeds": _feeds_out(feeds),
            }
        )
    return categories


@router.get(
    "/feeds/",
    response=list[FeedOut],
    url_name="kexie_news_feeds",
    summary="The news feeds (RSS 2.0 and Atom): all, per category, per county",
    operation_id="kexie_news_feeds",
    openapi_extra=ERROR_RESPONSES,
)
def list_feeds(request: HttpRequest, county: str | None = None):
    """Every feed of the site's news section; ``county`` adds that county's."""
    index = _index(request)
    if index is None:
        return []
    feeds = news_feed_links(index)
    for category in news_categories_all():
        feeds += news_feed_links(index, category=category, include_all=False)
    found = county_get(code=county) if county else None
    if found is not None:
        feeds += news_feed_links(index, county=found, include_all=False)
    return _feeds_out(feeds)


@router.get(
    "/{article_id}/",
    response=ArticleDetailOut,
    url_name="kexie_news_detail",
    summary="One published news article, with what it is about",
    operation_id="kexie_news_detail",
    openapi_extra=ERROR_RESPONSES,
)
def article_detail(request: HttpRequest, article_id: ApiId):
    """A published article of the site's news section."""
    index = _index(request)
    articles = news_public_list(index=index) if index else NewsPage.objects.none()
    return get_object_or_404(articles, pk=article_id)
