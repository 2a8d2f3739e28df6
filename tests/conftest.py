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
    """``axe_serious(page, exclude=(selector, …))``: axe-core's serious and
    critical findings on the page a Playwright tab shows, one line each (empty:
    none), leaving out what ``exclude`` selects."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, *, exclude: tuple[str, ...] = ()) -> list[str]:
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        violations = axe.run(page, context=context).response["violations"]
        return [
            f"{page.url}: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    return check


@pytest.fixture
def public_site(home, news_index, news_corpus, add_news, make_pdf) -> dict:
    """One page of every public type, with what each lists: a news article, a
    booklet (a real PDF), a course, a published need, a public expert, a form
    page with one submission. Returns them by name, with their addresses."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.documents import get_document_model

    from kexie_forms.models import FormField, FormPage, FormSubmission
    from kexie_pages.base.spreadsheets import csv_bytes
    from kexie_pages.demo.directories import generate_rows
    from kexie_pages.directories.resources import RESOURCES
    from kexie_pages.directories.services import directory_import
    from kexie_pages.models import (
        BookletIndexPage,
        BookletPage,
        County,
        CoursePage,
        Expert,
        IndustryCategory,
        LectureHallPage,
        Need,
        NeedsLibraryPage,
        ThinkTankPage,
    )
    from kexie_pages.needs.services import needs_bulk_create

    fugou = County.objects.get(code="411621")
    plant = IndustryCategory.objects.get(slug="zhongzhi")
    article = add_news(news_index, 1, news_corpus[0])
    booklets = home.add_child(
        instance=BookletIndexPage(title="科普图书资料", slug="booklets")
    )
    document = get_document_model()(title="booklet.pdf")
    document.file.save("booklet.pdf", ContentFile(make_pdf(2)), save=False)
    document.save()
    booklet = booklets.add_child(
        instance=BookletPage(
            title="小麦赤霉病防治",
            slug="wheat",
            document=document,
            category=plant,
            summary="赤霉病是小麦的头号病害。",
        )
    )
    hall = home.add_child(
        instance=LectureHallPage(title="农村科普大讲堂", slug="lecture-hall")
    )
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    course = hall.add_child(
        instance=CoursePage(
            title="小麦赤霉病防控培训",
            slug="wheat-course",
            county=fugou,
            category=plant,
            venue="城郊乡王庄村党群服务中心",
            start=start,
            end=start + datetime.timedelta(hours=2),
            registration_required=True,
            capacity=30,
        )
    )
    library = home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs", per_page=20)
    )
    need = needs_bulk_create(
        needs=[
            Need(
                title="小麦赤霉病连年发生",
                county=fugou,
                township="练寺镇",
                village="前王庄村",
                category=plant,
                description="小麦扬花期遇雨，赤霉病发病率超过三成。",
                households=12,
                contact_name="保密支书甲",
                contact_phone="13912345678",
            )
        ],
        publish=True,
    )[0]
    rows = generate_rows("experts", 1, seed=7)
    rows[0].update(
        {"姓名": "张伟", "服务区县": "扶沟县", "产业类别": "种植", "是否公开": "是"}
    )
    headers = RESOURCES["experts"].headers()
    result = directory_import(
        directory="experts",
        content=csv_bytes(headers, [[rows[0][h] for h in headers]]),
        dry_run=False,
    )
    assert result.applied, result.error_lines()
    expert = Expert.objects.get(name="张伟")
    think_tank = home.add_child(
        instance=ThinkTankPage(title="专家库", slug="experts", directory="experts")
    )
    form_page = FormPage(
        title="需求征集", slug="needs-survey", receipt_prefix="XQ", thank_you_text=""
    )
    form_page.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(
            label="village", field_type="singleline", max_length=20, sort_order=1
        ),
        FormField(label="need", field_type="multiline", max_length=500, sort_order=2),
        FormField(label="mobile", field_type="mobile", sort_order=3),
    ]
    home.add_child(instance=form_page)
    submission = FormSubmission.objects.create(
        page=form_page,
        form_data={"village": "前进村", "need": "小麦赤霉病防治"},
        receipt_number="XQ-2019-000007",
    )
    return {
        "home": home,
        "news_index": news_index,
        "article": article,
        "booklets": booklets,
        "booklet": booklet,
        "hall": hall,
        "course": course,
        "library": library,
        "need": need,
        "think_tank": think_tank,
        "expert": expert,
        "form_page": form_page,
        "submission": submission,
    }


@pytest.fixture
def page_cache(settings) -> None:
    """The anonymous page cache switched on (the test settings keep it off),
    starting empty."""
    from django.core.cache import caches

    settings.KEXIE_PAGE_CACHE = True
    caches[settings.KEXIE_PAGE_CACHE_ALIAS].clear()


@pytest.fixture
def site_settings(home):
    """The site's settings row, which the first page view would otherwise create
    (a settings change purges the page cache)."""
    from kexie_pages.models import OrganisationSettings

    return OrganisationSettings.for_site(home.get_site())


@pytest.fixture(autouse=True)
def _content_types_as_stored(request) -> None:
    """In a transactional test, map content types from the database just restored.

    A test that restores a backup (``kexie_restore`` flushes and re-creates the
    content types under new ids) leaves the process's id → model cache naming
    those ids; the serialized rollback brings back the original ids, so a later
    test would resolve a page's type to the wrong model.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    # Refilled whole: the next rollback's raw saves must find every type in it
    # (a miss there creates a row that clashes with the restored one).
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())
