"""The models every section shares: the taxonomy (counties, industry categories),
site settings, the home page and the abstract section page."""

from django.apps import apps
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from ..search import ChineseSearchField
from . import routing
from .blocks import BaseStreamBlock
from .slugs import PinyinSlugMixin


# Wagtail-based models (no types) link here, so mypy cannot type their reverse managers.
class County(models.Model):  # type: ignore[django-manager-missing]
    """A county-level division of the city, keyed by its GB/T 2260 code."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(r"^\d{6}$", _("Enter the six-digit GB/T 2260 code."))
        ],
        help_text=_("Six-digit GB/T 2260 administrative division code, e.g. 411621."),
    )
    name = models.CharField(
        pgettext_lazy("taxonomy", "name"), max_length=20, unique=True
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


# As for County.
class IndustryCategory(models.Model):  # type: ignore[django-manager-missing]
    """An industry category (种植, 养殖, …) that needs, courses and experts are sorted by."""

    name = models.CharField(
        pgettext_lazy("taxonomy", "name"), max_length=30, unique=True
    )
    slug = models.SlugField(
        pgettext_lazy("taxonomy", "slug"),
        max_length=40,
        unique=True,
        allow_unicode=True,
    )
    description = models.CharField(
        pgettext_lazy("taxonomy", "description"), max_length=200, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("industry category")
        verbose_name_plural = _("industry categories")

    def __str__(self) -> str:
        return self.name


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """Who runs the site: shown in every page footer."""

    organisation = models.CharField(
        _("organisation"), max_length=100, default="周口市科学技术协会"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    hotline = models.CharField(
        _("public hotline"),
        max_length=30,
        blank=True,
        help_text=_("The office's public number. Never a person's mobile number."),
    )
    icp_number = models.CharField(_("ICP licence number"), max_length=50, blank=True)

    panels = [
        FieldPanel("organisation"),
        FieldPanel("address"),
        FieldPanel("hotline"),
        FieldPanel("icp_number"),
    ]

    class Meta:
        verbose_name = _("organisation details")

    @classmethod
    def for_site(cls, site):
        """The site's details, cached across requests: every page's footer reads them."""
        key = f"kexie:organisation:{site.pk}"
        details = cache.get(key)
        if details is None:
            details = super().for_site(site)
            cache.set(key, details, 3600)
        return details

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(f"kexie:organisation:{self.site_id}")


class HomePage(PinyinSlugMixin, Page):
    """The site's home page: the programme in a sentence and a door to each section."""

    intro = models.TextField(_("introduction"), max_length=500, blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("intro"),
        ChineseSearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .selectors import public_pages  # selectors import these models

        context = super().get_context(request, *args, **kwargs)
        # Cards need only base Page fields: no .specific(), one query not one per type.
        context["sections"] = public_pages(self.get_children().live().in_menu())
        # Looked up by name: base never imports a section (news imports base).
        news_page = apps.get_model("kexie_pages", "NewsPage")
        context["latest_news"] = public_pages(
            news_page.objects.descendant_of(self).live()
        ).order_by("-date")[:5]
        return context

    #: ``cache.remember_site`` may keep this page per process as the site's
    #: root, to route from; served itself, it is read afresh (``route``).
    kept_per_process = True

    def route(self, request, path_components):
        if not path_components and getattr(self, "_kept", False):
            # As stored now: published, unpublished or edited in another process.
            return Page.route(HomePage.objects.get(pk=self.pk), request, [])
        return routing.route(self, request, path_components)


class SectionPage(PinyinSlugMixin, Page):
    """What every section's index page under the home page shares: an intro.

    News, booklets, the lecture hall, the needs library and the think tank
    extend it; each adds its own listing in ``get_context`` or its routes.
    """

    intro = models.TextField(_("introduction"), max_length=500, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("intro"),
    ]
    api_fields = [APIField("intro")]
    parent_page_types = ["kexie_pages.HomePage"]

    class Meta:
        abstract = True

    def route(self, request, path_components):
        return routing.route(self, request, path_components)
