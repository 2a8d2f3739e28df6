"""Settings for the test suite: SQLite by default, PostgreSQL with DATABASE_URL."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="kexie-test-media-")
WAGTAILADMIN_BASE_URL = "http://testserver"
# Booklet download counts: no background flushing; tests flush when they look.
KEXIE_DOWNLOAD_FLUSH_SECONDS = None
STORAGES = {
    **STORAGES,  # noqa: F405
    "kexie_private": {
        "BACKEND": "kexie_pages.base.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="kexie-test-private-")},
    },
    "kexie_forms_private": {
        "BACKEND": "kexie_forms.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="kexie-test-private-")},
    },
}
# The page cache is off for the suite (a test that edits rows with update()
# and reads the page again would see the cached one); tests/base/test_cache.py
# turns it on.
KEXIE_PAGE_CACHE = False
