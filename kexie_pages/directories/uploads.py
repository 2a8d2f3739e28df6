"""Uploads waiting for staff to confirm an import, kept where no URL reaches them.

django-import-export's ``MediaStorage`` keeps the file between the preview and
the confirmation, as its own admin does; ours writes to the private storage
(``base.storage``) instead of ``MEDIA_ROOT``, because the sheets hold unmasked
phone numbers and e-mail addresses. A kept upload is deleted when its import
job ends (done, or failed because of the file), when staff cancel, or after
six hours; a job that failed for another reason keeps it for a retry.

Beside the upload, ``<token>.checked`` keeps what the preview's check made of
it: the checked, normalised rows (``reading.CheckedRows``) under a header line
with the upload's SHA-256, its size and how many rows of each status the
preview found. Confirming writes those rows instead of reading and checking
the file again (about half of an import's time, and the part that needs the
whole file), once the upload is found unchanged. ``<token>.preview`` keeps
what the preview page shows (the counts, the first rows and every row with an
error), written by the check job and read by the page that shows its result.
"""

import hashlib
import json
import re
import tempfile
import uuid
from collections import Counter
from datetime import timedelta

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext
from import_export.tmp_storages import MediaStorage

from ..base.storage import private_storage
from .reading import CheckedRows, DirectoryImportError, ImportResult, RowResult

#: Bump when the checked rows' format changes: older files are then checked again.
CHECKED_VERSION = 1

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


def pending_upload_size(*, token: str) -> int:
    """The size in bytes of the upload kept under ``token`` (it exists)."""
    return private_storage().size(f"{PENDING_FOLDER}/{token}")


def pending_upload_delete(*, token: str) -> None:
    """Delete the upload kept under ``token`` and its checked rows."""
    if _TOKEN_RE.fullmatch(token):
        PendingUploadStorage(name=token).remove()
        storage = private_storage()
        for path in (_checked_path(token), _preview_path(token)):
            if storage.exists(path):
                storage.delete(path)


def _checked_path(token: str) -> str:
    return f"{PENDING_FOLDER}/{token}.checked"


def _preview_path(token: str) -> str:
    return f"{PENDING_FOLDER}/{token}.preview"


def pending_preview_save(*, token: str, result: ImportResult) -> None:
    """Keep what the preview shows of the checked upload ``token`` (JSON)."""
    if not _TOKEN_RE.fullmatch(token):
        return
    preview = {
        "directory": result.directory,
        "headers": result.headers,
        "counts": dict(result.counts),
        "total": result.total,
        "rows": [[r.number, r.status, r.cells, r.errors] for r in result.rows],
    }
    storage = private_storage()
    path = _preview_path(token)
    if storage.exists(path):  # a retried check: the new one replaces it
        storage.delete(path)
    storage.save(path, ContentFile(json.dumps(preview, ensure_ascii=False).encode()))


def pending_preview_read(*, token: str, directory: str) -> ImportResult | None:
    """The preview kept for the upload ``token``; ``None`` if it is gone."""
    storage = private_storage()
    path = _preview_path(token)
    if not _TOKEN_RE.fullmatch(token) or not storage.exists(path):
        return None
    with storage.open(path, "rb") as stream:
        preview = json.loads(stream.read())
    if preview.get("directory") != directory:
        return None
    return ImportResult(
        directory=directory,
        headers=preview["headers"],
        rows=[
            RowResult(number=number, cells=cells, status=status, errors=errors)
            for number, status, cells, errors in preview["rows"]
        ],
        counts=Counter(preview["counts"]),
        total=preview["total"],
    )


def upload_digest(content: bytes) -> str:
    """The SHA-256 that ties checked rows to the upload they came from."""
    return hashlib.sha256(content).hexdigest()


def pending_checked_save(*, token: str, content: bytes, result: ImportResult) -> None:
    """Keep ``result``'s checked rows beside the upload ``token`` (of ``content``).

    The spool is copied to the private storage and closed.
    """
    checked = result.checked
    if checked is None or not _TOKEN_RE.fullmatch(token):
        return
    header = {
        "version": CHECKED_VERSION,
        "directory": result.directory,
        "sha256": upload_digest(content),
        "size": len(content),
        "headers": result.headers,
        "total": result.total,
        "rows": checked.count,
    }
    try:
        with tempfile.TemporaryFile() as kept:
            kept.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
            checked.file.seek(0)
            while chunk := checked.file.read(1 << 20):
                kept.write(chunk)
            kept.seek(0)
            private_storage().save(_checked_path(token), File(kept))
    finally:
        checked.close()
        result.checked = None


def pending_checked_read(
    *, token: str, directory: str, content: bytes
) -> ImportResult | None:
    """The checked rows kept for the upload ``token``, as a result ready to write.

    ``None`` when there are none, or they are of an older format, or for
    another directory (then the upload is checked again).
    ``DirectoryImportError`` when the upload is no longer the file that was
    checked: what staff saw in the preview is not what would be written.
    """
    storage = private_storage()
    path = _checked_path(token)
    if not _TOKEN_RE.fullmatch(token) or not storage.exists(path):
        return None
    stream = storage.open(path, "rb")
    try:
        header = json.loads(stream.readline() or b"{}")
    except ValueError:
        header = {}
    if header.get("version") != CHECKED_VERSION or header.get("directory") != directory:
        stream.close()
        return None
    if header.get("size") != len(content) or header.get("sha256") != upload_digest(
        content
    ):
        stream.close()
        raise DirectoryImportError(
            gettext(
                "The uploaded file changed after its preview, so it was not imported: "
                "please upload it again and check the new preview."
            )
        )
    checked = CheckedRows(file=stream, start=stream.tell())
    checked.count = header["rows"]
    return ImportResult(
        directory=directory,
        headers=header["headers"],
        rows=[],
        total=header["total"],
        checked=checked,
    )


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
