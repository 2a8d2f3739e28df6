"""The news section's public views: the index (routed by ``NewsIndexPage``),
the feeds, an article's QR code, and the short address ``/n/<id>/`` that
printed QR codes point at (``kexie_pages.urls``)."""

from typing import NamedTuple

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from ..base.models import County
from ..base.selectors import counties_all
from ..base.spreadsheets import content_disposition
from ..booklets.qr import qr_png, qr_svg
from .feeds import NewsFeed, feed_title
from .models import NewsCategory, NewsIndexPage, NewsPage
from .selectors import (
    NewsFilters,
    county_get,
    news_categories_all,
    news_category_get,
    news_public_list,
)

ARTICLES_PER_PAGE = 12

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


class FeedLink(NamedTuple):
    """A feed as ``<link rel="alternate">`` advertises it."""

    title: str
    content_type: str
    url: str


def news_feed_links(
    index: NewsIndexPage,
    *,
    category: NewsCategory | None = None,
    county: County | None = None,
    include_all: bool = True,
) -> list[FeedLink]:
    """The feeds a page advertises: all news (unless not ``include_all``), and
    the category's and county's feeds where the page is about one (RSS first:
    most readers take the first)."""
    links = []
    base = index.get_full_url() or ""  # absolute, on the site's real host
    for kind, content_type in FEED_TYPES.items():
        label = "RSS" if kind == "rss" else "Atom"
        if include_all:
            links.append(
                FeedLink(
                    f"{feed_title(index=index)} ({label})",
                    content_type,
                    base + index.reverse_subpage("feed", kwargs={"kind": kind}),
                )
            )
        if category is not None:
            links.append(
                FeedLink(
                    f"{feed_title(index=index, category=category)} ({label})",
                    content_type,
                    base
                    + index.reverse_subpage(
                        "category_feed", kwargs={"kind": kind, "slug": category.slug}
                    ),
                )
            )
        if county is not None:
            links.append(
                FeedLink(
                    f"{feed_title(index=index, county_name=county.name)} ({label})",
                    content_type,
                    base
                    + index.reverse_subpage(
                        "county_feed", kwargs={"kind": kind, "code": county.code}
                    ),
                )
            )
    return links


def news_index(request: HttpRequest, page: NewsIndexPage) -> HttpResponse:
    """The articles, newest first, filtered by category, county and keywords."""
    filters = NewsFilters.from_params(request.GET)
    category = news_category_get(slug=filters.category) if filters.category else None
    county = county_get(code=filters.county) if filters.county else None
    articles = news_public_list(filters=filters, index=page)
    return page.render(
        request,
        context_overrides={
            "filters": filters,
            "search_query": filters.query,
            "news_categories": news_categories_all(),
            "counties": counties_all(),
            "news_category": category,
            "articles": Paginator(articles, ARTICLES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "feed_links": news_feed_links(page, category=category, county=county),
        },
    )


def news_feed(
    request: HttpRequest,
    page: NewsIndexPage,
    *,
    kind: str,
    category: str = "",
    county: str = "",
) -> HttpResponse:
    """An RSS 2.0 or Atom feed of the section, one category's or one county's."""
    found_category = news_category_get(slug=category) if category else None
    found_county = county_get(code=county) if county else None
    if (category and found_category is None) or (county and found_county is None):
        raise Http404(_("No such news category or county."))
    feed = NewsFeed(
        index=page,
        kind=kind,
        filters=NewsFilters(category=category, county=county),
        title=feed_title(
            index=page,
            category=found_category,
            county_name=found_county.name if found_county else "",
        ),
        self_url=request.path,
    )
    return feed(request)


def news_article_context(request: HttpRequest, article: NewsPage) -> dict:
    """What an article's page adds to its context: the feeds it advertises."""
    # The parent as a news index in one query (get_parent().specific is two).
    index = NewsIndexPage.objects.filter(path=article.path[: -article.steplen]).first()
    if index is None:
        return {"feed_links": []}
    return {
        "feed_links": news_feed_links(
            index, category=article.news_category, county=article.county
        )
    }


def news_qr(
    request: HttpRequest, article: NewsPage, *, image_format: str
) -> HttpResponse:
    """The article's QR code: PNG to download for WeChat groups, SVG for posters."""
    url = article.share_url(request)
    if image_format == "svg":
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr_png(url), content_type="image/png")
        response["Content-Disposition"] = content_disposition(
            _("%(title)s QR code") % {"title": article.title[:40]} + ".png"
        )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def news_short_link(request: HttpRequest, article_id: int) -> HttpResponse:
    """``/n/<id>/``: the address on QR codes; forwards to the article's page."""
    article = get_object_or_404(NewsPage.objects.live().public(), pk=article_id)
    return redirect(article.get_url(request))
