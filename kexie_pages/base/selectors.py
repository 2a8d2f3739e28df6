"""Reads that every public page makes, cached across requests; and the county
a staff user is bound to, which scopes what they see in the admin.

The main menu, the counties and the industry categories change a few times a
year and are read on every page; caching them takes four queries off each
request. The receivers at the bottom clear the cache when pages, counties or
categories change (connected in ``KexiePagesConfig.ready``).
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.apps import apps
from django.core.cache import cache
from django.db.models import Model, Q, QuerySet
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from . import cache as page_cache
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


def public_pages(queryset: PageQuerySet) -> PageQuerySet:
    """``queryset.public()``, the view restrictions read once a process.

    Wagtail's ``public()`` reads every restriction each time it is called
    (four times on the home page). Here they are kept by ``page_cache.memo``
    until the whole site is purged, which saving or deleting a restriction and
    moving a page do; another process's local-memory cache learns of it within
    ``MEMO_SECONDS`` (the restricted page itself is always checked afresh by
    Wagtail when it is served).
    """
    restricted = page_cache.memo(
        "view-restrictions",
        lambda: list(
            PageViewRestriction.objects.values_list("page__path", "page__depth")
        ),
    )
    private = Q()
    for path, depth in restricted:
        private |= Q(path__startswith=path, depth__gte=depth)
    return queryset.exclude(private) if private else queryset


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


def county_for_user(*, user) -> County | None:
    """The county a staff user is bound to, or ``None`` for city-wide staff.

    The one place that decides it, for kexie_forms and every admin section. The
    binding is kexie_forms' ``UserCounty`` (设置 → 县区工作人员绑定); it is looked up
    through the app registry so that ``kexie_pages`` imports nothing from
    ``kexie_forms`` (without kexie_forms installed, everyone is city staff).
    Cached on the user object for the length of a request.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_kexie_county"):
        county = None
        if apps.is_installed("kexie_forms"):
            binding_model = apps.get_model("kexie_forms", "UserCounty")
            binding = (
                binding_model.objects.select_related("county")
                .filter(user_id=user.pk)
                .first()
            )
            county = binding.county if binding else None
        user._kexie_county = county
    return user._kexie_county


@dataclass(frozen=True)
class CountyScope:
    """Where a model's records belong to a county, for scoping by the user's binding.

    ``lookup`` is the ORM path from the model to its :class:`County` (``county``,
    ``need__county``, ``counties``). A record with no county is city business and
    hidden from county-bound users. ``shared`` marks a many-to-many link (experts,
    achievements): a record may serve several counties, and one serving none
    serves the whole city, so every county sees it; a county-bound user changes
    only the records that serve their county alone.
    """

    lookup: str
    shared: bool = False

    def visible(self, *, user, queryset: QuerySet) -> QuerySet:
        """The records of ``queryset`` that ``user`` may see (all, for city staff)."""
        county = county_for_user(user=user)
        if county is None:
            return queryset
        if not self.shared:
            return queryset.filter(**{self.lookup: county})
        # Subqueries rather than a join: a many-to-many join would repeat rows.
        manager = queryset.model._default_manager
        served = manager.filter(**{self.lookup: county}).values("pk")
        city_wide = manager.filter(**{f"{self.lookup}__isnull": True}).values("pk")
        return queryset.filter(Q(pk__in=served) | Q(pk__in=city_wide))

    def editable(self, *, user, queryset: QuerySet) -> QuerySet:
        """The records of ``queryset`` that ``user`` may change or delete.

        A shared record that also serves other counties (or the whole city) is
        visible to a county-bound user but read-only: their edit form offers only
        their own county, and saving it would drop the others.
        """
        county = county_for_user(user=user)
        if county is None:
            return queryset
        queryset = queryset.filter(**{self.lookup: county})
        if not self.shared:
            return queryset
        elsewhere = queryset.model._default_manager.filter(
            **{f"{self.lookup}__in": County.objects.exclude(pk=county.pk)}
        )
        return queryset.exclude(pk__in=elsewhere.values("pk"))

    def allows(self, *, user, instance: Model, action: str = "view") -> bool:
        """Whether ``user`` may see (``action="view"``) or act on ``instance``."""
        county = county_for_user(user=user)
        if county is None:
            return True
        if not self.shared:
            # Read from the instance: a list asks this for every row's buttons.
            *path, last = self.lookup.split("__")
            owner: object = instance
            for name in path:
                owner = getattr(owner, name, None)
            return getattr(owner, f"{last}_id", None) == county.pk
        queryset = instance.__class__._default_manager.filter(pk=instance.pk)
        if action == "view":
            return self.visible(user=user, queryset=queryset).exists()
        return self.editable(user=user, queryset=queryset).exists()
