"""Public views of the results section, routed by :class:`.models.ResultsPage`:
the figures (成效展示) and the farmers' check-in."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers, patch_cache_control

from ..base.guards import TOKEN_FIELD, body_digest, form_refusal, submit_once
from .charts import figure_panels
from .figures import programme_figures
from .forms import CheckInForm, PeriodForm
from .models import ResultsPage
from .services import CheckInRefused, checkin_by_code


def results_page(request: HttpRequest, page: ResultsPage) -> HttpResponse:
    """The programme's figures for a period, city-wide: counts only, no personal data."""
    form = PeriodForm(request.GET or None)
    period = form.chosen_period()
    figures = programme_figures(period=period, public=True)
    response = page.render(
        request,
        context_overrides={
            "period_form": form,
            "period": period,
            "figures": figures,
            "panels": figure_panels(figures),
        },
    )
    patch_cache_control(response, public=True, max_age=300)
    return response


def checkin_view(request: HttpRequest, page: ResultsPage) -> HttpResponse:
    """A farmer checks in with their mobile number and the session's code.

    GET shows the form (``?code=`` fills in the code, for a QR code at the
    course). POST: the public forms' defences (rate limit ``checkin``,
    honeypot, one-time token); a second check-in of the same farmer says so
    and records nothing new. The redirect carries only the outcome, never
    the number.
    """
    outcome = request.GET.get("done", "")
    status = 200
    error = ""
    if request.method == "POST":
        form = CheckInForm(request.POST)
        refusal = form_refusal(request, form, scope="checkin")
        status = 400
        if refusal:
            status, error = refusal.status, refusal.message
        elif form.is_valid():
            data = form.submitted_data()
            try:
                result, _new = submit_once(
                    scope="checkin",
                    token=form.cleaned_data[TOKEN_FIELD],
                    digest=body_digest(data),
                    store=lambda: _checkin(data),
                )
            except CheckInRefused as refused:
                form.add_error(None, str(refused))
            else:
                return HttpResponseRedirect(
                    page.url + page.reverse_subpage("checkin") + f"?done={result}"
                )
        form.refresh_token()
    else:
        initial = {"code": request.GET.get("code", "")[:12]}
        form = CheckInForm(initial=initial)
    response = page.render(
        request,
        template="kexie_pages/results_checkin.html",
        context_overrides={
            "form": form,
            "form_error": error,
            "outcome": outcome if outcome in ("new", "again") else "",
        },
    )
    response.status_code = status
    add_never_cache_headers(response)
    return response


def _checkin(data: dict) -> str:
    _attendance, new = checkin_by_code(code=data["code"], phone=data["phone"])
    return "new" if new else "again"
