"""Settings shared by every environment of the reference site.

Configuration that differs between machines comes from the environment:
``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (cache), ``SECRET_KEY``,
``ALLOWED_HOSTS``. With none of them set the site runs on the embedded
defaults: SQLite, local files, local-memory cache.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import pgettext_lazy

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent  # site/
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("KEXIE_VAR_DIR", REPO_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "kexie_pages",
    "kexie_forms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v3",
    "wagtail",
    "wagtail_modeladmin",
    "import_export",
    "ninja",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous visitors' pages from the cache (shared through Redis with
    # REDIS_URL); outside the compression so it keeps the compressed bytes, and
    # outside sessions, CSRF and CSP so it sees the finished answer and never
    # keeps one that set a cookie, used the session or a CSP nonce
    # (kexie_pages/base/cache.py).
    "kexie_pages.base.cache.PageCacheMiddleware",
    # Brotli (if installed) or gzip for HTML, CSS, JSON, XML and .ics. BREACH:
    # the tokens in our pages differ in every answer (Django masks the CSRF
    # token, form tokens hold a fresh uuid4) and answers carrying them get gzip
    # with Django's random padding, never brotli (kexie_pages/base/compression.py).
    "kexie_pages.base.compression.CompressionMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL in a path or query string, or an API offset past 64 bits: a
    # Chinese 400 before any database sees it (kexie_pages/base/middleware.py).
    "kexie_pages.base.middleware.InputGuardMiddleware",
    # Wagtail's inline widget scripts get the CSP nonce; nothing else inline does.
    "kexie_pages.base.middleware.AdminScriptNonceMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "kexie_site.urls"

# Content-Security-Policy (django-csp), enforced in every environment so that
# dev and the browser tests see what production sends. The public pages need
# no JavaScript; an inline <script> or <style> of our own carries
# nonce="{{ request.csp_nonce }}" (the header names the nonce only on pages
# that use it). Wagtail's admin loads its scripts and styles from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOCALE_PATHS = [PROJECT_DIR / "locale"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "kexie_site.wsgi.application"

# SQLite needs more than WAL to survive concurrent read-then-write requests:
# IMMEDIATE transactions take the write lock up front (no deadlock on upgrade),
# and the busy timeout makes writers queue instead of failing with
# "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env(
    default_sqlite_path: Path,
) -> dj_database_url.DBConfig | dict[str, Any]:
    """Return the ``default`` database: ``DATABASE_URL`` if set, else SQLite."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite_path,
        "OPTIONS": SQLITE_OPTIONS,
    }


DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")

REDIS_URL = os.environ.get("REDIS_URL")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kexie",
        }
    }
else:
    # Rate limits, form replays and download counting keep one small key per
    # client: Django's default of 300 entries would let a flood of clients
    # evict them (and the menus) within seconds.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# The anonymous page cache in a cache of its own: a flood of made-up query
# strings can then evict only pages, never the rate-limit, replay and download
# keys above. Pages are 1–20 KB compressed; each process keeps up to 1,000
# without Redis.
CACHES["pages"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "kexie-pages",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kexie-pages",
        "OPTIONS": {"MAX_ENTRIES": 1_000},
    }
)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", pgettext_lazy("language", "Simplified Chinese")),
    ("en", pgettext_lazy("language", "English")),
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT: Path | str = VAR_DIR / "media"  # test.py: a temporary folder
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploads waiting for a decision: private, never below MEDIA_URL.
    "kexie_private": {
        "BACKEND": "kexie_pages.base.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private"},
    },
    # Form attachments: private, never below MEDIA_URL (see kexie_forms/storage.py).
    "kexie_forms_private": {
        "BACKEND": "kexie_forms.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private"},
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# No calls from the admin to hosts abroad (blocked in China, and outside the
# Content-Security-Policy): no Gravatar avatars, no Wagtail release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_SITE_NAME = "周口市科协 · 科技助力精准扶贫"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The public address: every migrate points the default Site at it, so the sitemap,
# feeds, exports and API links name the real host (kexie_pages.base.services).
KEXIE_SITE_URL = os.environ.get("KEXIE_SITE_URL", "")
# iCalendar UIDs: a fixed domain, so moving the site to a new host never makes
# subscribed calendars show every course twice.
KEXIE_CALENDAR_UID_DOMAIN = os.environ.get("KEXIE_CALENDAR_UID_DOMAIN", "kexie")

# Chinese search: the database backend, with jieba segmentation on both the
# indexed text and the query (see kexie_pages/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "kexie_pages.search_backend"}}

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Check uploaded documents by their bytes (a .pdf must be a PDF) and stop
# receiving a file once it passes the size limit (kexie_pages/documents.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "kexie_pages.documents.SafeDocumentForm"
FILE_UPLOAD_HANDLERS = [
    "kexie_pages.documents.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Booklet downloads are counted in memory and written in batches this often.
KEXIE_DOWNLOAD_FLUSH_SECONDS: int | None = 5  # None: flush only when asked
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]

WAGTAILAPI_DOCS_ENABLED = True
KEXIE_FIXTURES_DIR = REPO_DIR / "fixtures"

# Whole-page cache for anonymous visitors (kexie_pages/base/cache.py): answers
# are kept at most this long, and purged at once when what they show changes.
KEXIE_PAGE_CACHE = True
KEXIE_PAGE_CACHE_ALIAS = "pages"
KEXIE_PAGE_CACHE_SECONDS = int(os.environ.get("KEXIE_PAGE_CACHE_SECONDS") or 300)

# County submission forms (kexie_forms): a stale CSRF token on a form page shows
# the visitor's input back instead of Django's bare 403; per-address rate limit
# as "<submissions>/<seconds>" (shared between workers when REDIS_URL is set).
CSRF_FAILURE_VIEW = "kexie_forms.views.csrf_failure"
# Behind a proxy you run (nginx: `proxy_set_header X-Real-IP $remote_addr;`),
# the header holding the client's address: HTTP_X_REAL_IP. Unset: REMOTE_ADDR.
KEXIE_CLIENT_IP_HEADER = os.environ.get("KEXIE_CLIENT_IP_HEADER") or None
_rate = os.environ.get("KEXIE_FORMS_RATE_LIMIT", "10/60").split("/")
KEXIE_FORMS_RATE_LIMIT = (int(_rate[0]), int(_rate[1]))
