"""What our endpoints declare in ``/api/v3/openapi.json`` beyond their models.

* :func:`anonymous` is the auth of our public routers: it drops a session
  user (so a logged-in cookie cannot widen what is served) and, being a plain
  function, adds no security scheme to the document.
* :data:`ERROR_RESPONSES` documents the problem+json answers Wagtail's
  exception handlers give for every operation (400 from ``HttpError``, 404
  from ``Http404``, 422 from validation), with their schema.
* Ids in paths and ``limit``/``offset`` are bounded and declared by
  :mod:`kexie_pages.base.api` (``ApiId``, ``KexieLimitOffsetPagination``).
* :func:`openapi_document_fix` works around one upstream defect: Wagtail 8's
  ``AllowAnonymous`` is an ``http`` security scheme with no ``scheme``, which
  fails OpenAPI validation. In the served document the scheme is dropped and
  each ``{"AllowAnonymous": []}`` requirement becomes ``{}`` (the OpenAPI way
  to say "no credentials needed"); nothing else of Wagtail's is changed.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from wagtail.api.v3.errors import PROBLEM_JSON, ProblemDetail

#: Wagtail's invalid security scheme, replaced by an empty requirement.
UPSTREAM_SCHEME = "AllowAnonymous"


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Serve the request as anonymous, whatever session it carries."""
    request.user = AnonymousUser()
    return request.user


def problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": ProblemDetail.model_json_schema()}},
    }


#: The error answers every operation of ours can give, for ``openapi_extra``.
ERROR_RESPONSES: dict[str, Any] = {
    "responses": {
        400: problem_response("Bad request (e.g. a limit above the maximum)"),
        404: problem_response("Not found"),
        422: problem_response("A parameter or the body failed validation"),
    }
}


def openapi_document_fix(document: dict) -> dict:
    """Replace Wagtail's scheme-less ``AllowAnonymous`` by ``{}`` requirements."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    if schemes.pop(UPSTREAM_SCHEME, None) is None:
        return document
    if not schemes:
        document["components"].pop("securitySchemes")
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "security" not in operation:
                continue
            operation["security"] = [
                {} if UPSTREAM_SCHEME in requirement else requirement
                for requirement in operation["security"]
            ]
    return document


def openapi_document_fix_install(api) -> None:
    """Have ``api`` serve its OpenAPI document through :func:`openapi_document_fix`."""
    if getattr(api, "_kexie_openapi_fixed", False):
        return
    upstream = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        return openapi_document_fix(upstream(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema
    api._kexie_openapi_fixed = True
