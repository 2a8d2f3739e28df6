"""Confirmed directory imports as background tasks (django-tasks).

``import_job_start`` records a ``DirectoryImportJob`` and enqueues
``directory_import_task``; the task calls ``import_job_run``, which applies
the pending upload with ``directory_import`` and records its progress every
500 rows. With Django's default immediate backend the task runs at once,
inside the request that confirmed the import; with a worker backend
(``django_tasks_db.DatabaseBackend`` and ``manage.py db_worker``, say) it runs
in the worker and the admin's progress page follows it.

The rows are written in one transaction, so progress recorded on the job row
while writing becomes visible only at the commit; it is also put in the
cache, which a worker shares with the web processes when the cache is Redis
(``REDIS_URL``). Whatever happens, the pending upload is deleted when the job
finishes; a failed job has written nothing and says why.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from .models import DirectoryImportJob, ImportJobPhase, ImportJobStatus
from .reading import DirectoryImportError
from .services import directory_import
from .uploads import pending_upload_delete, pending_upload_read

logger = logging.getLogger(__name__)


def _cache_key(job_id: int) -> str:
    return f"kexie_import_job:{job_id}"


@task()
def directory_import_task(job_id: int) -> str:
    """Apply a confirmed directory import (``import_job_run``)."""
    return import_job_run(job_id=job_id)


def import_job_start(
    *, directory: str, token: str, filename: str, file_format: str, user
) -> DirectoryImportJob:
    """Record a job for the pending upload ``token`` and enqueue its task."""
    job = DirectoryImportJob.objects.create(
        directory=directory,
        token=token,
        filename=filename[:255],
        file_format=file_format or "",
        user=user if user and user.is_authenticated else None,
    )
    result = directory_import_task.enqueue(job.pk)
    DirectoryImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def import_job_progress(job: DirectoryImportJob) -> DirectoryImportJob:
    """``job`` with the latest progress a worker put in the cache, if any."""
    if job.status == ImportJobStatus.RUNNING:
        live = cache.get(_cache_key(job.pk))
        if live:
            job.phase = live["phase"]
            job.rows_done = live["rows_done"]
            job.rows_total = live["rows_total"]
    return job


def _record(job: DirectoryImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    DirectoryImportJob.objects.filter(pk=job.pk).update(**fields)


def import_job_run(*, job_id: int) -> str:
    """Apply the job's pending upload; returns the job's final status."""
    # Claim the job, so that a task delivered twice runs it once.
    claimed = DirectoryImportJob.objects.filter(
        pk=job_id, status=ImportJobStatus.QUEUED
    ).update(status=ImportJobStatus.RUNNING, started_at=timezone.now())
    job = DirectoryImportJob.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"

    def progress(done: int, total: int) -> None:
        # directory_import reports (rows checked, 0) while checking, then
        # (rows, rows) once every row is checked, then (written, to write).
        if total == 0:
            live = {
                "phase": ImportJobPhase.CHECKING,
                "rows_done": done,
                "rows_total": 0,
            }
        elif job.phase == ImportJobPhase.CHECKING:
            live = {
                "phase": ImportJobPhase.WRITING,
                "rows_done": 0,
                "rows_total": total,
            }
        else:
            live = {
                "phase": ImportJobPhase.WRITING,
                "rows_done": done,
                "rows_total": total,
            }
        _record(job, **live)
        cache.set(_cache_key(job.pk), live, 3600)

    with translation.override(settings.LANGUAGE_CODE):
        try:
            result = directory_import(
                directory=job.directory,
                content=pending_upload_read(token=job.token),
                filename=job.filename,
                file_format=job.file_format or None,
                dry_run=False,
                progress=progress,
            )
        except DirectoryImportError as error:
            _finish(job, ImportJobStatus.FAILED, message="\n".join(error.messages))
        except Exception as error:
            logger.exception("Directory import job %s failed", job.pk)
            _finish(
                job,
                ImportJobStatus.FAILED,
                message=gettext(
                    "The import stopped on an unexpected error; nothing was written. (%(error)s)"
                )
                % {"error": type(error).__name__},
            )
        else:
            counts = {
                key: result.counts.get(key, 0)
                for key in ("new", "update", "unchanged", "error")
            }
            if result.applied:
                _finish(job, ImportJobStatus.DONE, counts=counts)
            else:
                lines = result.error_lines()
                _finish(
                    job,
                    ImportJobStatus.FAILED,
                    counts=counts,
                    errors=lines[: DirectoryImportJob.MAX_ERRORS],
                    error_count=len(lines),
                    message=gettext(
                        "%(count)s rows have errors, so nothing was written. "
                        "Correct them and upload the file again."
                    )
                    % {"count": counts["error"]},
                )
        finally:
            pending_upload_delete(token=job.token)
            cache.delete(_cache_key(job.pk))
    return job.status


def _finish(job: DirectoryImportJob, status: str, **fields) -> None:
    if status == ImportJobStatus.DONE:
        fields["rows_done"] = job.rows_total
    _record(job, status=status, finished_at=timezone.now(), **fields)
