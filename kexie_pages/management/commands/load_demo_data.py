"""Load the demo content: re-runnable, it updates what it loaded before."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from kexie_pages.models import (
    County,
    HomePage,
    IndustryCategory,
    NewsIndexPage,
    NewsPage,
    OrganisationSettings,
)


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """Create or update the child page of ``parent`` with ``slug`` and publish it."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    return page


def load_home() -> HomePage:
    """Make a HomePage the default site's root, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="科技助力精准扶贫",
            slug="kexie-home",
            intro="动员全市科技工作者，把技术送到贫困村：科技需求库、农村科普大讲堂、免费科普图书资料和智库专家，都在这里。",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, is_default_site=True, root_page=home
        )
    if site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "周口市科协"
        site.save()
        if type(old_root.specific) is Page and old_root.depth == 2:
            old_root.delete()
    org = OrganisationSettings.for_site(site)
    org.organisation = "周口市科学技术协会"
    org.address = "河南省周口市川汇区七一路"
    org.hotline = "0394-8123456"
    org.save()
    return home


def load_news(home: HomePage, fixtures: Path) -> int:
    """Load the news section from ``fixtures/news.json``; return the article count."""
    index = _child(
        home,
        NewsIndexPage,
        "news",
        title="工作动态",
        intro="各县市区科技助力精准扶贫工作的最新进展。",
        show_in_menus=True,
        search_description="各县市区科技扶贫的最新进展",
    )
    counties = {c.code: c for c in County.objects.all()}
    categories = {c.slug: c for c in IndustryCategory.objects.all()}
    articles = json.loads((fixtures / "news.json").read_text(encoding="utf-8"))
    for number, article in enumerate(articles, start=1):
        _child(
            index,
            NewsPage,
            f"{article['date']}-{number}",
            title=article["title"],
            date=article["date"],
            intro=article["intro"],
            county=counties.get(article["county"]),
            category=categories.get(article["category"]),
            body=[("paragraph", f"<p>{p}</p>") for p in article["paragraphs"]],
        )
    return len(articles)


class Command(BaseCommand):
    help = "Load (or refresh) the demo content for every section, then rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=Path(getattr(settings, "KEXIE_FIXTURES_DIR", "fixtures")),
            help="Folder holding the demo fixtures (default: the repository's fixtures/).",
        )

    def handle(self, *args, fixtures: Path, **options):
        if not fixtures.is_dir():
            raise CommandError(f"Fixtures folder not found: {fixtures}")
        with transaction.atomic():
            home = load_home()
            news = load_news(home, fixtures)
        self.stdout.write(f"Home page and {news} news articles loaded.")
        call_command("update_index", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS("Demo content loaded and search index rebuilt.")
        )
