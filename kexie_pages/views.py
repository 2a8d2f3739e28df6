from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.models import Page

SEARCH_QUERY_MAX_LENGTH = 100
SEARCH_RESULTS_PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    """Site-wide search over live, public pages, Chinese words included."""
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = Page.objects.none()
    if query:
        results = Page.objects.live().public().specific().search(query)
    page = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "kexie_pages/search.html",
        {"search_query": query, "results": page},
    )


def _live_booklet(booklet_id: int):
    from .models import BookletPage

    return get_object_or_404(BookletPage.objects.live(), pk=booklet_id)


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def booklet_short_link(request: HttpRequest, booklet_id: int) -> HttpResponse:
    """``/b/<id>/``: the address on printed QR codes; forwards to the booklet's page."""
    booklet = _live_booklet(booklet_id)
    return redirect(_with_query(booklet.get_url(request), request))


def booklet_download_link(request: HttpRequest, booklet_id: int) -> HttpResponse:
    """``/b/<id>/download/``: the booklet's stable download address."""
    booklet = _live_booklet(booklet_id)
    url = booklet.get_url(request) + booklet.reverse_subpage("download")
    return redirect(_with_query(url, request))
