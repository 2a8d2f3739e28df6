"""The app's configuration: cache-clearing signals and the API routers."""

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Sections with a django-ninja ``router`` in ``<section>/api.py`` and where it is
#: mounted on Wagtail's v3 API.
API_SECTIONS = {
    "courses": "/kexie/courses/",
    "directories": "/kexie/",  # one sub-router per directory: /kexie/experts/, …
    "needs": "/kexie/needs/",
    "recognition": "/kexie/recognition/",
    "news": "/kexie/news/",
    "programme": "/kexie/agreements/",
    "results": "/kexie/results/",
}


class KexiePagesConfig(AppConfig):
    name = "kexie_pages"
    label = "kexie_pages"
    verbose_name = _("Science and technology poverty alleviation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.api.v3.api import api
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import documents
        from .base import selectors
        from .base.models import County, IndustryCategory

        checks.register(documents.check_document_form, checks.Tags.security)
        for signal in (
            post_save,
            post_delete,
            page_published,
            page_unpublished,
            post_page_move,
        ):
            signal.connect(
                selectors.menu_cache_clear, dispatch_uid=f"kexie-menu-{id(signal)}"
            )
        for model in (County, IndustryCategory):
            for signal in (post_save, post_delete):
                signal.connect(selectors.taxonomy_cache_clear, sender=model)

        post_migrate.connect(_site_url_from_settings, sender=self)
        _page_cache_connect()
        post_migrate.connect(_leader_group, dispatch_uid="kexie-leader-group")

        # The plugin's own endpoints join Wagtail's NinjaAPI, so one OpenAPI
        # document describes everything (as wagtail.snippets does).
        for section, prefix in API_SECTIONS.items():
            api.add_router(prefix, import_module(f".{section}.api", self.name).router)
        # Bad input to those endpoints is answered in the site's language.
        from .base.api import install_error_handlers

        install_error_handlers(api)

        from .base.openapi import openapi_document_fix_install

        openapi_document_fix_install(api)


def _page_cache_connect() -> None:
    """Purge the anonymous page cache when what a page shows changes.

    Pages purge themselves (``base.cache.connect_pages``); each model shown on
    public pages is one line here (``paths``: the URLs it shows on; none: the
    whole site). ``QuerySet.update()`` sends no signal: the services that use it
    on shown fields call ``base.cache.purge`` themselves.
    """
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from .base import cache as page_cache
    from .base.models import County, IndustryCategory, OrganisationSettings
    from .booklets.models import BookletDownloadCount
    from .courses.models import CourseRegistration
    from .directories.models import DIRECTORIES, ThinkTankPage
    from .needs.models import Need, NeedMatch, NeedsLibraryPage, NeedStatusChange
    from .news import models as news
    from .programme import models as programme
    from .recognition import models as recognition
    from .results import models as results

    def figures(_instance) -> list[str]:
        """The results pages count needs, agreements, courses, trainees and visits."""
        return page_cache.page_urls(results.ResultsPage.objects.live())

    def libraries(instance) -> list[str]:
        """Every live needs library lists needs and links their pages."""
        return page_cache.page_urls(NeedsLibraryPage.objects.live()) + figures(instance)

    def agreements(instance) -> list[str]:
        """Agreements show on the agreements pages, their needs and the figures."""
        return page_cache.page_urls(
            programme.AgreementIndexPage.objects.live()
        ) + libraries(instance)

    page_cache.connect_pages()
    for model in (
        County,
        IndustryCategory,
        OrganisationSettings,
        Redirect,
        get_document_model(),
        get_image_model(),
    ):
        page_cache.purge_on_save(model)
    for model in (Need, NeedStatusChange, NeedMatch):
        page_cache.purge_on_save(model, paths=libraries)

    def think_tank(instance) -> list[str]:
        """Entries show on the think-tank pages, and as matches on needs."""
        return page_cache.page_urls(ThinkTankPage.objects.live()) + libraries(instance)

    # One entry edited in the admin; an import (bulk_create, no signal) purges
    # the same pages when it commits (merger: directories.services).
    for model in DIRECTORIES.values():
        page_cache.purge_on_save(model, paths=think_tank)
    page_cache.purge_on_save(
        CourseRegistration,
        paths=lambda r: page_cache.page_urls([r.course]),
    )
    page_cache.purge_on_save(
        BookletDownloadCount,
        paths=lambda c: page_cache.page_urls([c.booklet]),
    )
    for model in (
        programme.Agreement,
        programme.AgreementDeliverable,
        programme.AgreementProgressReport,
        programme.AgreementStatusChange,
        programme.KeyTownship,
        programme.BrandActivity,
    ):
        page_cache.purge_on_save(model, paths=agreements)
    for model in (
        programme.LiaisonVisit,
        results.Technique,
        results.CourseTechniques,
        results.Trainee,
        results.IncomeProject,
        results.Attendance,
        results.TrainingTarget,
        results.MilestoneStep,
    ):
        page_cache.purge_on_save(model, paths=figures)
    # Awards and honours show on the think tank, the recognition pages and the
    # API; news links on the pages of what they link. Rare changes: the whole site.
    for model in (
        recognition.AwardRound,
        recognition.Award,
        recognition.HonourRoll,
        recognition.HonourEntry,
        news.NewsCategory,
        *news.NewsLink.__subclasses__(),
    ):
        page_cache.purge_on_save(model)


def _site_url_from_settings(**kwargs) -> None:
    """After every ``migrate`` (so at each deploy), apply ``KEXIE_SITE_URL``."""
    from django.conf import settings

    from .base.services import site_url_apply

    url = getattr(settings, "KEXIE_SITE_URL", "")
    if url:
        site_url_apply(url=url)


def _leader_group(app_config=None, **kwargs) -> None:
    """After ``migrate`` made the plugin's permissions, give the leaders' group every
    view permission (new models' included); nothing to change anything."""
    if app_config is None or app_config.label not in ("kexie_pages", "kexie_forms"):
        return
    from .results.services import leader_group_ensure

    leader_group_ensure()
