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
    "news": "/kexie/news/",
    "programme": "/kexie/agreements/",
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

        # The plugin's own endpoints join Wagtail's NinjaAPI, so one OpenAPI
        # document describes everything (as wagtail.snippets does).
        for section, prefix in API_SECTIONS.items():
            api.add_router(prefix, import_module(f".{section}.api", self.name).router)
        # Bad input to those endpoints is answered in the site's language.
        from .base.api import install_error_handlers

        install_error_handlers(api)

        from .base.openapi import openapi_document_fix_install

        openapi_document_fix_install(api)


def _site_url_from_settings(**kwargs) -> None:
    """After every ``migrate`` (so at each deploy), apply ``KEXIE_SITE_URL``."""
    from django.conf import settings

    from .base.services import site_url_apply

    url = getattr(settings, "KEXIE_SITE_URL", "")
    if url:
        site_url_apply(url=url)
