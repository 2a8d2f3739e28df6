"""Fixtures more than one section uses (the home page, the news corpus, a real
PDF, the fixtures folder, the browser, a public form's one-time token, county-bound
staff), and the browser tests' skip-or-fail rule when Chromium is missing."""

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from fpdf import FPDF
from wagtail.models import Page, Site

from kexie_pages.models import HomePage, NewsIndexPage, NewsPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Skip browser tests where Chromium is missing, unless CI demands them."""
    if shutil.which(CHROMIUM):
        return
    e2e = [item for item in items if "e2e" in item.keywords]
    if not e2e:
        return
    if os.environ.get("KEXIE_REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"KEXIE_REQUIRE_BROWSER is set but {CHROMIUM} is missing"
        )
    config.pluginmanager.get_plugin("terminalreporter").write_line(
        f"NOTICE: {CHROMIUM} not found: skipping {len(e2e)} browser (e2e) tests."
    )
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not installed (apt-get install chromium)"
    )
    for item in e2e:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (menus, taxonomy, rate limits)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def form_token() -> Callable[..., str]:
    """``form_token(client, url)``: open a public form page as a visitor does and
    return the one-time token its form carries ("" when it shows no form)."""

    def fetch(client, url: str) -> str:
        """GET ``url`` with ``client`` and read the hidden ``form_token`` field."""
        html = client.get(url).content.decode()
        found = re.search(r'name="form_token" value="([^"]+)"', html)
        return found.group(1) if found else ""

    return fetch


@pytest.fixture
def home(db) -> HomePage:
    """A HomePage as the default site's root, as the demo loader sets it up."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="科技助力精准扶贫", slug="kexie-home")
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def news_index(home) -> NewsIndexPage:
    return home.add_child(
        instance=NewsIndexPage(title="工作动态", slug="news", show_in_menus=True)
    )


@pytest.fixture
def fixtures_dir() -> Path:
    """The repository's ``fixtures/`` folder: the demo's data and sample imports."""
    return FIXTURES


@pytest.fixture
def news_corpus(fixtures_dir) -> list[dict]:
    """Realistic news articles about the programme (the demo's own text)."""
    return json.loads((fixtures_dir / "news.json").read_text(encoding="utf-8"))


@pytest.fixture
def add_news() -> Callable[..., NewsPage]:
    """``add_news(parent, number, article, **extra)``: one article of the corpus."""

    def add(parent: NewsIndexPage, number: int, article: dict, **extra) -> NewsPage:
        """Add one news article under ``parent`` with plain-text fields only."""
        return parent.add_child(
            instance=NewsPage(
                title=article["title"],
                slug=f"article-{number}",
                date=article["date"],
                intro=article["intro"] + "".join(article["paragraphs"]),
                **extra,
            )
        )

    return add


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    """``make_pdf(pages=3)``: a real PDF (a core font: no CJK font needed)."""

    def make(pages: int = 3) -> bytes:
        pdf = FPDF()
        pdf.set_font("helvetica", size=12)
        for number in range(pages):
            pdf.add_page()
            pdf.multi_cell(0, 8, f"Page {number + 1}. " + "Wheat scab control. " * 40)
        return bytes(pdf.output())

    return make


@pytest.fixture
def county_staff(db) -> Callable[..., Client]:
    """``county_staff(county_code, *permissions)``: a logged-in client of staff
    holding the admin and ``permissions`` (``"app_label.codename"``), bound to
    the county with that code (设置 → 县区工作人员绑定), or city staff for None."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from kexie_forms.models import UserCounty
    from kexie_pages.models import County

    def log_in(county_code: str | None, *permissions: str) -> Client:
        user = get_user_model().objects.create_user(
            f"staff-{county_code or 'city'}-{get_user_model().objects.count()}"
        )
        user.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            *[
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, _dot, codename in (p.partition(".") for p in permissions)
            ],
        )
        if county_code:
            UserCounty.objects.create(
                user=user, county=County.objects.get(code=county_code)
            )
        client = Client()
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (its own browser download fails here)."""
    # Playwright's sync API runs an event loop in this thread; the tests' own
    # ORM calls happen around, not inside, its calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def axe_serious() -> Callable:
    """``axe_serious(page)``: axe-core's serious and critical findings on the
    page a Playwright tab shows, one line each (empty: none)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> list[str]:
        violations = axe.run(page).response["violations"]
        return [
            f"{page.url}: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    return check
