"""What a bare gunicorn deployment gets from the production settings: WhiteNoise
with hashed, compressed static files, long work on the django-tasks worker, the
page cache and compression in the right order, jieba loaded at worker start."""

import json
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

SITE = Path(__file__).resolve().parents[2] / "site"
KEXIE_STATIC = SITE.parent / "kexie_pages" / "static"


def test_production_settings_serve_static_queue_work_and_cache_pages(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kexie_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "KEXIE_VAR_DIR": str(tmp_path),
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.MIDDLEWARE, s.STORAGES['staticfiles']['BACKEND'], "
        "s.TASKS['default']['BACKEND'], 'django_tasks_db' in s.INSTALLED_APPS]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    middleware, storage, tasks, installed = json.loads(result.stdout.splitlines()[-1])
    assert middleware[:4] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "kexie_pages.base.cache.PageCacheMiddleware",
        "kexie_pages.base.compression.CompressionMiddleware",
    ]
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") > 3
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert tasks == "django_tasks_db.DatabaseBackend" and installed


@pytest.fixture
def collected(settings, tmp_path) -> dict:
    """The plugin's static files collected as production does (hashed, gzip, br)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder"
    ]
    settings.STATICFILES_DIRS = [KEXIE_STATIC]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    return manifest["paths"]


def test_static_files_are_hashed_immutable_and_precompressed(collected):
    url = "/static/" + collected["kexie_pages/site.css"]
    plain = Client().get(url)
    body = b"".join(plain.streaming_content)
    assert plain.status_code == 200 and b"{" in body
    assert "immutable" in plain["Cache-Control"]
    assert "max-age=315360000" in plain["Cache-Control"]
    br = Client().get(url, headers={"accept-encoding": "gzip, br"})
    assert br["Content-Encoding"] == "br"
    assert len(b"".join(br.streaming_content)) < len(body) / 2


def test_gunicorn_workers_load_the_segmenter_before_their_first_request():
    import jieba

    from kexie_pages.search import _rjieba

    config = runpy.run_path(str(SITE / "gunicorn.conf.py"))
    assert (
        config["workers"] >= 1 and config["wsgi_app"] == "kexie_site.wsgi:application"
    )
    messages = []

    class Worker:
        pid = 1

        class log:
            @staticmethod
            def info(message, *args):
                messages.append(message % args)

    jieba.dt.initialized = False
    _rjieba.cache_clear()
    config["post_worker_init"](Worker())
    assert jieba.dt.initialized
    assert _rjieba.cache_info().currsize == 1
    assert messages and "warm in" in messages[0]
