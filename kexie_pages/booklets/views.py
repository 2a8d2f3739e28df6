"""The booklets' public views: the routes of ``BookletPage`` (download, QR codes,
poster) and the short, stable addresses ``/b/<id>/`` and ``/b/<id>/download/``
that printed QR codes point at (``kexie_pages.urls``)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail import hooks

from .downloads import serve_booklet_file
from .models import BookletPage
from .qr import qr_png, qr_svg


def _live_booklet(booklet_id: int):
    return get_object_or_404(BookletPage.objects.live(), pk=booklet_id)


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def booklet_short_link(request: HttpRequest, booklet_id: int) -> HttpResponse:
    """``/b/<id>/``: the address on printed QR codes; forwards to the booklet's page."""
    booklet = _live_booklet(booklet_id)
    return redirect(_with_query(booklet.get_url(request), request))


def booklet_download_link(request: HttpRequest, booklet_id: int) -> HttpResponseBase:
    """``/b/<id>/download/``: the booklet's stable download address.

    Serves the file itself rather than redirecting to the page's ``download/``
    route: one round trip less on a weak network and a third of the queries
    (no page-tree walk). Page privacy is checked by the same
    ``on_serve_page`` / ``before_serve_page`` hooks Wagtail runs for the page itself.
    """
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


def booklet_download(
    request: HttpRequest, page: BookletPage, *, lite: bool = False
) -> HttpResponseBase:
    """Serve the PDF, or its lite edition (ranges, Chinese filename), and count
    the download."""
    return serve_booklet_file(request, page, lite=lite)


def booklet_qr(
    request: HttpRequest, page: BookletPage, *, image_format: str
) -> HttpResponse:
    """The booklet's QR code as SVG (print) or PNG (WeChat), tagged with ``?src=``."""
    url = page.share_url(request, request.GET.get("src", "qr"))
    if image_format == "svg":
        return HttpResponse(qr_svg(url), content_type="image/svg+xml")
    return HttpResponse(qr_png(url), content_type="image/png")


def booklet_poster(request: HttpRequest, page: BookletPage) -> HttpResponse:
    """A printable A4 poster: cover, title and a QR code for notice boards."""
    url = page.share_url(request, request.GET.get("src", "poster"))
    return TemplateResponse(
        request,
        "kexie_pages/booklet_poster.html",
        {"page": page, "self": page, "qr_svg": qr_svg(url), "share_url": url},
    )
