from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KexiePagesConfig(AppConfig):
    name = "kexie_pages"
    label = "kexie_pages"
    verbose_name = _("Science and technology poverty alleviation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The plugin's own endpoints join Wagtail's NinjaAPI, so one OpenAPI
        # document describes everything (as wagtail.snippets does).
        from wagtail.api.v3.api import api

        from .course_api import router as courses_router

        api.add_router("/kexie/courses/", courses_router)

        from .directory_api import register_routers

        register_routers()

        from .needs_api import router as needs_router

        api.add_router("/kexie/needs/", needs_router)
