"""Site-wide search (the page of ``{% url 'search' %}``): pages, published needs
and public think-tank entries in one list, each labelled by its kind."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from wagtail.models import Page

from .directories.models import DIRECTORIES, ThinkTankPage
from .directories.selectors import directory_search
from .needs.models import Need, NeedsLibraryPage

SEARCH_QUERY_MAX_LENGTH = 100
SEARCH_RESULTS_PER_PAGE = 10
#: Hits taken from each kind (pages, needs, each directory): beyond the first
#: fifty of a kind, a farmer refines the words rather than pages on.
HITS_PER_KIND = 50


@dataclass(frozen=True)
class SearchHit:
    """One line of the results: what it is, its title, where it is, a summary."""

    kind: str
    title: str
    url: str
    summary: str = ""


def _page_hits(request: HttpRequest, query: str) -> list[SearchHit]:
    pages = Page.objects.live().public().specific().search(query)[:HITS_PER_KIND]
    return [
        SearchHit(
            kind=str(type(page)._meta.verbose_name),
            title=page.title,
            url=page.get_url(request) or "",
            summary=page.search_description
            or Truncator(getattr(page, "intro", "") or "").chars(80),
        )
        for page in pages
    ]


def _need_hits(request: HttpRequest, query: str) -> list[SearchHit]:
    library = NeedsLibraryPage.objects.live().public().first()
    if library is None:
        return []
    needs = Need.objects.public().search(query)[:HITS_PER_KIND]
    kind = str(Need._meta.verbose_name)
    return [
        SearchHit(
            kind=kind,
            title=need.title,
            url=library.need_url(need, request),
            summary=Truncator(need.description).chars(80),
        )
        for need in needs
    ]


def _directory_hits(request: HttpRequest, query: str) -> list[SearchHit]:
    """Public think-tank entries, each linking to its directory's page searched for it."""
    hits = []
    for page in ThinkTankPage.objects.live().public():
        model = DIRECTORIES.get(page.directory)
        if model is None:
            continue
        entries = directory_search(queryset=model.objects.public(), query=query)
        kind = str(model._meta.verbose_name)
        base = page.get_url(request) or ""
        for entry in entries[:HITS_PER_KIND]:
            hits.append(
                SearchHit(
                    kind=kind,
                    title=str(entry),
                    url=f"{base}?{urlencode({'q': str(entry)})}",
                )
            )
    return hits


def search(request: HttpRequest) -> HttpResponse:
    """Site-wide search over everything public, Chinese words included."""
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    hits: list[SearchHit] = []
    if query:
        hits = (
            _page_hits(request, query)
            + _need_hits(request, query)
            + _directory_hits(request, query)
        )
    page = Paginator(hits, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "kexie_pages/search.html",
        {"search_query": query, "results": page},
    )
