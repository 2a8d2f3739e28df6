from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KexieFormsConfig(AppConfig):
    name = "kexie_forms"
    label = "kexie_forms"
    verbose_name = _("County submissions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Wagtail's own apps add their routers to the one v3 NinjaAPI here, so a
        # single OpenAPI document describes every endpoint.
        from wagtail.api.v3.api import api

        from .api import router

        api.add_router("/kexie/forms/", router)
