from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KexiePagesConfig(AppConfig):
    name = "kexie_pages"
    label = "kexie_pages"
    verbose_name = _("Science and technology poverty alleviation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .api import directories, needs

        directories.register_routers()
        needs.register_routers()
