"""Serving booklet files (with HTTP ranges) and counting downloads without locks.

Serving follows ``wagtail.documents.views.serve``: the ``before_serve_document``
hooks run (collection privacy), ``document_served`` is sent, the file is read
through its storage (never a direct media URL unless the site chose
``WAGTAILDOCS_SERVE_METHOD = "redirect"``), embedded content is blocked and
sniffing is off. On top of that it answers ``Range`` requests so a download cut
off on a weak network resumes where it stopped, and names the file after the
booklet's Chinese title.

Counting: a download adds one to an in-process buffer under a thread lock
(microseconds, no I/O); a background thread adds the buffered numbers to
``BookletDownloadCount`` every ``KEXIE_DOWNLOAD_FLUSH_SECONDS`` (default 5) in
one short transaction, and at interpreter exit. No download waits on the
database's write lock, and since each process adds exactly what it counted,
the totals are exact across threads and worker processes. The cost: counts
reach the database up to a few seconds late, and a worker killed with SIGKILL
loses its last few seconds of counts. ``bench/bench_booklets.py`` compares
this with an UPDATE per download and an INSERT per download.

What counts: a whole file, or the first part of a resumed one (``bytes=0-``),
and one client (address + user agent, hashed) once per booklet per hour
(``KEXIE_DOWNLOAD_REPEAT_SECONDS``, 3600), remembered in Django's cache, so
reloading, a download manager's probe and a resumed transfer add nothing; and
at most 30 clients an hour per address and booklet.
The ``?src=`` tag is kept when it is one of ``KEXIE_DOWNLOAD_SOURCES`` or one
of the first ``KEXIE_DOWNLOAD_MAX_EXTRA_SOURCES`` other tags a booklet has
seen; any further tag is counted as ``other``, so a flood of made-up tags
adds at most that many rows per booklet and month.
"""

import atexit
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction
from django.db.models import F, Sum
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served

from ..base import cache as page_cache
from ..base.guards import client_fingerprint, rate_limit_exceeded
from ..base.spreadsheets import content_disposition
from ..exceptions import KexiePagesError
from .models import (
    OTHER_SOURCE,
    BookletDownloadCount,
    BookletPage,
    clean_source,
    extra_sources_allowed,
    known_sources,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


# --- ranges ---------------------------------------------------------------------


class Unsatisfiable(KexiePagesError):
    """The Range header is well formed but asks for bytes the file does not have."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Return the inclusive byte range asked for, or None to send the whole file.

    One range only: a malformed header or several ranges are ignored (RFC 9110
    §14.2 lets a server answer those with the whole file). A well-formed range
    wholly past the end raises ``Unsatisfiable`` (416).
    """
    if not header:
        return None
    match = _RANGE_RE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        raise Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    return start, end


def _read_range(fileobj, start: int, length: int) -> Iterator[bytes]:
    try:
        fileobj.seek(start)
        while length > 0:
            chunk = fileobj.read(min(CHUNK_SIZE, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        fileobj.close()


def serve_document(
    request: HttpRequest, document, *, filename: str, fallback: str
) -> HttpResponseBase:
    """Serve a Wagtail document as an attachment, answering Range and conditional requests."""
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    document_served.send(
        sender=get_document_model(), instance=document, request=request
    )

    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) in ("redirect", "direct"):
        try:
            return redirect(document.file.url)
        except NotImplementedError:
            pass

    etag = quote_etag(document.get_file_hash() or str(document.pk))
    if etag in _etags(request.headers.get("If-None-Match")):
        return HttpResponseNotModified(headers={"ETag": etag})
    size = document.get_file_size()
    if size is None:
        raise Http404("The document's file is missing.")

    try:
        wanted = parse_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        unsatisfiable = HttpResponse(status=416)
        unsatisfiable["Content-Range"] = f"bytes */{size}"
        return _secure(unsatisfiable, etag)
    if_range = request.headers.get("If-Range")
    if wanted and if_range and if_range.strip() != etag:
        wanted = None  # the file changed since the first part: start again

    try:
        fileobj = document.file.storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The document's file is missing.") from error
    response: HttpResponseBase
    if wanted is None:
        response = FileResponse(fileobj, content_type="application/pdf")
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        length = end - start + 1
        response = StreamingHttpResponse(
            _read_range(fileobj, start, length),
            status=206,
            content_type="application/pdf",
        )
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Type"] = document.content_type
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Last-Modified"] = http_date(document.created_at.timestamp())
    return _secure(response, etag)


def _etags(header: str | None) -> list[str]:
    if not header:
        return []
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


def _secure(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if getattr(settings, "WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT", True):
        response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def is_new_download(request: HttpRequest, response: HttpResponseBase) -> bool:
    """A download is counted once: the whole file, or the first part of a resumed one."""
    if request.method != "GET" or response.status_code not in (200, 206):
        return False
    content_range = response.get("Content-Range", "")
    return response.status_code == 200 or content_range.startswith("bytes 0-")


def first_download_this_hour(request: HttpRequest, booklet_id: int) -> bool:
    """Whether this download counts: the client's first of this booklet this hour.

    A client is its address and user agent (one ``cache.add``, atomic: the
    first request in the window wins). So that changing the user agent at
    will cannot inflate a count either, one address counts at most
    ``KEXIE_RATE_LIMITS["booklet_download"]`` (30 an hour) clients per
    booklet: enough for a school or a village behind one NAT address.
    """
    window = int(getattr(settings, "KEXIE_DOWNLOAD_REPEAT_SECONDS", 3600))
    if window <= 0:
        return True
    key = f"kexie:dl:{booklet_id}:{client_fingerprint(request)}"
    if not cache.add(key, 1, timeout=window):
        return False
    return not rate_limit_exceeded(
        request, scope="booklet_download", subject=booklet_id
    )


def serve_booklet_file(
    request: HttpRequest, booklet, *, lite: bool = False
) -> HttpResponseBase:
    """The booklet's ``download/`` route: serve the PDF and count it.

    ``lite``: its lite edition (``download/lite/``), counted as a download of
    the booklet like the original.
    """
    if booklet.document is None:
        raise Http404("This booklet has no file.")
    document, filename = booklet.document, booklet.download_filename()
    fallback = f"booklet-{booklet.pk}.{document.file_extension or 'pdf'}"
    if lite:
        edition = booklet.lite_edition()
        if edition is None or edition.lite is None:
            raise Http404("This booklet has no lite edition.")
        document = edition.lite
        stem, _dot, extension = filename.rpartition(".")
        filename = gettext("%(title)s (lite).%(extension)s") % {
            "title": stem,
            "extension": extension,
        }
        fallback = f"booklet-{booklet.pk}-lite.pdf"
    response = serve_document(request, document, filename=filename, fallback=fallback)
    if is_new_download(request, response) and first_download_this_hour(
        request, booklet.pk
    ):
        download_counter.add(booklet.pk, clean_source(request.GET.get("src", "")))
    return response


# --- counting ---------------------------------------------------------------------


def current_month() -> date:
    return timezone.localdate().replace(day=1)


class DownloadCounter:
    """Buffers download counts in memory and adds them to the database in batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._pending: Counter[tuple[int, date, str]] = Counter()
        self._thread: threading.Thread | None = None

    @property
    def interval(self) -> float | None:
        """Seconds between background flushes; None or 0 turns the thread off (tests)."""
        return getattr(settings, "KEXIE_DOWNLOAD_FLUSH_SECONDS", 5)

    def add(self, booklet_id: int, source: str = "", month: date | None = None) -> None:
        """Count one download. Never touches the database."""
        key = (booklet_id, month or current_month(), source)
        with self._lock:
            self._pending[key] += 1
            if self._thread is None and self.interval:
                self._start_thread()

    def pending(self) -> int:
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> int:
        """Add the buffered counts to the database; return how many downloads were written."""

        with self._flush_lock:
            with self._lock:
                batch, self._pending = self._pending, Counter()
            if not batch:
                return 0
            try:
                existing = set(
                    BookletPage.objects.filter(
                        pk__in={key[0] for key in batch}
                    ).values_list("pk", flat=True)
                )
                with transaction.atomic():
                    capped = _cap_sources(batch, existing)
                    for (booklet_id, month, source), count in sorted(capped.items()):
                        row, created = BookletDownloadCount.objects.get_or_create(
                            booklet_id=booklet_id,
                            month=month,
                            source=source,
                            defaults={"count": count},
                        )
                        if not created:
                            BookletDownloadCount.objects.filter(pk=row.pk).update(
                                count=F("count") + count
                            )
                    # The counts show on the booklets' pages and listings.
                    page_cache.purge(
                        page_cache.page_urls(
                            BookletPage.objects.filter(pk__in=existing)
                        )
                    )
            except Exception:
                with self._lock:
                    self._pending.update(batch)  # try again next time
                raise
            return sum(batch.values())

    def _start_thread(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="kexie-download-counter", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.interval or 5)
            try:
                close_old_connections()
                self.flush()
            except Exception:
                logger.exception("Could not write booklet download counts; will retry.")


def _cap_sources(
    batch: Counter[tuple[int, date, str]], booklet_ids: set[int]
) -> Counter[tuple[int, date, str]]:
    """``batch`` for live booklets, with tags past each booklet's allowance as ``other``."""
    always = known_sources() | {"", OTHER_SOURCE}
    seen: defaultdict[int, set[str]] = defaultdict(set)
    rows = (
        BookletDownloadCount.objects.filter(booklet_id__in=booklet_ids)
        .exclude(source__in=always)
        .values_list("booklet_id", "source")
        .distinct()
    )
    for booklet_id, source in rows:
        seen[booklet_id].add(source)
    allowance = extra_sources_allowed()
    capped: Counter[tuple[int, date, str]] = Counter()
    for (booklet_id, month, source), count in sorted(batch.items()):
        if booklet_id not in booklet_ids:
            continue  # deleted since: nothing to count against
        if source not in always and source not in seen[booklet_id]:
            if len(seen[booklet_id]) < allowance:
                seen[booklet_id].add(source)
            else:
                source = OTHER_SOURCE
        capped[(booklet_id, month, source)] += count
    return capped


download_counter = DownloadCounter()


@atexit.register
def _flush_at_exit() -> None:
    try:
        download_counter.flush()
    except Exception:
        logger.exception("Booklet download counts lost at exit.")


# --- reading the counts (staff reports, API) ----------------------------------------


class MonthDownloads(TypedDict):
    month: date
    count: int


class SourceDownloads(TypedDict):
    source: str
    count: int


def booklet_downloads_by_month(*, booklet_id: int) -> list[MonthDownloads]:
    """``[{"month": date, "count": n}, ...]`` newest month first."""
    return list(
        BookletDownloadCount.objects.filter(booklet_id=booklet_id)
        .values("month")
        .annotate(count=Sum("count"))
        .order_by("-month")
    )


def booklet_downloads_by_source(*, booklet_id: int) -> list[SourceDownloads]:
    """``[{"source": str, "count": n}, ...]`` biggest first; ``""`` is a direct visit."""
    return list(
        BookletDownloadCount.objects.filter(booklet_id=booklet_id)
        .values("source")
        .annotate(count=Sum("count"))
        .order_by("-count", "source")
    )
