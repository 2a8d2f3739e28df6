"""The site's answer to a bad request: a Chinese page (or, for the API, a
problem+json body), never Django's bare English "Bad Request (400)".

Set ``handler400 = "kexie_pages.base.views.bad_request"`` in the site's
``urls.py`` (``kexie_forms.errors.bad_request`` first re-renders a form page
whose POST was too large, then falls back to this one).
"""

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.models import Site

from ..exceptions import KexiePagesError
from .api import bad_input_response
from .models import OrganisationSettings
from .sharing import card_bytes


def is_api_request(request: HttpRequest) -> bool:
    """Whether ``request`` went to a django-ninja API (Wagtail's v3 and ours)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "ninja" in match.app_names


def too_large_message() -> str:
    """Why a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` was refused, and what to do."""
    limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2621440
    return _(
        "What you sent is larger than this site accepts (at most %(limit)s of "
        "text in one form). Nothing was stored. Go back, shorten the longest "
        "answers and send the form again."
    ) % {"limit": filesizeformat(limit)}


def bad_request_message(exception: Exception | None) -> str:
    """The sentence a visitor sees for ``exception`` (a 400 of any cause)."""
    if isinstance(exception, RequestDataTooBig):
        return too_large_message()
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return _(
            "What you sent has too many fields or files. Nothing was stored. "
            "Go back and send the form again."
        )
    if isinstance(exception, BadInput):
        return exception.message
    return _(
        "The address or the form you sent could not be understood. "
        "Check it and try again."
    )


class BadInput(KexiePagesError):
    """Input refused before any view saw it; ``message`` is for the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    """``handler400``: say in the site's language what was wrong, with a way back.

    A body over the size cap (``RequestDataTooBig``) answers 413. Django
    refused it before parsing, so nothing of it reaches a view; a form page
    re-renders its form with what it can keep in ``kexie_forms.errors``.
    """
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    message = bad_request_message(exception)
    if is_api_request(request):
        response = bad_input_response(message)
        response.status_code = status
        return response
    return render(
        request,
        "400.html",
        {
            "message": message,
            "back_url": "" if "\x00" in request.path else request.path,
        },
        status=status,
    )


def share_card(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """``/og/<kind>/<id>.png``: the share card of a public page or need (see
    ``base.sharing``); 404 for anything the public may not see."""
    site = Site.find_for_request(request)
    organisation = (
        OrganisationSettings.for_site(site).organisation if site is not None else ""
    )
    png = card_bytes(kind=kind, pk=pk, organisation=organisation)
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    # The address carries the revision (?v=): a long cache is safe.
    response["Cache-Control"] = "public, max-age=604800"
    return response
