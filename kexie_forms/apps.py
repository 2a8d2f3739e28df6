from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KexieFormsConfig(AppConfig):
    name = "kexie_forms"
    label = "kexie_forms"
    verbose_name = _("County submissions")
    default_auto_field = "django.db.models.BigAutoField"
