"""Production settings: every secret and host comes from the environment."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]


def _flag(name: str, default: bool) -> bool:
    """An on/off environment variable: 1/true/yes/on or 0/false/no/off."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


# HTTPS only, on by default so that `manage.py check --deploy` is clean; each
# can be turned off from the environment (see README, "Configuration for
# production"). The proxy in front terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _flag("KEXIE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("KEXIE_HSTS_SECONDS") or 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("KEXIE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("KEXIE_HSTS_PRELOAD", True)
# Off only for `make serve` on plain http://127.0.0.1 (a browser or the load
# client would not send a Secure cookie back over http).
SESSION_COOKIE_SECURE = _flag("KEXIE_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = _flag("KEXIE_SECURE_COOKIES", True)
# Static files straight from gunicorn, right without a proxy: WhiteNoise serves
# what `collectstatic` wrote, hashed names with a year's `immutable`
# Cache-Control, and the gzip and brotli copies it made beside them.
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

# Each worker keeps its database connection between requests (opening SQLite
# and reading its schema again cost more than a small page's queries).
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)  # noqa: F405

# Wagtail looks image renditions up in the cache called "renditions" when there
# is one: without it every {% image %} on a rendered page is a query.
CACHES["renditions"] = {  # noqa: F405
    **CACHES["default"],  # noqa: F405
    "KEY_PREFIX": "kexie-renditions",
    "TIMEOUT": 24 * 3600,
}

# Long work (directory imports, search indexing) runs on a django-tasks worker:
# `python site/manage.py db_worker` (`make serve` starts it; README has a
# systemd unit). KEXIE_TASKS_BACKEND=immediate keeps the embedded default (a
# process of its own per big import) for a site that runs no worker.
if os.environ.get("KEXIE_TASKS_BACKEND", "database") != "immediate":
    INSTALLED_APPS += ["django_tasks_db"]  # noqa: F405
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
