from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KexiePagesConfig(AppConfig):
    name = "kexie_pages"
    label = "kexie_pages"
    verbose_name = _("Science and technology poverty alleviation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import selectors
        from .models import County, IndustryCategory

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

        # The plugin's own endpoints join Wagtail's NinjaAPI, so one OpenAPI
        # document describes everything (as wagtail.snippets does).
        from wagtail.api.v3.api import api

        from .course_api import router as courses_router

        api.add_router("/kexie/courses/", courses_router)

        from .directory_api import register_routers

        register_routers()

        from .needs_api import router as needs_router

        api.add_router("/kexie/needs/", needs_router)
