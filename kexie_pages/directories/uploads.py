"""Uploads waiting for staff to confirm an import, kept where no URL reaches them.

django-import-export's ``MediaStorage`` keeps the file between the preview and
the confirmation, as its own admin does; ours writes to the private storage
(``base.storage``) instead of ``MEDIA_ROOT``, because the sheets hold unmasked
phone numbers and e-mail addresses. A kept upload is deleted when its import
job ends (done, or failed because of the file), when staff cancel, or after
six hours; a job that failed for another reason keeps it for a retry.
"""

import re
import uuid
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext
from import_export.tmp_storages import MediaStorage

from ..base.storage import private_storage
from .reading import DirectoryImportError

PENDING_FOLDER = "kexie_imports"
_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


class PendingUploadStorage(MediaStorage):
    """``MediaStorage`` on the private storage, in the ``kexie_imports`` folder."""

    def __init__(self, **kwargs) -> None:
        super().__init__(MEDIA_FOLDER=PENDING_FOLDER, **kwargs)

    def _configure_storage(self) -> None:
        self._storage = private_storage()


def pending_upload_save(*, content: bytes) -> str:
    """Keep an upload until it is confirmed; returns its token."""
    pending_uploads_clean()
    storage = PendingUploadStorage(name=uuid.uuid4().hex)
    storage.save(content)
    return storage.name


def pending_upload_read(*, token: str) -> bytes:
    """The upload kept under ``token``; ``DirectoryImportError`` if it is gone."""
    try:
        if not _TOKEN_RE.fullmatch(token):
            raise FileNotFoundError(token)
        return PendingUploadStorage(name=token).read()
    except FileNotFoundError:
        raise DirectoryImportError(
            gettext("The uploaded file is no longer available: please upload it again.")
        ) from None


def pending_upload_exists(*, token: str) -> bool:
    return bool(_TOKEN_RE.fullmatch(token)) and private_storage().exists(
        f"{PENDING_FOLDER}/{token}"
    )


def pending_upload_delete(*, token: str) -> None:
    if _TOKEN_RE.fullmatch(token):
        PendingUploadStorage(name=token).remove()


def pending_uploads_clean(*, max_age: timedelta = timedelta(hours=6)) -> int:
    """Delete uploads nobody confirmed within ``max_age``; returns how many."""
    storage = private_storage()
    try:
        _folders, files = storage.listdir(PENDING_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0
    cutoff = timezone.now() - max_age
    deleted = 0
    for name in files:
        path = f"{PENDING_FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return deleted
