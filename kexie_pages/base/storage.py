"""Storage for files that must never have a public URL.

Uploads waiting for a decision (directory imports before staff confirm them)
hold unmasked phone numbers; they live here, not below ``MEDIA_URL``. A site
configures the ``kexie_private`` entry of ``STORAGES`` (e.g. a private S3
bucket); without one, files go to ``KEXIE_PRIVATE_ROOT`` (default: ``private``
next to ``MEDIA_ROOT``).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE_ALIAS = "kexie_private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage with no public URL: files leave only through a checked view."""

    def url(self, name):
        raise ValueError("Private files have no public URL.")


def private_storage() -> Storage:
    """The storage for files with no public URL."""
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    root = getattr(settings, "KEXIE_PRIVATE_ROOT", None) or (
        Path(settings.MEDIA_ROOT).parent / "private"
    )
    return PrivateFileSystemStorage(location=root)
