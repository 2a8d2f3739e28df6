"""Fixtures of the hostile-input tests: the public site's addresses and
query parameters, the API's GET operations, a client that survives a failed
database statement, and the generated corpus of bad files."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client


@pytest.fixture
def public_urls(public_site) -> dict[str, tuple[str, list[str]]]:
    """Every public page type: ``name -> (address, its query parameters)``."""
    s = public_site
    booklet, hall, library = s["booklet"], s["hall"], s["library"]
    return {
        "home": (s["home"].url, []),
        "search": ("/search/", ["q", "page"]),
        "news index": (s["news_index"].url, ["q", "page", "category", "county"]),
        "news article": (s["article"].url, []),
        "news feed": (s["news_index"].url + "feed/rss/", []),
        "news category feed": (
            s["news_index"].url + "feed/atom/category/gongzuo-dongtai/",
            [],
        ),
        "news qr": (s["article"].url + "qr-png/", []),
        "news short link": (f"/n/{s['article'].pk}/", []),
        "share card": (f"/og/p/{s['article'].pk}.png", ["v"]),
        "booklets": (s["booklets"].url, ["q", "category", "sort", "page"]),
        "booklet": (booklet.url, ["src"]),
        "booklet qr": (booklet.url + "qr-svg/", ["src"]),
        "booklet poster": (booklet.url + "poster/", ["src"]),
        "booklet download": (f"/b/{booklet.pk}/download/", ["src"]),
        "booklet short link": (f"/b/{booklet.pk}/", ["src", "x"]),
        "lecture hall": (hall.url, ["county", "category", "month", "when", "page"]),
        "calendar": (hall.url + "calendar/", ["county", "category", "month"]),
        "courses feed": (hall.url + "ics/", ["county"]),
        "course": (s["course"].url, ["signup"]),
        "needs library": (library.url, ["county", "category", "status", "q", "page"]),
        "needs csv": (library.url + "export/csv/", ["county", "category", "q"]),
        "needs xlsx": (library.url + "export/xlsx/", ["status", "q"]),
        "need": (library.url + f"{s['need'].pk}/", ["sent"]),
        "think tank": (
            s["think_tank"].url,
            ["county", "category", "q", "sort", "page"],
        ),
        "form page": (s["form_page"].url, ["receipt"]),
        "receipt lookup": ("/forms/receipt/", ["receipt"]),
        "sitemap": ("/sitemap.xml", ["p"]),
    }


@pytest.fixture
def path_templates(public_site) -> list[str]:
    """Addresses with one ``{}`` a hostile path segment goes into."""
    s = public_site
    hall, library = s["hall"].url, s["library"].url
    return [
        "/b/{}/",
        "/b/{}/download/",
        library + "{}/",
        library + "export/{}/",
        hall + "calendar/{}/1/",
        hall + "calendar/2026/{}/",
        hall + "ics/{}/",
        s["booklets"].url + "{}/",
        "/{}/",
        "/documents/{}/booklet.pdf",
        "/forms/receipt/{}",
        "/n/{}/",
        "/og/p/{}.png",
        "/og/{}/1.png",
        s["news_index"].url + "feed/rss/category/{}/",
        s["news_index"].url + "feed/atom/county/{}/",
    ]


@pytest.fixture
def api_get_operations(db) -> list[tuple[str, list[str], list[str]]]:
    """Every GET operation of the v3 API's OpenAPI document:
    ``(path template, path parameters, query parameters)``."""
    from wagtail.api.v3.api import api

    operations = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        get = methods.get("get")
        if get is None:
            continue
        params = get.get("parameters", [])
        operations.append(
            (
                path,
                [p["name"] for p in params if p["in"] == "path"],
                [p["name"] for p in params if p["in"] == "query"],
            )
        )
    return operations


@pytest.fixture
def hostile_get(client) -> Callable[[str], object]:
    """``hostile_get(url)``: GET ``url`` (already quoted) inside a savepoint.

    On PostgreSQL a failed statement aborts the test's transaction; rolling
    back to the savepoint keeps one 500 from hiding behind a cascade of them.
    The response is returned whatever its status: the tests assert on it.
    """
    client.raise_request_exception = False

    def get(url: str):
        savepoint = transaction.savepoint()
        response = client.get(url)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        return response

    return get


@pytest.fixture
def anonymous() -> Client:
    """A client that raises nothing: a 500 is a response the test looks at."""
    client = Client()
    client.raise_request_exception = False
    return client


CHINESE = re.compile(r"[\u4e00-\u9fff]{2,}")


@pytest.fixture
def says_in_chinese() -> Callable[[object], bool]:
    """``says_in_chinese(response)``: the body explains itself in Chinese."""

    def check(response) -> bool:
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        return bool(CHINESE.search(body.decode("utf-8", "replace")))

    return check


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The hostile corpus, generated by ``make_corpus.py`` into a temporary folder."""
    from .make_corpus import make_corpus

    folder = tmp_path_factory.mktemp("hostile-corpus")
    make_corpus(folder)
    return folder


@pytest.fixture(autouse=True)
def chinese():
    """Services called outside a request speak the site's language too."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture
def row_counts(db) -> Callable[[], dict[str, int]]:
    """``row_counts()``: how many rows every table a hostile input could
    write to holds now (compare before and after: nothing written)."""
    from django.apps import apps

    names = [
        "kexie_pages.Expert",
        "kexie_pages.Achievement",
        "kexie_pages.Association",
        "kexie_pages.DemonstrationBase",
        "kexie_pages.TechLeader",
        "kexie_pages.Need",
        "kexie_pages.Enquiry",
        "kexie_pages.CourseRegistration",
        "kexie_forms.FormSubmission",
        "kexie_forms.SubmissionAttachment",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for name in names:
            try:
                model = apps.get_model(name)
            except LookupError:
                continue
            found[name] = model._default_manager.count()
        return found

    return counts


@pytest.fixture
def superuser_client(db) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("boss", "b@example.cn", "pw")
    client = Client()
    client.raise_request_exception = False
    client.force_login(user)
    return client


@pytest.fixture
def upload_form(public_site):
    """A form page with a county, a village and an optional PDF/PNG of 1 MB."""
    from kexie_forms.models import FormField, FormPage

    page = FormPage(
        title="附件征集", slug="attachments", receipt_prefix="FJ", thank_you_text=""
    )
    page.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(
            label="village", field_type="singleline", max_length=20, sort_order=1
        ),
        FormField(
            label="attachment",
            field_type="file",
            required=False,
            allowed_file_types="pdf,png",
            max_file_size_mb=1,
            sort_order=2,
        ),
    ]
    public_site["home"].add_child(instance=page)
    return page


@pytest.fixture
def answers() -> Callable[..., dict]:
    """``answers(page, **overrides)``: valid answers with a fresh one-time token
    (a value of None drops the field)."""
    from kexie_forms.forms import form_token_new

    def make(page, **overrides) -> dict:
        data = {
            "county": "411621",
            "village": "前进村",
            "need": "小麦赤霉病防治技术",
            "mobile": "13803940001",
            "form_token": form_token_new(page.pk),
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def child_database(tmp_path) -> str:
    """A ``DATABASE_URL`` a child process can open holding this test's
    tables and rows: a file copy of the in-memory SQLite database, or the
    PostgreSQL test database itself. The test must be transactional
    (``django_db(transaction=True, serialized_rollback=True)``): an open test
    transaction would lock SQLite's copy and hide the rows from PostgreSQL's
    other connections."""
    import sqlite3

    from django.db import connection

    if connection.vendor == "sqlite":
        path = tmp_path / "child.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    settings_dict = connection.settings_dict
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def import_in_child(child_database) -> Callable[..., dict]:
    """``import_in_child(path)``: ``kexie_import experts <path> --dry-run`` in a
    child process with 4 GB of address space and a time limit, as an upload a
    web worker must survive. Returns its exit code (None: killed for time),
    output and seconds."""
    import os
    import resource
    import subprocess
    import sys
    import time

    site = Path(__file__).resolve().parents[2] / "site"

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    def run(path: Path, *, timeout: float = 20) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kexie_site.settings.test",
            "DATABASE_URL": child_database,
        }
        started = time.monotonic()
        try:
            result = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "manage.py",
                    "kexie_import",
                    "experts",
                    str(path),
                    "--dry-run",
                ],
                cwd=site,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                preexec_fn=limit_memory,
            )
        except subprocess.TimeoutExpired as expired:
            return {
                "code": None,
                "output": str(expired.stderr or ""),
                "seconds": time.monotonic() - started,
            }
        return {
            "code": result.returncode,
            "output": result.stdout + result.stderr,
            "seconds": time.monotonic() - started,
        }

    return run
