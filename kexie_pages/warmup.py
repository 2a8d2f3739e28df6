"""Load the Chinese segmenters' dictionaries when a server process starts.

rjieba (which cuts the search's words, ``kexie_pages.search``) builds its
dictionary on first use, and jieba (the needs matching's TF-IDF keywords
and page slugs) reads its 5 MB dictionary and ``jieba.analyse`` its IDF table;
loading jieba on first use made the first search after a worker started wait
1.8–3.1 s. The reference site's gunicorn configuration (``site/gunicorn.conf.py``)
calls :func:`warm_up` and then :func:`warm_requests` (one search) in
``post_worker_init``, after the application is loaded and before the worker
accepts its first request; any other server can call them from its own start
hook.
"""

import logging
import time
from collections.abc import Iterable

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Load the segmenters' dictionaries and cut one text; return the seconds taken."""
    started = time.perf_counter()
    import jieba
    import jieba.analyse  # loads the IDF table the needs matching uses

    from .search import cut_for_search

    jieba.initialize()
    # The same call indexing makes, so nothing is left to load lazily.
    cut_for_search("小麦赤霉病防治技术")
    seconds = time.perf_counter() - started
    logger.info("Chinese segmenter loaded in %.2f s", seconds)
    return seconds


def warm_requests(paths: Iterable[str]) -> float:
    """Answer ``paths`` inside this process once, before any visitor does.

    The first request a worker answers also loads templates, URL patterns and a
    database connection (0.3 s more than a warm search under load); doing it here
    keeps that off the first visitor. Errors are logged, never raised: a worker
    that cannot warm up still serves. Returns the seconds taken.
    """
    from django.conf import settings
    from django.test import Client

    started = time.perf_counter()
    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and h != "."]
    client = Client(HTTP_HOST=(hosts[0] if hosts else "localhost").lstrip("."))
    for path in paths:
        try:
            client.get(path, secure=True)
        except Exception:  # warming up must never stop a worker
            logger.exception("Warm-up request %s failed", path)
    return time.perf_counter() - started
