"""Private storage for attachments: never below ``MEDIA_URL``.

A site configures it as the ``kexie_forms_private`` entry of ``STORAGES``
(e.g. a private S3 bucket); without one, files go to ``KEXIE_FORMS_PRIVATE_ROOT``
(default: ``private`` next to ``MEDIA_ROOT``) and are served only through the
admin download view, which checks county scoping.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage, storages

from kexie_pages.base.storage import PrivateFileSystemStorage

__all__ = ["STORAGE_ALIAS", "PrivateFileSystemStorage", "private_storage"]

STORAGE_ALIAS = "kexie_forms_private"


def private_storage() -> Storage:
    """Return the storage attachments are written to (a callable, for migrations)."""
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    root = getattr(settings, "KEXIE_FORMS_PRIVATE_ROOT", None) or (
        Path(settings.MEDIA_ROOT).parent / "private"
    )
    return PrivateFileSystemStorage(location=root)
