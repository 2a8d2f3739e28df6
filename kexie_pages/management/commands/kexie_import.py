"""``manage.py kexie_import <directory> <file> [--dry-run] [--format xlsx|csv|json]``."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...directories.models import DIRECTORIES
from ...directories.reading import FORMATS, DirectoryImportError, max_upload_bytes
from ...directories.services import directory_import


class Command(BaseCommand):
    help = (
        "Import a think-tank directory from an XLSX, CSV or JSON file. All rows are "
        "written, or none: any error exits non-zero and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", choices=sorted(DIRECTORIES))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file; write nothing."
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="Default: from the content."
        )

    def handle(self, *args, directory, file, dry_run, format=None, **options):
        try:
            size = os.path.getsize(file)
        except OSError as error:
            raise CommandError(str(error)) from error
        # Refuse an oversized file before reading it into memory.
        if size > max_upload_bytes():
            raise CommandError(
                _("The file is %(size)s MB; at most %(cap)s MB can be imported.")
                % {
                    "size": round(size / 1048576, 1),
                    "cap": max_upload_bytes() // 1048576,
                }
            )
        with open(file, "rb") as stream:
            content = stream.read()
        try:
            result = directory_import(
                directory=directory,
                content=content,
                filename=os.path.basename(file),
                file_format=format,
                dry_run=dry_run,
                progress=self.progress,
            )
        except DirectoryImportError as error:
            self.end_progress()
            raise CommandError("\n".join(error.messages)) from error
        self.end_progress()
        for line in result.error_lines():
            self.stderr.write(line)
        counts = result.counts
        summary = _(
            "%(new)s new, %(update)s updated, %(unchanged)s unchanged, %(error)s with errors."
        ) % {key: counts.get(key, 0) for key in ("new", "update", "unchanged", "error")}
        if result.has_errors:
            raise CommandError(
                _("%(summary)s Nothing was imported.") % {"summary": summary}
            )
        if dry_run:
            self.stdout.write(
                _("%(summary)s Dry run: nothing was written.") % {"summary": summary}
            )
        else:
            self.stdout.write(self.style.SUCCESS(summary))

    def progress(self, done: int, total: int) -> None:
        """A progress bar on a terminal; nothing when output is piped."""
        stream = getattr(self.stderr, "_out", sys.stderr)
        if not stream.isatty():
            return
        if total:
            filled = int(30 * done / total)
            stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        else:
            stream.write(f"\r{_('Checking')} {done}…")
        stream.flush()
        self._progress_shown = True

    def end_progress(self) -> None:
        if getattr(self, "_progress_shown", False):
            getattr(self.stderr, "_out", sys.stderr).write("\n")
