from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail import hooks
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
    """``/b/<id>/download/``: the booklet's stable download address.

    Serves the file itself rather than redirecting to the page's ``download/``
    route: one round trip less on a weak network and a third of the queries
    (no page-tree walk). Page privacy is checked by the same
    ``on_serve_page`` / ``before_serve_page`` hooks Wagtail runs for the page itself.
    """
    from .downloads import serve_booklet_file
    from .models import BookletPage

    booklet = get_object_or_404(
        BookletPage.objects.live().select_related("document"), pk=booklet_id
    )

    def serve_chain(page, request, args, kwargs):
        return serve_booklet_file(request, page)

    # The same hook chain as ``wagtail.views.serve`` (view restrictions live there).
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        serve_chain = hook(serve_chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(booklet, request, [], {})
        if isinstance(result, HttpResponse):
            return result
    return serve_chain(booklet, request, [], {})
