"""What every endpoint of the plugin shares: bounded ids and pagination, and
Chinese errors for bad input.

The database holds ids and offsets as 64-bit integers; a larger number in a
path or a query string made SQLite raise ``OverflowError`` and PostgreSQL
"bigint out of range" (a 500). So every id the API takes in a path is
:data:`ApiId` (in a Django URL, ``<kexie_id:…>``: :class:`IdConverter`),
every list is paginated by :class:`KexieLimitOffsetPagination`,
and :func:`pagination_problem` is the one check of ``limit``/``offset``
(also run on Wagtail's own list endpoints by
:class:`kexie_pages.base.middleware.InputGuardMiddleware`).

:func:`install_error_handlers` makes the plugin's endpoints answer bad input
with ``400`` and an ``application/problem+json`` body (the format of
Wagtail's v3 API) whose ``detail`` and each ``errors[].msg`` are in the
site's language, instead of pydantic's English ``422``.
"""

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from wagtail.api.v3.errors import problem_response
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination, _get_max_limit

#: The largest id a database column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1
#: The largest ``offset`` a list accepts; the largest list (a directory of
#: 100,000 imported rows) is far below, and ``offset + limit`` stays a 64-bit
#: integer.
MAX_OFFSET = 10_000_000

#: A database id in an API path: a positive 64-bit integer (else 400, never 500).
ApiId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


class IdConverter:
    """``<kexie_id:name>`` in a Django URL: a database id, else no match (404).

    Django's ``<int:…>`` matches any run of digits, and an id past 2**63 - 1
    raised ``OverflowError`` on SQLite (a 500) where it should be "not found".
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # Django treats it as no match: a 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def max_limit() -> int:
    """The largest ``limit`` a list accepts (Wagtail's ``WAGTAILAPI_LIMIT_MAX``)."""
    return int(getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 20)


def pagination_problem(params: Mapping[str, str]) -> str | None:
    """Why ``limit``/``offset`` in ``params`` are unusable, in the site's
    language; None when they are absent or fine."""
    bounds = {"offset": (0, MAX_OFFSET), "limit": (1, max_limit())}
    for name, (low, high) in bounds.items():
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        text = raw.strip()
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 20:
            return _("“%(name)s” must be a whole number.") % {"name": name}
        if not low <= int(text) <= high:
            return _("“%(name)s” must be between %(low)s and %(high)s.") % {
                "name": name,
                "low": low,
                "high": high,
            }
    return None


class KexieLimitOffsetPagination(WagtailLimitOffsetPagination):
    """Wagtail's limit/offset pagination with an upper bound on ``offset``
    and the limit's error in the site's language."""

    class Input(WagtailLimitOffsetPagination.Input):
        limit: int = Field(
            default=20,
            ge=1,
            # Declared for generated clients; a larger limit is Wagtail's 400.
            json_schema_extra=(
                {"maximum": int(_get_max_limit())}
                if _get_max_limit() != float("inf")
                else {}
            ),
        )
        offset: int = Field(default=0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(
        self,
        queryset: QuerySet,
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        problem = pagination_problem(
            {"limit": str(pagination.limit), "offset": str(pagination.offset)}
        )
        if problem:
            raise HttpError(400, problem)
        return super().paginate_queryset(queryset, pagination, request, **params)


def _error_message(error: Mapping[str, Any]) -> str:
    """One pydantic/ninja error as a sentence in the site's language."""
    loc = [str(part) for part in error.get("loc", ())]
    name = loc[-1] if loc else ""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("“%(name)s” is required.") % {"name": name}
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("“%(name)s” must be a whole number.") % {"name": name}
    if kind in ("less_than_equal", "less_than"):
        return _("“%(name)s” must be at most %(limit)s.") % {
            "name": name,
            "limit": ctx.get("le", ctx.get("lt", "")),
        }
    if kind in ("greater_than_equal", "greater_than"):
        return _("“%(name)s” must be at least %(limit)s.") % {
            "name": name,
            "limit": ctx.get("ge", ctx.get("gt", "")),
        }
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("“%(name)s” must be a date such as 2026-03-01.") % {"name": name}
    if kind in ("string_too_long",):
        return _("“%(name)s” is too long (at most %(limit)s characters).") % {
            "name": name,
            "limit": ctx.get("max_length", ""),
        }
    if kind in ("bool_parsing", "bool_type"):
        return _("“%(name)s” must be true or false.") % {"name": name}
    if kind in ("literal_error", "enum"):
        return _("“%(name)s” is not one of the allowed values.") % {"name": name}
    return _("“%(name)s” has a value that cannot be used.") % {"name": name}


def bad_input_response(detail: str, errors: list[dict] | None = None) -> HttpResponse:
    """A ``400`` problem+json answer (Wagtail's v3 error format) in the site's language."""
    return problem_response(
        status=400, title=_("Bad request"), detail=detail, errors=errors
    )


def not_found_response() -> HttpResponse:
    """A ``404`` problem+json answer in the site's language."""
    return problem_response(
        status=404,
        title=_("Not found"),
        detail=_("Nothing with this address exists, or it is not public."),
    )


def _api_prefix(api: NinjaAPI) -> str:
    try:
        return reverse(f"{api.urls_namespace}:api-root") + "kexie/"
    except NoReverseMatch:  # the site did not mount the API
        return "/kexie/"


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer bad input to the plugin's endpoints (``…/kexie/…``) in the
    site's language: 400 for invalid parameters and bodies, 404 for unknown
    ids. Wagtail's own endpoints keep Wagtail's handlers."""
    originals: dict[type[Exception], Callable] = {
        exc: api._exception_handlers[exc]
        for exc in (NinjaValidationError, Http404, HttpError)
        if exc in api._exception_handlers
    }

    def ours(request: HttpRequest) -> bool:
        return request.path_info.startswith(_api_prefix(api))

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if not ours(request):
            return originals[NinjaValidationError](request, exc)
        if exc.errors and all(e.get("loc", ("",))[0] == "path" for e in exc.errors):
            # An id no row can have (0, or past 64 bits): simply not found.
            return not_found_response()
        errors = [
            {
                "loc": list(error.get("loc", ())),
                "type": error.get("type", ""),
                "msg": _error_message(error),
            }
            for error in exc.errors
        ]
        detail = " ".join(dict.fromkeys(e["msg"] for e in errors)) or _(
            "The request has invalid parameters."
        )
        return bad_input_response(detail, errors)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        if not ours(request):
            return originals[Http404](request, exc)
        return not_found_response()

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if not ours(request):
            return originals[HttpError](request, exc)
        if exc.status_code == 404:
            return not_found_response()
        if exc.status_code == 400:
            return bad_input_response(str(exc))
        return originals[HttpError](request, exc)

    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(Http404, on_not_found)
    if HttpError in originals:
        api.add_exception_handler(HttpError, on_http_error)
