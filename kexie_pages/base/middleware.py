"""Two middlewares for hostile input: refuse query strings no view can use,
in the site's language, before any database sees them (``InputGuardMiddleware``);
and let Wagtail's own inline admin scripts run under a Content-Security-Policy
without ``'unsafe-inline'`` (``AdminScriptNonceMiddleware``).

A NUL character anywhere in a path or a query string made PostgreSQL raise
"A string literal cannot contain NUL (0x00) characters" in whichever filter
took it (a 500); ``offset``/``limit`` beyond a 64-bit integer did the same on
every API list, Wagtail's own included. Add after Django's
``CommonMiddleware``::

    MIDDLEWARE = [..., "kexie_pages.base.middleware.InputGuardMiddleware", ...]
"""

import json
import re
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


#: The inline scripts Wagtail's admin widgets and panels print (date and
#: chooser widgets, inline panels): a call of one of these with JSON arguments.
WAGTAIL_INIT_CALLS = re.compile(
    r"(?:initDateChooser|initDateTimeChooser|initTimeChooser"
    r"|new [A-Z][A-Za-z]*Chooser)\("
)
WAGTAIL_PANEL = re.compile(
    r"\(function\(\) \{\s*var panel = new (?:InlinePanel|MultipleChooserPanel)"
    r"\(JSON\.parse\("
)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_JSON = json.JSONDecoder()


def _json_args(text: str, start: int, count: int) -> int | None:
    """Where ``count`` comma-separated JSON values starting at ``start`` end."""
    position = start
    for number in range(count):
        if number:
            if not text.startswith(", ", position):
                return None
            position += 2
        try:
            _value, position = _JSON.raw_decode(text, position)
        except ValueError:
            return None
    return position


def is_wagtail_init_script(body: str) -> bool:
    """Whether ``body`` is exactly one of Wagtail's widget/panel init scripts:
    a known call whose arguments are JSON literals, nothing else."""
    text = body.strip()
    call = WAGTAIL_INIT_CALLS.match(text)
    if call:
        end = _json_args(text, call.end(), 2)
        return end is not None and text[end:] == ");"
    panel = WAGTAIL_PANEL.match(text)
    if panel:
        end = _json_args(text, panel.end(), 1)
        return (
            end is not None
            and re.fullmatch(r"\)\);\s*\}\)\(\);", text[end:]) is not None
        )
    return False


class AdminScriptNonceMiddleware:
    """Give Wagtail's own inline widget scripts the page's CSP nonce.

    Wagtail 8's admin still prints ``<script>initDateChooser("id_date", {…});
    </script>`` after date, chooser and inline-panel widgets (from Python, in
    ``wagtail.admin.widgets``, where no template can add a nonce). Rather than
    allow every inline script (``'unsafe-inline'``), this gives the nonce to
    exactly those: a script whose whole text is one of the known init calls
    with JSON-literal arguments (checked by parsing them). Anything else
    inline, an injected ``<script>`` included, stays blocked; so do event
    handler attributes and ``javascript:`` URLs. Add after django-csp's
    ``CSPMiddleware`` and Django's ``CommonMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        nonce = getattr(request, "csp_nonce", None)
        if (
            nonce is None
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or b"<script>" not in response.content
        ):
            return response
        html = response.content.decode(response.charset or "utf-8")

        def with_nonce(match: re.Match) -> str:
            if not is_wagtail_init_script(match.group(1)):
                return match.group(0)
            return f'<script nonce="{nonce}">{match.group(1)}</script>'

        response.content = _SCRIPT.sub(with_nonce, html).encode(
            response.charset or "utf-8"
        )
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
