"""The needs library's public views, routed by ``NeedsLibraryPage``."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from ..base.guards import TOKEN_FIELD, body_digest, form_refusal, submit_once
from ..base.spreadsheets import content_disposition
from .forms import EnquiryForm
from .models import Need, NeedsLibraryPage, NeedStatus
from .selectors import (
    NeedFilters,
    need_public_matches,
    needs_public_facets,
    needs_public_list,
)
from .services import enquiry_create, needs_export

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class KnownCountPaginator(Paginator):
    """A paginator told its count (the facet query has already counted) that
    fetches a page in two steps: the page's ids from the index, then only
    those rows, so page 250 costs about what page 1 does."""

    object_list: QuerySet

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached_property

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows: list = []
        if ids:
            by_pk = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
            rows = [by_pk[pk] for pk in ids if pk in by_pk]
        # Paginator's hook for subclasses, missing from django-stubs.
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]


def needs_library(request: HttpRequest, page: NeedsLibraryPage) -> HttpResponse:
    """The filtered, paginated library with counts per county, industry and status."""
    filters = NeedFilters.from_params(request.GET)
    facets = needs_public_facets(filters=filters)
    paginator = KnownCountPaginator(
        needs_public_list(filters=filters),
        page.per_page or 20,
        count=facets.total,
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.as_dict().items() if v})
    context = page.get_context(request)
    context.update(
        {
            "filters": filters,
            "search_query": filters.query,
            "needs": page_obj,
            "facets": facets,
            "library_url": page.get_url(request),
            "filter_query": query,
            "status_values": NeedStatus,
        }
    )
    return TemplateResponse(request, "kexie_pages/needs_library_page.html", context)


def need_detail(
    request: HttpRequest, page: NeedsLibraryPage, need_id: int
) -> HttpResponse:
    """One live need: its problem, status history, matched help and the enquiry form.

    The enquiry has the county forms' defences: per-address rate limit
    (scope ``enquiry``), honeypot, a one-time token bound to the need; an
    identical replay is stored once. Refusals show the input back.
    """
    need: Need = get_object_or_404(
        Need.objects.public().select_related("county", "category"), pk=need_id
    )
    posted = request.POST if request.method == "POST" else None
    form = EnquiryForm(posted, need_id=need.pk)
    status, error = 200, ""
    if request.method == "POST":
        refusal = form_refusal(request, form, scope="enquiry")
        if refusal:
            status, error = refusal.status, refusal.message
        elif form.is_valid():
            data = form.submitted_data()
            submit_once(
                scope=f"enquiry:{need.pk}",
                token=form.cleaned_data[TOKEN_FIELD],
                digest=body_digest(data),
                store=lambda: str(enquiry_create(need=need, **data).pk),
            )
            return HttpResponseRedirect(
                page.need_url(need, request) + "?sent=1#enquiry"
            )
        else:
            status = 400
            form.refresh_token()
    experts, achievements = need_public_matches(need=need)
    context = page.get_context(request)
    context.update(
        {
            "need": need,
            "history": need.status_changes.all(),
            "matched_experts": experts,
            "matched_achievements": achievements,
            "form": form,
            "form_error": error,
            "sent": request.GET.get("sent") == "1",
            "library_url": page.get_url(request),
        }
    )
    response = TemplateResponse(
        request, "kexie_pages/need_detail.html", context, status=status
    )
    if not context["sent"]:  # the form carries a one-time token
        add_never_cache_headers(response)
    return response


def needs_download(
    request: HttpRequest, page: NeedsLibraryPage, file_format: str
) -> HttpResponse:
    """The filtered library as XLSX or CSV, public fields only."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    filters = NeedFilters.from_params(request.GET)
    content = needs_export(
        needs=needs_public_list(filters=filters),
        file_format=file_format,
        library=page,
        request=request,
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition(
        f"科技需求库-{stamp}.{file_format}", fallback=f"needs-{stamp}.{file_format}"
    )
    return response
