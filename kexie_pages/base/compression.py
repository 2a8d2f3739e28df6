"""Compress HTML, CSS, JSON, JavaScript, XML and iCalendar answers the client accepts.

Brotli when the optional ``brotli`` package is installed and the client sends
``br`` in ``Accept-Encoding``, else gzip, else nothing; :func:`preferred_encoding`
is the one place that decides, so the page cache can key on it.

**BREACH.** Compressing a page that reflects attacker-chosen input next to a
secret lets an attacker recover the secret from response sizes, one guessed
character at a time, over many requests. The secrets our pages carry are never
the same twice: Django masks the CSRF token with a fresh random salt in every
response, and a public form's one-time token (``base.guards``) holds a new
``uuid4`` and signature each time it is rendered. On top of that, answers that
carry such tokens (a CSRF token was used, a cookie is set, ``private`` or
``no-store``, or a logged-in user's page) are compressed with gzip only, with Django's
Heal-the-BREACH padding (``compress_string(max_random_bytes=100)``: 0–100 random
bytes in the gzip header, so sizes do not leak a guess), never with brotli.
Public pages that the page cache may keep carry no secret and get brotli.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_sequence, compress_string

try:
    import brotli
except ImportError:  # optional: gzip only
    brotli = None

#: Media types worth compressing (images, PDFs and fonts already are).
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/calendar",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)
MIN_BYTES = 200
#: Brotli quality for answers compressed per request: 5 is as fast as gzip's 6
#: and 10-20 % smaller on our HTML; cached pages are compressed once anyway.
BROTLI_QUALITY = 5

_accepts = _lazy_re_compile(r"\b(br|gzip)\b")


def preferred_encoding(request: HttpRequest) -> str:
    """``"br"``, ``"gzip"`` or ``""``: what this middleware would send ``request``."""
    offered = set(_accepts.findall(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    if brotli is not None and "br" in offered:
        return "br"
    if "gzip" in offered:
        return "gzip"
    return ""


def carries_secret(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the answer is personal or holds a per-visitor token (see module doc)."""
    control = response.get("Cache-Control", "").lower()
    return (
        "private" in control
        or "no-store" in control
        or bool(response.cookies)
        or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        or getattr(request, "user", None) is not None
        and request.user.is_authenticated
    )


class CompressionMiddleware:
    """Compress what the client accepts (brotli, then gzip), as the module doc says.

    Replaces ``django.middleware.gzip.GZipMiddleware``; place it where that one
    would go (early, after the page cache).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        return compress_response(request, response)


def compress_response(
    request: HttpRequest, response: HttpResponseBase
) -> HttpResponseBase:
    """Compress ``response`` for ``request`` if both allow it; return it."""
    if response.has_header("Content-Encoding") or request.method == "HEAD":
        return response
    media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if media_type not in COMPRESSIBLE:
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    encoding = preferred_encoding(request)
    if not encoding:
        return response
    if encoding == "br" and carries_secret(request, response):
        encoding = "gzip"
    if response.streaming:
        if encoding != "gzip":
            encoding = "gzip"  # streamed: gzip compresses as it goes
        response.streaming_content = compress_sequence(  # type: ignore[attr-defined]
            response.streaming_content,  # type: ignore[attr-defined]
            max_random_bytes=100,
        )
        del response.headers["Content-Length"]
    else:
        content = response.content  # type: ignore[attr-defined]
        if len(content) < MIN_BYTES:
            return response
        if encoding == "br":
            assert brotli is not None  # noqa: S101 - preferred_encoding checked it
            compressed = brotli.compress(content, quality=BROTLI_QUALITY)
        else:
            compressed = compress_string(content, max_random_bytes=100)
        if len(compressed) >= len(content):
            return response
        response.content = compressed  # type: ignore[attr-defined]
        response.headers["Content-Length"] = str(len(compressed))
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag  # the bytes differ from the strong tag's
    response.headers["Content-Encoding"] = encoding
    return response
