"""Defences shared by the HTML form pages and the headless endpoint."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .models import FormPage


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or a trusted proxy's header.

    Set ``KEXIE_FORMS_CLIENT_IP_HEADER`` (e.g. ``HTTP_X_REAL_IP``) only when a
    proxy you run sets that header; otherwise clients could forge it.
    """
    header = getattr(settings, "KEXIE_FORMS_CLIENT_IP_HEADER", None)
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limit() -> tuple[int, int]:
    """``(submissions, seconds)`` allowed per client address, from settings."""
    return tuple(getattr(settings, "KEXIE_FORMS_RATE_LIMIT", (10, 60)))


def rate_limit_exceeded(request: HttpRequest, *, scope: str = "submit") -> bool:
    """Count one attempt from this client; say whether it is over the limit.

    A fixed window in Django's cache: with Redis as the cache the count is
    shared by every worker process; local memory only suits one process.
    """
    limit, window = rate_limit()
    key = f"kexie_forms:rl:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def body_too_large(request: HttpRequest, page: FormPage) -> bool:
    """Whether the declared body is larger than this form can ever accept."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > page.max_body_bytes()
