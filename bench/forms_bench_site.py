"""Settings of the site as ``bench_forms`` runs it under gunicorn.

The reference site's dev settings with DEBUG off; ``forms_bench_urls`` adds a
bare Django view that inserts one row, the baseline submissions are compared with.
"""

from kexie_site.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "forms_bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False}

BENCH_TABLE_SQL = {
    "sqlite": "CREATE TABLE IF NOT EXISTS kexie_bench_row "
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL)",
    "postgresql": "CREATE TABLE IF NOT EXISTS kexie_bench_row "
    "(id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)",
}
