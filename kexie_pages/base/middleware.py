"""Refuse query strings no view can use, in the site's language, before any
database sees them.

A NUL character anywhere in a path or a query string made PostgreSQL raise
"A string literal cannot contain NUL (0x00) characters" in whichever filter
took it (a 500); ``offset``/``limit`` beyond a 64-bit integer did the same on
every API list, Wagtail's own included. Add after Django's
``CommonMiddleware``::

    MIDDLEWARE = [..., "kexie_pages.base.middleware.InputGuardMiddleware", ...]
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .api import pagination_problem
from .views import BadInput, bad_request, is_api_request

NUL = "\x00"


def input_problem(request: HttpRequest) -> str | None:
    """Why the path or query string of ``request`` is unusable; None if fine."""
    if NUL in request.path:
        return _("The address contains a character that is not allowed.")
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return _("The search or filter contains a character that is not allowed.")
    if is_api_request(request):
        return pagination_problem(request.GET)
    return None


class InputGuardMiddleware:
    """Answer 400 (a Chinese page, or problem+json for the API) to a request
    whose path or query string holds a NUL or out-of-range pagination."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        problem = input_problem(request)
        if problem is None:
            return None
        return bad_request(request, BadInput(problem))
