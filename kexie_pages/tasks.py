"""Background tasks (django-tasks, which Wagtail 8 uses too)."""

from django_tasks import task
from modelsearch.backends import get_search_backends


@task()
def directory_index_task(directory: str, pks: list[int]) -> None:
    """Put imported think-tank entries into the search index.

    Chinese segmentation is most of an import's cost, so the importer hands it
    to this task, one call per 500 rows. With Django's default immediate
    backend it runs at once, inside the import; with a worker backend (the
    database backend enqueues in the import's own transaction) the import
    returns as soon as its rows are written.
    """
    from .models.directories import DIRECTORIES

    model = DIRECTORIES[directory]
    objects = list(model.objects.filter(pk__in=pks))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, objects)


@task()
def directory_import_task(job_id: int) -> str:
    """Apply a confirmed directory import (``kexie_pages.directory_jobs``)."""
    from .directory_jobs import import_job_run

    return import_job_run(job_id=job_id)
