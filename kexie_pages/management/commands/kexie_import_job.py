"""``manage.py kexie_import_job <job id>``: run one confirmed directory import.

The admin starts this command, in a process of its own, for an import too
large to run inside the request when no django-tasks worker is configured
(``directories.jobs.import_job_start``). It can also be run by hand to run a
queued job; a job already claimed is left alone.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...directories.jobs import import_job_run
from ...directories.models import ImportJobStatus


class Command(BaseCommand):
    help = "Run one confirmed think-tank directory import job."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        status = import_job_run(job_id=job_id)
        if status == "missing":
            raise CommandError(_("There is no import job %(id)s.") % {"id": job_id})
        if status == ImportJobStatus.FAILED:
            raise CommandError(_("Import job %(id)s failed.") % {"id": job_id})
        self.stdout.write(
            _("Import job %(id)s: %(status)s.") % {"id": job_id, "status": status}
        )
