"""Site-wide search (the page of ``{% url 'search' %}``)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
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
