"""``manage.py kexie_backup <archive.tar.gz>``: the database and every storage's files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...base.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write the database (dumpdata, natural keys for content types) and the "
        "files of every storage, private ones included, to one .tar.gz archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        path = Path(archive)
        try:
            manifest = backup_write(path=path)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Backed up %(rows)s rows and %(files)s files to %(file)s.")
                % {
                    "rows": sum(manifest["rows"].values()),
                    "files": sum(manifest["files"].values()),
                    "file": path,
                }
            )
        )
