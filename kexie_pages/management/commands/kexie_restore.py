"""``manage.py kexie_restore <archive.tar.gz> [--force]``: into an empty, migrated site."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...base.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a kexie_backup archive into an empty, migrated site (--force "
        "replaces the content of a site that has some), then rebuild the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, archive, force=False, **options):
        path = Path(archive)
        try:
            manifest = backup_restore(path=path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored %(rows)s rows and %(files)s files from %(file)s.")
                % {
                    "rows": sum(manifest["rows"].values()),
                    "files": sum(manifest["files"].values()),
                    "file": path,
                }
            )
        )
