"""``manage.py kexie_export <directory> <file> [--format xlsx|csv|json]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...directories.exports import directory_export
from ...directories.models import DIRECTORIES
from ...directories.reading import FORMATS


class Command(BaseCommand):
    help = (
        "Export a think-tank directory in the format kexie_import reads; "
        "the format follows the file's extension unless --format is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", choices=sorted(DIRECTORIES))
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS)

    def handle(self, *args, directory, file, format=None, **options):
        path = Path(file)
        file_format = format or path.suffix.lstrip(".").lower()
        if file_format not in FORMATS:
            raise CommandError(
                _("Name the file .xlsx, .csv or .json, or give --format.")
            )
        content = directory_export(directory=directory, file_format=file_format)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(str(error)) from error
        count = DIRECTORIES[directory].objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                _("Exported %(count)s entries to %(file)s.")
                % {"count": count, "file": path}
            )
        )
