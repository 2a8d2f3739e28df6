"""The programme's public views: the agreements list and page (routed by
``AgreementIndexPage``) and the responsible expert's progress-report form (a
secret link, no login, see ``kexie_pages.urls``)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext

from ..base.guards import (
    TOKEN_FIELD,
    body_digest,
    form_refusal,
    rate_limit_exceeded,
    submit_once,
)
from .forms import ProgressReportForm
from .models import AgreementIndexPage, ReportSource
from .selectors import (
    AgreementFilters,
    agreement_filter_choices,
    agreement_for_report_token,
    agreement_public_detail,
    agreement_public_parties,
    agreements_public_list,
)
from .services import agreement_report_create


def agreements_list(request: HttpRequest, page: AgreementIndexPage) -> HttpResponse:
    """The public agreements, filtered by county, kind and status, paginated."""
    filters = AgreementFilters.from_params(request.GET)
    paginator = Paginator(agreements_public_list(filters=filters), page.per_page or 20)
    page_obj = paginator.get_page(request.GET.get("page"))
    rows = [(a, agreement_public_parties(a)) for a in page_obj]
    context = page.get_context(request)
    context.update(
        {
            "filters": filters,
            "choices": agreement_filter_choices(),
            "agreements": page_obj,
            "rows": rows,
            "index_url": page.get_url(request),
            "filter_query": urlencode(
                {k: v for k, v in filters.as_dict().items() if v}
            ),
        }
    )
    return TemplateResponse(request, "kexie_pages/agreement_index_page.html", context)


def agreement_detail(
    request: HttpRequest, page: AgreementIndexPage, agreement_id: int
) -> HttpResponse:
    """One public agreement: its parties, place, deliverables, progress and history."""
    agreement = agreement_public_detail(agreement_id=agreement_id)
    if agreement is None:
        raise Http404
    context = page.get_context(request)
    context.update(
        {
            "agreement": agreement,
            "parties": agreement_public_parties(agreement),
            "index_url": page.get_url(request),
            "needs": [need for need in agreement.needs.all() if need.live],
            "today": timezone.localdate(),
        }
    )
    return TemplateResponse(request, "kexie_pages/agreement_detail.html", context)


def agreement_report(request: HttpRequest, token: str) -> HttpResponse:
    """The responsible expert's progress-report form, behind the agreement's secret link.

    No login: the link is the key. Every request counts against a per-address
    rate limit (scope ``agreement_report``), so links cannot be guessed by
    trying; an unknown link is a 404, an expired one a 410, both in Chinese.
    A report goes through the public forms' defences (one-time token bound to
    the agreement, honeypot) and an identical replay is stored once.
    """
    if rate_limit_exceeded(request, scope="agreement_report_link"):
        return _report_refused(
            request,
            429,
            gettext("Too many attempts from your network. Please wait a minute."),
        )
    agreement, why = agreement_for_report_token(token=token)
    if agreement is None:
        if why == "expired":
            return _report_refused(
                request,
                410,
                gettext(
                    "This report link no longer works. Please ask the programme "
                    "staff for a new one."
                ),
            )
        return _report_refused(request, 404, gettext("This report link is not valid."))
    posted = request.POST if request.method == "POST" else None
    form = ProgressReportForm(posted, agreement_id=agreement.pk)
    status, error = 200, ""
    if request.method == "POST":
        refusal = form_refusal(request, form, scope="agreement_report")
        if refusal:
            status, error = refusal.status, refusal.message
        elif form.is_valid():
            data = form.submitted_data()
            submit_once(
                scope=f"agreement_report:{agreement.pk}",
                token=form.cleaned_data[TOKEN_FIELD],
                digest=body_digest(data),
                store=lambda: str(
                    agreement_report_create(
                        agreement=agreement,
                        text=data["text"],
                        reported_on=data["reported_on"],
                        source=ReportSource.EXPERT,
                    ).pk
                ),
            )
            return HttpResponseRedirect(request.path + "?sent=1")
        else:
            status = 400
            form.refresh_token()
    response = TemplateResponse(
        request,
        "kexie_pages/agreement_report.html",
        {
            "agreement": agreement,
            "form": form,
            "form_error": error,
            "sent": request.GET.get("sent") == "1",
            "reports": agreement.progress_reports.all()[:5],
        },
        status=status,
    )
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"  # the URL is the key
    return response


def _report_refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    response = TemplateResponse(
        request,
        "kexie_pages/agreement_report.html",
        {"refused": message},
        status=status,
    )
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response
