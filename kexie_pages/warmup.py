"""Load the Chinese segmenter's dictionaries when a server process starts.

jieba reads its 5 MB dictionary (and ``jieba.analyse`` its IDF table) on first
use, which made the first search after a worker started wait 1.8–3.1 s. The
reference site's gunicorn configuration (``site/gunicorn.conf.py``) calls
:func:`warm_up` in ``post_worker_init``, after the application is loaded and
before the worker accepts its first request; any other server can call it from
its own start hook.
"""

import logging
import time

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Load the segmenter's dictionaries and cut one query; return the seconds taken."""
    started = time.perf_counter()
    import jieba
    import jieba.analyse  # loads the IDF table the needs matching uses

    jieba.initialize()
    # The same call a search makes, so nothing is left to load lazily.
    list(jieba.cut_for_search("小麦赤霉病防治技术"))
    seconds = time.perf_counter() - started
    logger.info("Chinese segmenter loaded in %.2f s", seconds)
    return seconds
