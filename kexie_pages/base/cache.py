"""Whole-page cache for anonymous visitors, purged when what a page shows changes.

Why our own: wagtail-cache 3.0 (the latest) requires ``wagtail<8``. This is the
same idea on Django's cache API, so it works on the local-memory cache (one
process) and on Redis (``REDIS_URL``: shared by every worker and server).

**What is cached.** A ``GET`` from a visitor without a session (no session or
messages cookie, no ``Authorization`` header), answered ``200`` with a complete
body, no ``Set-Cookie``, no CSRF token used in the page (a form), no
``Cache-Control`` ``private`` / ``no-store`` / ``no-cache`` (form, thank-you,
receipt and sign-up pages send ``no-store``), and no CSP nonce in its
``Content-Security-Policy`` (a nonce must not be served twice). ``Vary: Cookie``
alone does not stop it: every page reads ``request.user``, which makes Django
add it, and the answer stored is the one for a visitor without a session, which
is all this cache ever serves. Logged-in staff always have a session cookie, so
they never read or fill the cache. Every
cached answer is kept at most ``KEXIE_PAGE_CACHE_SECONDS`` (300): that bounds what
no signal announces (a course turning from upcoming to past as time passes).

**The key** varies on what changes the bytes: scheme, host, path and query
string, the language, and the content encoding the visitor accepts (``br``,
``gzip`` or none, the order :mod:`.compression` chooses in), because
:class:`PageCacheMiddleware` sits outside the compression middleware and stores
the compressed bytes. It also holds two *generations*: the site's and that of
the URL's first path segment (``/needs/…`` → ``needs``; the home page is ``""``).

**Purging** replaces a generation with a new random token, so every key built
with the old one is never read again (and expires): one cache write, whatever
the number of pages. :func:`purge` with URL paths renews the generations of their
first segments and of the pages every change may show on (:data:`ALWAYS`: the
home page, the API, the site search, the sitemap); :func:`purge` with no paths
renews the site's. Purges run after the transaction commits, so a request
cannot cache the old content in between.

**Kept per process** (:func:`memo`): what every render reads and only a
whole-site purge changes: the request's ``Site`` and its home page (handed to
Wagtail by the middleware before a render, to route from: a query each; the
home page is read afresh when it is the page served), the view
restrictions behind ``selectors.public_pages`` and the type of each page
routed through (``routing``: a hint only, checked by the query that reads the
page). Keyed on the site's generation, so a purge drops them; at most
``MEMO_SECONDS`` old when another process purged a local-memory cache.

**Registration API** (call from ``AppConfig.ready()``, one line a model)::

    from kexie_pages.base import cache as page_cache

    # a change to a result shows on its programme page and listings:
    page_cache.purge_on_save(Result, paths=lambda result: [result.page.url])
    # no paths: any change purges the whole site (taxonomy, settings, awards…)
    page_cache.purge_on_save(Award)

Pages need no registration: publishing, unpublishing, moving, deleting and
saving a live page purges its section (and the whole site for the home page and the pages
directly under it, which are the menu). Code that changes what a page shows
with ``QuerySet.update()`` (no signal) calls :func:`purge` itself.

Settings: ``KEXIE_PAGE_CACHE`` (on by default; off in the test settings, where
the page-cache tests turn it on), ``KEXIE_PAGE_CACHE_SECONDS`` (300),
``KEXIE_PAGE_CACHE_ALIAS`` (``"default"``; the reference site gives the pages a
cache of their own, ``"pages"``, so a flood of made-up URLs evicts only pages).
"""

import contextvars
import copy
import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.http.response import HttpResponseBase
from django.utils import translation

from .compression import preferred_encoding

#: Path segments every change may show on: the home page (latest news, section
#: cards), the API, the site search and the sitemap.
ALWAYS = ("", "api", "search", "sitemap.xml")
SITE = "*"
GENERATION_KEY = "kexie:pc:gen:{segment}"
PAGE_KEY = "kexie:pc:page:{digest}"
#: Larger answers are not kept (a calendar of thousands of courses, compressed).
MAX_BYTES = 2 * 1024 * 1024
#: Response header telling tests, benchmarks and operators what happened.
STATUS_HEADER = "X-Kexie-Cache"

PathsFunc = Callable[[Any], Iterable[str] | None]


def _cache() -> BaseCache:
    """The cache holding the pages (the default one unless configured)."""
    return caches[getattr(settings, "KEXIE_PAGE_CACHE_ALIAS", "default")]


def enabled() -> bool:
    """Whether the page cache is switched on (``KEXIE_PAGE_CACHE``)."""
    return bool(getattr(settings, "KEXIE_PAGE_CACHE", True))


def _seconds() -> int:
    return int(getattr(settings, "KEXIE_PAGE_CACHE_SECONDS", 300))


def segment_of(path: str) -> str:
    """The first segment of a URL path: ``/needs/12/`` → ``needs``, ``/`` → ``""``."""
    return path.lstrip("/").split("/", 1)[0]


def _generations(segment: str) -> tuple[str, str]:
    """The current (site, segment) generation tokens, created when missing.

    A token evicted from the cache is replaced by a new random one, never by a
    value used before, so an eviction cannot bring old pages back.
    """
    cache = _cache()
    keys = [GENERATION_KEY.format(segment=SITE), GENERATION_KEY.format(segment=segment)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), timeout=None)
    if len(found) < 2:
        found = cache.get_many(keys)
    return found.get(keys[0], ""), found.get(keys[1], "")


#: How long a process keeps a value of :func:`memo`: a purge in another
#: process reaches a local-memory cache's generations only then (Redis: at once).
MEMO_SECONDS = 60
#: The site's generation as the middleware read it for the request being
#: served: :func:`memo` is called several times a render, and each would read
#: the cache again (a round trip to Redis each).
_request_generation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kexie_site_generation", default=None
)
#: At most this many values (made-up ``Host`` headers must not grow it forever;
#: a value is small: a site, the restrictions, the type of one routed page).
MEMO_MAX = 5000
_memo: dict[Any, tuple[str, float, Any]] = {}


def memo(key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in this process until the whole site is purged.

    For what every render reads and only a site-wide purge changes (the
    ``Site``, the view restrictions); at most :data:`MEMO_SECONDS` old when
    another process purged. Computed every time when the page cache is off.
    """
    if not enabled():
        return compute()  # no generations to key on (the test settings)
    token = _request_generation.get() or _generations("")[0]
    now = time.monotonic()
    found = _memo.get(key)
    if found is not None and found[0] == token and found[1] > now:
        return found[2]
    value = compute()
    if len(_memo) >= MEMO_MAX:
        _memo.clear()
    _memo[key] = (token, now + MEMO_SECONDS, value)
    return value


def forget(key: Any) -> None:
    """Drop the value :func:`memo` keeps under ``key`` (if any)."""
    _memo.pop(key, None)


def _find_site(request: HttpRequest) -> Any:
    """The request's ``Site``; its root page as its specific type when that
    type reads itself afresh to be served (``kept_per_process``, the home
    page): Wagtail's routing starts from the specific root, a query a request."""
    from wagtail.models import Site

    site = Site._find_for_request(request)
    if site is not None:
        root = site.root_page.specific
        if getattr(root, "kept_per_process", False):
            root._kept = True
            site.root_page = root
    return site


def remember_site(request: HttpRequest) -> None:
    """Hand Wagtail the request's ``Site`` from :func:`memo`, not a query.

    Each request gets its own copies of the site and of its root page, so
    nothing a request sets on them (``specific``) reaches another.
    """
    # The same host and port Wagtail's own lookup keys on.
    raw_host = request._get_raw_host()  # type: ignore[attr-defined]
    key = ("site", split_domain_port(raw_host)[0], request.get_port())
    site = memo(key, lambda: _find_site(request))
    if site is not None:
        site = copy.copy(site)
        site.root_page = copy.copy(site.root_page)
    request._wagtail_site = site  # type: ignore[attr-defined]


def _language(request: HttpRequest) -> str:
    if "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE:
        return translation.get_language_from_request(request)
    return translation.get_language() or settings.LANGUAGE_CODE


def page_key(request: HttpRequest, site_gen: str, segment_gen: str) -> str:
    """The cache key of ``request``'s answer under these generation tokens."""
    parts = [
        site_gen,
        segment_gen,
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        _language(request),
        preferred_encoding(request),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return PAGE_KEY.format(digest=digest)


def request_cacheable(request: HttpRequest) -> bool:
    """A GET from a visitor with no session, messages or credentials."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    bypass = getattr(
        settings,
        "KEXIE_PAGE_CACHE_BYPASS_COOKIES",
        (settings.SESSION_COOKIE_NAME, "messages"),
    )
    return not any(name in request.COOKIES for name in bypass)


def response_cacheable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """An answer that is the same for every anonymous visitor (see the module doc)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not isinstance(response, HttpResponse):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get(
        "CSRF_COOKIE_USED"
    ):
        return False  # the page holds a CSRF token (a form)
    # ``Vary: Cookie`` alone is fine: every page reads request.user, which marks
    # the session as read, and this visitor had no session (request_cacheable).
    if response.get("Vary", "").strip() == "*":
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
        if "'nonce-" in response.get(header, ""):
            return False
    return True


class PageCacheMiddleware:
    """Serve anonymous visitors' pages from the cache; fill it on a miss.

    Place it right after ``SecurityMiddleware`` (and WhiteNoise), before the
    compression, session, CSRF and CSP middleware, so what it stores is the
    finished, compressed answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not enabled():
            return self.get_response(request)
        # The site's generation is read once a request, for memo() too.
        reset = _request_generation.set(None)
        try:
            return self._serve(request)
        finally:
            _request_generation.reset(reset)

    def _serve(self, request: HttpRequest) -> HttpResponseBase:
        if not request_cacheable(request):
            _request_generation.set(_generations("")[0])
            remember_site(request)
            return self.get_response(request)
        cache = _cache()
        site_gen, segment_gen = _generations(segment_of(request.path))
        _request_generation.set(site_gen)
        key = page_key(request, site_gen, segment_gen)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            hit = HttpResponse(content, status=status)
            for name, value in headers:
                hit.headers[name] = value
            hit.headers[STATUS_HEADER] = "hit"
            return hit
        remember_site(request)
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponse)
            and response_cacheable(request, response)
            and len(response.content) <= MAX_BYTES
        ):
            headers = list(response.items())
            cache.set(
                key, (response.status_code, headers, response.content), _seconds()
            )
            response.headers[STATUS_HEADER] = "miss"
        return response


def _renew(segments: Iterable[str]) -> None:
    cache = _cache()
    cache.set_many(
        {GENERATION_KEY.format(segment=s): secrets.token_hex(8) for s in segments},
        timeout=None,
    )


def purge(paths: Iterable[str] | None = None) -> None:
    """Forget cached pages once the current transaction commits.

    With ``paths`` (URL paths such as ``/needs/12/``): the pages under their
    first segments and :data:`ALWAYS`. With ``None``: every page of the site.
    """
    if paths is None:
        segments: set[str] = {SITE}
    else:
        segments = {segment_of(p) for p in paths} | set(ALWAYS)
    transaction.on_commit(lambda: _renew(segments))


def purge_all() -> None:
    """Forget every cached page of the site (after the transaction commits)."""
    purge(None)


def page_paths(page: Any) -> list[str] | None:
    """What a page change purges: its section, or everything for the home page
    and the pages directly under it (they are the menu every page shows)."""
    if page.depth <= 3:
        return None
    parts = page.specific_deferred.get_url_parts() if page.pk else None
    if not parts:
        return None  # not routable: purge all rather than guess
    return [parts[2]]


def purge_on_save(
    model: type[models.Model],
    *,
    paths: PathsFunc | None = None,
    signals: Iterable[Any] = (post_save, post_delete),
) -> None:
    """Purge cached pages whenever an instance of ``model`` is saved or deleted.

    ``paths(instance)`` returns the URL paths the instance shows on (or ``None``
    for the whole site); without ``paths`` every change purges the whole site.
    """

    def receiver(sender: Any, instance: Any = None, **kwargs: Any) -> None:
        """Purge what ``instance`` shows on, once, when the transaction commits."""
        if kwargs.get("raw"):
            return  # loaddata: nothing was served yet from these rows
        _batch().add(model._meta.label, paths, instance)

    for signal in signals:
        signal.connect(
            receiver,
            sender=model,
            weak=False,
            dispatch_uid=f"kexie-page-cache-{model._meta.label}-{id(signal)}",
        )


#: More changed rows of one model than this in one transaction purge the whole site.
BATCH_ROWS = 50


class _Batch:
    """The rows saved in one transaction, purged together when it commits.

    An import that saves 10,000 rows one by one costs a dictionary insert a
    row, and one purge at the commit (computing paths for each row at save
    time cost two queries a row).
    """

    def __init__(self) -> None:
        self.rows: dict[str, tuple[PathsFunc | None, dict[Any, Any]]] = {}

    def add(self, label: str, paths: PathsFunc | None, instance: Any) -> None:
        """Remember ``instance`` of the model ``label``."""
        _paths, instances = self.rows.setdefault(label, (paths, {}))
        if len(instances) <= BATCH_ROWS:
            instances[getattr(instance, "pk", None) or id(instance)] = instance

    def flush(self) -> None:
        """Renew the generations of everything the rows show on."""
        segments: set[str] = set()
        for paths, instances in self.rows.values():
            if paths is None or len(instances) > BATCH_ROWS:
                segments.add(SITE)
                continue
            for instance in instances.values():
                try:
                    found = paths(instance)
                except models.ObjectDoesNotExist:
                    found = None  # a related row is gone: purge all
                if found is None:
                    segments.add(SITE)
                else:
                    segments.update(segment_of(p) for p in found)
                    segments.update(ALWAYS)
        self.rows = {}
        if segments:
            _renew(segments)


def _batch() -> _Batch:
    """The batch of the current transaction (a new one when none is pending).

    Kept on the connection; a batch whose commit callback a rollback discarded
    is replaced, so no later purge is lost.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return _ImmediateBatch()
    batch = getattr(connection, "_kexie_page_cache_batch", None)
    queued = batch is not None and any(
        getattr(entry[1], "__self__", None) is batch
        for entry in connection.run_on_commit
    )
    if not queued:
        batch = _Batch()
        connection._kexie_page_cache_batch = batch
        transaction.on_commit(batch.flush)
    assert batch is not None  # noqa: S101 - set above
    return batch


class _ImmediateBatch(_Batch):
    """Outside a transaction: purge as soon as a row is added."""

    def add(self, label: str, paths: PathsFunc | None, instance: Any) -> None:
        super().add(label, paths, instance)
        self.flush()


def _page_changed(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """A page was published, unpublished or deleted: purge its section."""
    if instance is None:
        purge(None)
        return
    purge(page_paths(instance))


def _page_moved(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """A page moved: its old and new URLs, and the menus, may change; purge all.

    Moves are rare, and a moved section takes its whole subtree with it.
    """
    purge(None)


def connect_pages() -> None:
    """Purge on every page publish, unpublish, move and delete (from ``ready()``)."""
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished):
        signal.connect(_page_changed, dispatch_uid=f"kexie-page-cache-{id(signal)}")
    post_delete.connect(_page_changed_if_page, dispatch_uid="kexie-page-cache-delete")
    # A live page saved outside the publish flow (add_child of a live page, a
    # loader, a script) changes what is shown too.
    post_save.connect(_live_page_saved, dispatch_uid="kexie-page-cache-save")
    post_page_move.connect(_page_moved, dispatch_uid="kexie-page-cache-move")
    # Privacy settings and sites change what anonymous visitors see anywhere.
    purge_on_save(PageViewRestriction)
    purge_on_save(Site)


def _page_changed_if_page(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        _page_changed(sender, instance=instance)


def page_urls(pages: Iterable[Any]) -> list[str]:
    """The site-relative URL paths of ``pages`` (those that have one)."""
    urls = []
    for page in pages:
        parts = page.get_url_parts()
        if parts:
            urls.append(parts[2])
    return urls


def _live_page_saved(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live and not kwargs.get("raw"):
        _page_changed(sender, instance=instance)
