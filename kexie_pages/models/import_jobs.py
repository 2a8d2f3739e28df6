"""A confirmed directory import running as a background task.

The admin creates a ``DirectoryImportJob`` when staff confirm an upload and
enqueues ``kexie_pages.tasks.directory_import_task``; the task records its
progress here every batch, and the admin's progress page reads it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJobPhase(models.TextChoices):
    CHECKING = "checking", _("checking the rows")
    WRITING = "writing", _("writing to the database")


class DirectoryImportJob(models.Model):
    directory = models.CharField(_("directory"), max_length=32)
    token = models.CharField(_("pending upload"), max_length=32)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
    )
    phase = models.CharField(
        _("phase"),
        max_length=8,
        choices=ImportJobPhase.choices,
        default=ImportJobPhase.CHECKING,
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    counts = models.JSONField(_("result"), default=dict, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of row errors"), default=0)
    message = models.TextField(_("why it failed"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    #: Row errors kept for the progress page; the count says how many there were.
    MAX_ERRORS = 1000
    #: A job not finished this long after it was created has lost its worker
    #: (100,000 rows take a minute or two).
    STALLED_AFTER = timedelta(hours=2)

    class Meta:
        verbose_name = _("directory import job")
        verbose_name_plural = _("directory import jobs")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.directory} {self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def is_stalled(self) -> bool:
        return (
            not self.is_finished
            and self.created_at < timezone.now() - self.STALLED_AFTER
        )

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
