"""gunicorn settings of the reference site (``make serve``; README, "Serving").

Environment: ``KEXIE_BIND`` (``127.0.0.1:8000``), ``WEB_CONCURRENCY`` (2 sync
workers, one a core), ``GUNICORN_TIMEOUT`` (30 s). Long work never runs in a
request: production settings send imports to the django-tasks worker.
"""

import os
from pathlib import Path

pythonpath = str(Path(__file__).resolve().parent)
wsgi_app = "kexie_site.wsgi:application"
bind = os.environ.get("KEXIE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A burst of visitors queues in the kernel instead of being refused.
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# gunicorn 23+ opens a control socket at one fixed path in $HOME: two servers on
# one machine (the scale-out setup) would fight over it, and nothing here uses it.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """Load the segmenters' dictionaries before the worker takes its first request."""
    if os.environ.get("KEXIE_WARM_UP", "1") == "0":
        return
    from kexie_pages.warmup import warm_requests, warm_up

    seconds = warm_up()
    # One search through the whole stack: templates, URLs, the database connection.
    seconds += warm_requests(["/search/?q=%E5%B0%8F%E9%BA%A6"])
    worker.log.info("kexie: worker %s warm in %.2f s", worker.pid, seconds)
