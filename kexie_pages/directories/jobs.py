"""Directory imports as background jobs, with a heartbeat.

A job is of one of two kinds: a check (``ImportJobKind.CHECK``) reads and
checks an upload and keeps beside it the checked rows and the preview
(``uploads``), off the request, because 100,000 rows take minutes; a
confirmed import (``IMPORT``) writes the rows its check kept. Both run the
same way. ``import_job_start`` records a ``DirectoryImportJob`` and has it run:

* with a worker backend for django-tasks (``django_tasks_db.DatabaseBackend``
  and ``manage.py db_worker``, say), ``directory_import_task`` is enqueued and
  the worker runs it;
* with Django's default ``ImmediateBackend`` (no ``TASKS`` setting, the
  embedded default), an import of up to ``KEXIE_IMPORT_BACKGROUND_ROWS`` rows
  (2,000), or a check of an upload of up to ``KEXIE_CHECK_BACKGROUND_BYTES``
  (256 KiB), runs at once, inside the request (a few seconds); a
  larger one runs in a process of its own, ``manage.py kexie_import_job <id>``,
  started here and not waited for, so the request returns the job's page at
  once and no web worker timeout (gunicorn kills a request after 30 s, about
  40,000 rows) can cut the import short. Why a process and not a thread or a
  worker that ``make demo`` starts: README, "Think-tank directories".

``import_job_run`` claims the job and applies the pending upload with
``directory_import``, writing its progress and a heartbeat (``heartbeat_at``)
every 500 rows. While rows are checked that is a plain update. While they
are written, everything happens in one transaction, and an update made in it
would be seen by nobody until the commit; so the heartbeat goes through a
connection of its own (PostgreSQL), or not at all (SQLite, whose single
writer lock the import holds: as long as the importing process lives, the
lock stays taken, and the check below cannot take it). The cache carries the
live progress too, which web processes see when the cache is shared (Redis).

``import_job_progress``, called by the job's page, fails a running job whose
heartbeat is older than ``KEXIE_IMPORT_HEARTBEAT_SECONDS`` (60): its process
died (killed, out of memory, the machine restarted), the database rolled the
import back, and the page says so instead of "running" for hours. A job that
failed for a reason other than its file (its process died, the database
failed, an unexpected error) keeps its upload, so that ``import_job_retry``
can start it again; any other end deletes the upload, and uploads nobody
uses are deleted after six hours (``uploads.pending_uploads_clean``).
"""

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.db.models.sql.constants import ROW_COUNT, SINGLE
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from ..exceptions import KexiePagesError
from .models import DirectoryImportJob, ImportJobKind, ImportJobPhase, ImportJobStatus
from .reading import DirectoryImportError, ImportResult, Progress, directory_check
from .services import directory_import, directory_import_checked
from .uploads import (
    pending_checked_read,
    pending_checked_save,
    pending_preview_save,
    pending_upload_delete,
    pending_upload_exists,
    pending_upload_read,
    pending_upload_size,
)

logger = logging.getLogger(__name__)


def background_rows() -> int:
    """Imports of more rows than this run off the request with the immediate backend."""
    return getattr(settings, "KEXIE_IMPORT_BACKGROUND_ROWS", 2000)


def background_bytes() -> int:
    """Uploads of more bytes than this are checked off the request with the
    immediate backend (256 KiB: about 2,000 rows of a CSV)."""
    return getattr(settings, "KEXIE_CHECK_BACKGROUND_BYTES", 256 * 1024)


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "KEXIE_IMPORT_HEARTBEAT_SECONDS", 60))


def _cache_key(job_id: int) -> str:
    return f"kexie_import_job:{job_id}"


@task()
def directory_import_task(job_id: int) -> str:
    """Check an upload or apply a confirmed directory import (``import_job_run``)."""
    return import_job_run(job_id=job_id)


def import_job_start(
    *,
    directory: str,
    token: str,
    filename: str,
    file_format: str,
    user,
    rows: int | None = None,
    size: int | None = None,
    kind: str = ImportJobKind.IMPORT,
    retry_of: DirectoryImportJob | None = None,
) -> DirectoryImportJob:
    """Record a job for the pending upload ``token`` and have it run.

    ``kind`` is ``ImportJobKind.CHECK`` (read and check the upload for its
    preview) or ``IMPORT`` (write the rows a check kept). ``rows`` is how many
    rows the preview found (``None``: unknown, so large); before a check,
    ``size`` (the upload's bytes) tells a small file from a large one instead.
    """
    job = DirectoryImportJob.objects.create(
        directory=directory,
        token=token,
        filename=filename[:255],
        file_format=file_format or "",
        user=user if user and user.is_authenticated else None,
        kind=kind,
        retry_of=retry_of,
    )
    immediate = isinstance(directory_import_task.get_backend(), ImmediateBackend)
    if size is not None:
        large = size > background_bytes()
    else:
        large = rows is None or rows > background_rows()
    if immediate and large:
        try:
            pid = _start_job_process(job.pk)
        except OSError as error:  # KEXIE_IMPORT_PYTHON wrong, out of processes
            logger.exception("Directory import job %s could not start", job.pk)
            _finish(
                job,
                ImportJobStatus.FAILED,
                retryable=True,
                message=gettext(
                    "The import could not be started; nothing was written. (%(error)s)"
                )
                % {"error": error.strerror or type(error).__name__},
            )
            return job
        # The heartbeat starts now: a process that never claims the job
        # fails it as surely as one that dies while running it.
        DirectoryImportJob.objects.filter(pk=job.pk).update(
            task_id=f"process:{pid}", heartbeat_at=timezone.now()
        )
    else:
        try:
            result = directory_import_task.enqueue(job.pk)
        except Exception as error:  # any backend's failure to queue
            # The task backend (its database table, Redis) refused the job:
            # say so on the job's page rather than answer with a server error.
            logger.exception("Directory import job %s could not be queued", job.pk)
            _finish(
                job,
                ImportJobStatus.FAILED,
                retryable=True,
                message=gettext(
                    "The import could not be handed to the background worker, so it "
                    "did not start and nothing was written. Retry it in a moment; if "
                    "it fails again, ask the site's administrator to check the task "
                    "queue. (%(error)s)"
                )
                % {"error": type(error).__name__},
            )
            return job
        DirectoryImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _start_job_process(job_id: int) -> int:
    """Start ``manage.py kexie_import_job <job_id>`` in a new session; its pid.

    The process is not waited for: it outlives the request, and a web worker
    killed or recycled meanwhile does not take it along. (Once it exits, the
    ``subprocess`` module reaps it the next time this process starts one.)
    """
    python = getattr(settings, "KEXIE_IMPORT_PYTHON", None) or sys.executable
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE
        ),
        # The project's folders (site/, say) as this process found them.
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
    }
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
        [python, "-m", "django", "kexie_import_job", str(job_id)],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process.pid


# --------------------------------------------------------------------------
# Reading a job's state


def import_job_progress(job: DirectoryImportJob) -> DirectoryImportJob:
    """``job`` with its latest progress, failed if its process has died.

    A running job's live progress comes from the cache when its process
    shares it; its last sign of life is the later of the cache's and the job
    row's heartbeat.
    """
    if job.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        return job
    live = (
        cache.get(_cache_key(job.pk)) if job.status == ImportJobStatus.RUNNING else None
    )
    if live:
        job.phase = live["phase"]
        job.rows_done = live["rows_done"]
        job.rows_total = live["rows_total"]
    beats = [job.heartbeat_at, live and live.get("heartbeat_at")]
    last_beat = max((beat for beat in beats if beat), default=None)
    cutoff = timezone.now() - heartbeat_timeout()
    if last_beat and last_beat < cutoff and _fail_dead_job(job, cutoff=cutoff):
        job.refresh_from_db()
    return job


def _fail_dead_job(job: DirectoryImportJob, *, cutoff) -> bool:
    """Fail ``job`` if it is still not finished and silent since ``cutoff``."""
    message = gettext(
        "The process running this import stopped (no sign of life for more than "
        "%(seconds)s seconds): nothing was written. Retry it with the same file."
    ) % {"seconds": int(heartbeat_timeout().total_seconds())}
    try:
        with _without_waiting_for_locks():
            failed = DirectoryImportJob.objects.filter(
                Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True),
                pk=job.pk,
                status__in=(ImportJobStatus.QUEUED, ImportJobStatus.RUNNING),
            ).update(
                status=ImportJobStatus.FAILED,
                finished_at=timezone.now(),
                retryable=True,
                message=message,
            )
    except DatabaseError:
        # SQLite: a writer holds the lock, which a live import does while it
        # writes its rows. Not dead, then; the next look tries again.
        return False
    if failed:
        logger.warning("Directory import job %s lost its process", job.pk)
        cache.delete(_cache_key(job.pk))
    return bool(failed)


@contextmanager
def _without_waiting_for_locks() -> Iterator[None]:
    """On SQLite, fail at once instead of queueing 20 s behind another writer."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 100")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")


def import_job_can_retry(job: DirectoryImportJob) -> bool:
    """Whether ``job`` failed for a reason a second try may not meet, with its
    upload still kept."""
    return (
        job.status == ImportJobStatus.FAILED
        and job.retryable
        and pending_upload_exists(token=job.token)
    )


def import_job_retry(*, job: DirectoryImportJob, user) -> DirectoryImportJob:
    """Start a new job on ``job``'s upload; ``DirectoryImportError`` if it cannot be.

    A failed job is retried once: the second click of a double click, or a
    second member of staff, gets the message.
    """
    if not pending_upload_exists(token=job.token):
        raise DirectoryImportError(
            gettext("The uploaded file is no longer available: please upload it again.")
        )
    taken = DirectoryImportJob.objects.filter(
        pk=job.pk, status=ImportJobStatus.FAILED, retryable=True
    ).update(retryable=False)
    if not taken:
        raise DirectoryImportError(gettext("This import cannot be retried."))
    # rows_total is known once the rows are checked; before, off the request.
    return import_job_start(
        directory=job.directory,
        token=job.token,
        filename=job.filename,
        file_format=job.file_format,
        user=user,
        rows=job.rows_total or None,
        size=pending_upload_size(token=job.token)
        if job.kind == ImportJobKind.CHECK
        else None,
        kind=job.kind,
        retry_of=job,
    )


# --------------------------------------------------------------------------
# Running a job


class _Abandoned(KexiePagesError):
    """The job was failed while its process still ran: that process stops."""


class _Heartbeat:
    """Records a job's progress and heartbeat where other processes see them.

    Each write is conditional on the job still running: a job failed as dead
    meanwhile (its heartbeat came too late, under a heavy load, say) may be
    retried already, so this process stops (``_Abandoned``) and its
    transaction rolls back. A write the database refuses is skipped: a late
    heartbeat is better than an import stopped for it.
    """

    def __init__(self, job: DirectoryImportJob) -> None:
        self.job = job
        self.side_connection: BaseDatabaseWrapper | None = None

    def __call__(self, *, in_transaction: bool, **fields) -> None:
        fields["heartbeat_at"] = timezone.now()
        for name, value in fields.items():
            setattr(self.job, name, value)
        cache.set(
            _cache_key(self.job.pk),
            {
                "phase": self.job.phase,
                "rows_done": self.job.rows_done,
                "rows_total": self.job.rows_total,
                "heartbeat_at": fields["heartbeat_at"],
            },
            3600,
        )
        if in_transaction and connection.vendor == "sqlite":
            return  # the import holds the only writer lock: see the module
        query = UpdateQuery(DirectoryImportJob)
        query.add_update_values(fields)
        query.add_q(Q(pk=self.job.pk, status=ImportJobStatus.RUNNING))
        try:
            if not in_transaction:
                written = query.get_compiler(DEFAULT_DB_ALIAS).execute_sql(ROW_COUNT)
            else:
                if self.side_connection is None:
                    self.side_connection = connections.create_connection(
                        DEFAULT_DB_ALIAS
                    )
                written = (
                    query.get_compiler(connection=self.side_connection).execute_sql(
                        ROW_COUNT
                    )
                    or not self._visible_aside()
                )
        except DatabaseError:
            logger.warning("Heartbeat of import job %s not written", self.job.pk)
            return
        if not written:
            raise _Abandoned(self.job.pk)

    def _visible_aside(self) -> bool:
        """Whether the side connection sees the job at all (a job created in a
        transaction still open, as in a test, it does not: nothing to stop)."""
        rows = DirectoryImportJob.objects.filter(pk=self.job.pk).values_list("pk")
        return bool(
            rows.query.get_compiler(connection=self.side_connection).execute_sql(SINGLE)
        )

    def close(self) -> None:
        if self.side_connection is not None:
            self.side_connection.close()


def _record(job: DirectoryImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    DirectoryImportJob.objects.filter(pk=job.pk).update(**fields)


def import_job_run(*, job_id: int) -> str:
    """Apply the job's pending upload; returns the job's final status."""
    # Claim the job, so that a task delivered twice runs it once.
    now = timezone.now()
    claimed = DirectoryImportJob.objects.filter(
        pk=job_id, status=ImportJobStatus.QUEUED
    ).update(status=ImportJobStatus.RUNNING, started_at=now, heartbeat_at=now)
    job = DirectoryImportJob.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"
    heartbeat = _Heartbeat(job)
    # A check keeps its upload for the preview and the confirmation; an
    # import's upload is deleted once it ends, unless a retry may use it.
    keep_upload = job.kind == ImportJobKind.CHECK
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if job.kind == ImportJobKind.CHECK:
                _check_pending(job, heartbeat)
            else:
                _write_pending(job, heartbeat)
        except _Abandoned:
            # Failed as dead and perhaps retried already: leave the job and
            # its upload to whoever has them now.
            logger.warning("Directory import job %s was failed meanwhile", job.pk)
            keep_upload = True
            job.refresh_from_db(fields=["status"])
        except DirectoryImportError as error:
            # The database refusing the write is no fault of the file.
            keep_upload = isinstance(error.__cause__, DatabaseError)
            _finish(
                job,
                ImportJobStatus.FAILED,
                message="\n".join(error.messages),
                retryable=keep_upload,
            )
        except Exception as error:
            logger.exception("Directory import job %s failed", job.pk)
            keep_upload = True
            _finish(
                job,
                ImportJobStatus.FAILED,
                retryable=True,
                message=gettext(
                    "The import stopped on an unexpected error; nothing was written. (%(error)s)"
                )
                % {"error": type(error).__name__},
            )
        finally:
            heartbeat.close()
            if not keep_upload:
                pending_upload_delete(token=job.token)
            cache.delete(_cache_key(job.pk))
    return job.status


def _check_pending(job: DirectoryImportJob, heartbeat: "_Heartbeat") -> None:
    """Read and check the job's upload, keeping beside it the checked rows
    (for the confirmed import) and what its preview shows; the job is done
    then, with or without row errors (the preview lists them)."""
    content = pending_upload_read(token=job.token)

    def progress(done: int, total: int) -> None:
        heartbeat(
            in_transaction=False,
            phase=ImportJobPhase.CHECKING,
            rows_done=done,
            rows_total=total,
        )

    result = directory_check(
        directory=job.directory,
        content=content,
        filename=job.filename,
        file_format=job.file_format or None,
        progress=progress,
        keep_checked=True,
    )
    pending_checked_save(token=job.token, content=content, result=result)
    pending_preview_save(token=job.token, result=result)
    lines = result.error_lines()
    finished = DirectoryImportJob.objects.filter(
        pk=job.pk, status=ImportJobStatus.RUNNING
    ).update(
        status=ImportJobStatus.DONE,
        finished_at=timezone.now(),
        counts=_counts(result),
        rows_done=result.total,
        rows_total=result.total,
        error_count=len(lines),
    )
    if not finished:
        raise _Abandoned(job.pk)
    job.status = ImportJobStatus.DONE


def _write_pending(job: DirectoryImportJob, heartbeat: "_Heartbeat") -> None:
    """Write the job's upload, recording its progress and its end."""

    def progress(done: int, total: int) -> None:
        # directory_import reports (rows checked, 0) while checking, then
        # (rows, rows) once every row is checked, then (written, to write)
        # from inside its transaction.
        if total == 0:
            heartbeat(
                in_transaction=False,
                phase=ImportJobPhase.CHECKING,
                rows_done=done,
                rows_total=0,
            )
        elif job.phase == ImportJobPhase.CHECKING:
            heartbeat(
                in_transaction=False,
                phase=ImportJobPhase.WRITING,
                rows_done=0,
                rows_total=total,
            )
        else:
            heartbeat(
                in_transaction=True,
                phase=ImportJobPhase.WRITING,
                rows_done=done,
                rows_total=total,
            )

    def done(result: ImportResult) -> None:
        # In the import's transaction: "done" is committed with the rows, so
        # no one sees the rows written and the job still running (and fails
        # it as dead, as a page looking in between once did).
        written = DirectoryImportJob.objects.filter(
            pk=job.pk, status=ImportJobStatus.RUNNING
        ).update(**_done_fields(job, result))
        if not written:
            raise _Abandoned(job.pk)

    result = _import_pending(job, progress=progress, before_commit=done)
    if result.applied:  # and the job is done: see done()
        for name, value in _done_fields(job, result).items():
            setattr(job, name, value)
    else:
        lines = result.error_lines()
        _finish(
            job,
            ImportJobStatus.FAILED,
            counts=_counts(result),
            errors=lines[: DirectoryImportJob.MAX_ERRORS],
            error_count=len(lines),
            message=gettext(
                "%(count)s rows have errors, so nothing was written. "
                "Correct them and upload the file again."
            )
            % {"count": _counts(result)["error"]},
        )


def _import_pending(
    job: DirectoryImportJob,
    *,
    progress: Progress,
    before_commit: Callable[[ImportResult], None],
) -> ImportResult:
    """Write the job's upload: the rows its preview checked when they are kept
    (``uploads.pending_checked_read``), else the upload read and checked anew."""
    content = pending_upload_read(token=job.token)
    checked = pending_checked_read(
        token=job.token, directory=job.directory, content=content
    )
    if checked is None:
        return directory_import(
            directory=job.directory,
            content=content,
            filename=job.filename,
            file_format=job.file_format or None,
            dry_run=False,
            progress=progress,
            before_commit=before_commit,
        )
    del content  # the file's bytes are not needed again: up to 20 MB
    progress(checked.total, checked.total)  # checked: on to writing
    return directory_import_checked(
        result=checked, progress=progress, before_commit=before_commit
    )


def _counts(result: ImportResult) -> dict[str, int]:
    return {
        key: result.counts.get(key, 0)
        for key in ("new", "update", "unchanged", "error")
    }


def _done_fields(job: DirectoryImportJob, result: ImportResult) -> dict:
    return {
        "status": ImportJobStatus.DONE,
        "finished_at": timezone.now(),
        "counts": _counts(result),
        "rows_done": job.rows_total,
    }


def _finish(job: DirectoryImportJob, status: str, **fields) -> None:
    _record(job, status=status, finished_at=timezone.now(), **fields)
