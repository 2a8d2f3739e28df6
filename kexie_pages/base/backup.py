"""Back up the database and every file storage to one archive; restore it into an empty site.

Used by ``manage.py kexie_backup <archive.tar.gz>`` and ``manage.py kexie_restore
<archive.tar.gz>`` (README, "Backup and restore").

**Why ``dumpdata`` and not the database's own dump.** One archive restores on
SQLite and on PostgreSQL alike (a site can move from the embedded default to
PostgreSQL through a backup), with no ``pg_dump`` of the same major version
needed on the machine. Rows keep their primary keys, so every link between
them (pages and revisions, needs and their history, submissions and their
files) comes back as it was; content types and permissions are written by
their natural keys, because each database numbers them in its own order.
Left out, and rebuilt after a restore: content types and permissions (made by
``migrate``), sessions, the search index (``update_index``), image renditions
(made again on first view), finished task results.

**Files**: every storage in ``STORAGES`` except the static files (public media,
the private uploads waiting for a decision, form attachments), each under
``storages/<alias>/`` in the archive; two aliases sharing one folder are
archived once. Files are read and written through the storage API, so any
storage backend works.

**Restore** needs a migrated, empty site (no page beyond Wagtail's initial two,
no plugin data) unless forced: it flushes the database, loads the rows in one
transaction, writes the files back, rebuilds the search index and purges the
page cache.
"""

import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import KexiePagesError
from . import cache as page_cache

FORMAT_VERSION = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
#: Rows ``migrate`` makes, or that are rebuilt after a restore.
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "wagtailsearch.indexentry",
    "wagtailsearch.sqliteftsindexentry",
    "wagtailimages.rendition",
    "django_tasks_db",
    "wagtailadmin.editingsession",
)


class BackupError(KexiePagesError):
    """A backup or restore refused or failed, with a message for the operator."""


def _excluded() -> list[str]:
    """The exclusions that name an installed app or model."""
    found = []
    installed = {config.label for config in apps.get_app_configs()}
    for label in EXCLUDED:
        app_label, _dot, model = label.partition(".")
        if app_label not in installed:
            continue
        if model:
            try:
                apps.get_model(app_label, model)
            except LookupError:
                continue
        found.append(label)
    return found


def _storages() -> dict[str, Storage]:
    """Every file storage to archive, one alias per folder."""
    chosen: dict[str, Storage] = {}
    seen: set[str] = set()
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        where = str(getattr(storage, "location", alias))
        if where in seen:
            continue
        seen.add(where)
        chosen[alias] = storage
    return chosen


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage`` below ``folder``."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def backup_write(*, path: Path) -> dict[str, Any]:
    """Write the database and every storage's files to the archive at ``path``.

    Returns the manifest (row and file counts), which is also in the archive.
    """
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "database": settings.DATABASES["default"]["ENGINE"],
        "files": {},
    }
    with tempfile.TemporaryDirectory(prefix="kexie-backup-") as tmp:
        data = Path(tmp) / DATA_NAME
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=_excluded(),
            output=str(data),
            verbosity=0,
        )
        rows = json.loads(data.read_bytes())
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["model"]] = counts.get(row["model"], 0) + 1
        manifest["rows"] = counts
        del rows
        with tarfile.open(path, "w:gz") as archive:
            archive.add(data, arcname=DATA_NAME)
            for alias, storage in _storages().items():
                names = sorted(_walk(storage))
                manifest["files"][alias] = len(names)
                for name in names:
                    with storage.open(name, "rb") as handle:
                        info = tarfile.TarInfo(f"storages/{alias}/{name}")
                        info.size = storage.size(name)
                        archive.addfile(info, handle)
            blob = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
    return manifest


def site_is_empty() -> bool:
    """Whether this site holds nothing worth keeping: Wagtail's two initial pages at
    most, and no row of the plugin's apps."""
    from wagtail.models import Page

    if Page.objects.count() > 2:
        return False
    installed = {config.label for config in apps.get_app_configs()}
    for label in ("kexie_pages", "kexie_forms"):
        if label not in installed:
            continue
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            if issubclass(model, Page):
                continue
            if model._default_manager.exists():
                return False
    return True


def backup_restore(*, path: Path, force: bool = False) -> dict[str, Any]:
    """Restore the archive at ``path`` into this (empty, migrated) site.

    Refuses a site that holds content unless ``force``: the restore replaces
    every row. Returns the archive's manifest.
    """
    if not force and not site_is_empty():
        raise BackupError(
            _(
                "This site already has content; a restore would replace all of it. "
                "Restore into an empty, migrated site, or pass --force."
            )
        )
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(
            _("Cannot read the backup %(file)s: %(error)s")
            % {"file": path, "error": error}
        ) from error
    with archive, tempfile.TemporaryDirectory(prefix="kexie-restore-") as tmp:
        try:
            manifest = json.load(archive.extractfile(MANIFEST_NAME) or io.BytesIO(b""))
        except (KeyError, ValueError) as error:
            raise BackupError(
                _("%(file)s is not a backup made by kexie_backup.") % {"file": path}
            ) from error
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(
                _("%(file)s is not a backup made by kexie_backup.") % {"file": path}
            )
        data = Path(tmp) / DATA_NAME
        source = archive.extractfile(DATA_NAME)
        if source is None:
            raise BackupError(
                _("%(file)s is not a backup made by kexie_backup.") % {"file": path}
            )
        with data.open("wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
        # flush re-creates the content types under new ids and loaddata maps the
        # rows to them: the process's id → model cache would name wrong models.
        # (Other running server processes must be restarted: README.)
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_models(*apps.get_models())
        targets = _storages()
        for member in archive:
            if not member.isfile() or not member.name.startswith("storages/"):
                continue
            _prefix, alias, name = member.name.split("/", 2)
            storage = targets.get(alias)
            if storage is None or ".." in Path(name).parts:
                continue
            if storage.exists(name):
                storage.delete(name)
            handle = archive.extractfile(member)
            if handle is not None:
                storage.save(name, File(handle))
    call_command("update_index", verbosity=0)
    page_cache.purge_all()
    return manifest
