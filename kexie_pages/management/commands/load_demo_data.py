"""Load the demo content: re-runnable, it updates what it loaded before."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...base.services import site_url_apply
from ...demo import LOADERS, home


class Command(BaseCommand):
    help = "Load (or refresh) the demo content for every section, then rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=Path(getattr(settings, "KEXIE_FIXTURES_DIR", "fixtures")),
            help="Folder holding the demo fixtures (default: the repository's fixtures/).",
        )

    def handle(self, *args, fixtures: Path, **options):
        if not fixtures.is_dir():
            raise CommandError(f"Fixtures folder not found: {fixtures}")
        with transaction.atomic():
            home_page = home.load()
            if getattr(settings, "KEXIE_SITE_URL", ""):
                site_url_apply(url=settings.KEXIE_SITE_URL)
            for loader in LOADERS:
                self.stdout.write(f"Loaded {loader(home_page, fixtures)}.")
        call_command("update_index", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS("Demo content loaded and search index rebuilt.")
        )
