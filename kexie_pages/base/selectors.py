"""Reads that every public page makes, cached across requests.

The main menu, the counties and the industry categories change a few times a
year and are read on every page; caching them takes four queries off each
request. The receivers at the bottom clear the cache when pages, counties or
categories change (connected in ``KexiePagesConfig.ready``).
"""

from typing import NamedTuple

from django.core.cache import cache
from wagtail.models import Page, Site

from .models import County, IndustryCategory

CACHE_SECONDS = 3600
# v2: MenuItem moved to base.selectors in 0.2; pickles naming the old module must miss.
MENU_KEY = "kexie:menu:v2:{site_id}"
COUNTIES_KEY = "kexie:counties"
CATEGORIES_KEY = "kexie:categories"


class MenuItem(NamedTuple):
    title: str
    url: str
    path: str


def menu_items(*, site: Site) -> list[MenuItem]:
    """The live, public pages under the site's root that are shown in menus."""

    def load() -> list[MenuItem]:
        pages = site.root_page.get_children().live().public().in_menu()
        return [MenuItem(p.title, p.relative_url(site), p.path) for p in pages]

    items = cache.get_or_set(MENU_KEY.format(site_id=site.pk), load, CACHE_SECONDS)
    return items or []  # None only if a None was cached


def counties_all() -> list[County]:
    """Every county, in display order."""
    counties = cache.get_or_set(
        COUNTIES_KEY, lambda: list(County.objects.all()), CACHE_SECONDS
    )
    return counties or []


def categories_all() -> list[IndustryCategory]:
    """Every industry category, in display order."""
    categories = cache.get_or_set(
        CATEGORIES_KEY, lambda: list(IndustryCategory.objects.all()), CACHE_SECONDS
    )
    return categories or []


def menu_cache_clear(sender=None, instance=None, **kwargs) -> None:
    """Forget the menus when a page is saved, published, moved or deleted."""
    if instance is None or isinstance(instance, Page):
        cache.delete_many(
            [
                MENU_KEY.format(site_id=pk)
                for pk in Site.objects.values_list("pk", flat=True)
            ]
        )


def taxonomy_cache_clear(sender=None, **kwargs) -> None:
    """Forget the cached counties and categories when staff edit them."""
    cache.delete_many([COUNTIES_KEY, CATEGORIES_KEY])
