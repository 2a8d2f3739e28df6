"""Writing a checked directory import: the second half of an import.

Why not ``Resource.import_data``: it loads, compares and saves one row at a
time (a query or more per row, about 0.05× a raw ``bulk_create``), and its
bulk mode cannot update many-to-many fields. Here the rows checked by
``reading.directory_check`` are read back from its spool 500 at a time, matched
against the saved entries again and written with ``bulk_create`` /
``bulk_update`` and bulk inserts into the many-to-many tables, all in one
transaction; the
search index is updated in bulk by ``directory_index_task``, one task per 500
rows (at once by default, or by a django-tasks worker). The resources' own
fields and widgets still do every conversion, so the column contract lives in
one place, and ``import_data`` remains usable with the same resources.
"""

from collections import Counter
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task
from modelsearch.backends import get_search_backends

from ..base import cache as page_cache
from .models import DIRECTORIES, DirectoryEntry, directory_name
from .reading import (
    BATCH_SIZE,
    CheckedRows,
    DirectoryImportError,
    ImportResult,
    Progress,
    RowResult,
    directory_check,
    m2m_fields,
    m2m_through,
    match_rows,
)


@task()
def directory_index_task(directory: str, pks: list[int]) -> None:
    """Put imported think-tank entries into the search index.

    Chinese segmentation is most of an import's cost, so the importer hands it
    to this task, one call per 500 rows. With Django's default immediate
    backend it runs at once, inside the import; with a worker backend (the
    database backend enqueues in the import's own transaction) the import
    returns as soon as its rows are written.
    """
    model = DIRECTORIES[directory]
    objects = list(model.objects.filter(pk__in=pks))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, objects)


def directory_import(
    *,
    directory: str,
    content: bytes,
    filename: str = "",
    file_format: str | None = None,
    dry_run: bool = True,
    progress: Progress | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Check ``content`` and, unless ``dry_run`` or any row has an error, import it.

    Raises ``DirectoryImportError`` when the file as a whole is unusable
    (size, kind, encoding, headers); row and cell problems are in the result.
    The import is all or nothing: one bad row and nothing is written.
    ``before_commit(result)`` runs inside the import's transaction once every
    row is written, so that what it writes (a job's "done") is committed with
    the rows, or not at all.
    """
    result = directory_check(
        directory=directory,
        content=content,
        filename=filename,
        file_format=file_format,
        progress=progress,
        keep_checked=not dry_run,
    )
    if dry_run or result.has_errors or result.checked is None:
        return result
    return directory_import_checked(
        result=result, progress=progress, before_commit=before_commit
    )


def directory_import_checked(
    *,
    result: ImportResult,
    progress: Progress | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Write the rows ``directory_check`` spooled to ``result.checked``, all or none.

    The rows are matched against the saved entries again as they are written
    (what was new at the preview may exist by now), 500 at a time, so
    ``result.counts`` says what this import did. The spool is closed after.
    """
    checked = result.checked
    if checked is None or result.has_errors:
        raise ValueError("Only a checked result without errors can be written.")
    result.counts = Counter()
    try:
        with transaction.atomic():
            _apply(DIRECTORIES[result.directory], checked, result, progress)
            if before_commit:
                before_commit(result)
    except DatabaseError as error:
        raise DirectoryImportError(
            gettext("The database refused the import; nothing was written. (%(error)s)")
            % {"error": error}
        ) from error
    finally:
        checked.close()
        result.checked = None
    result.applied = True
    # bulk_create sends no signal. Entries show on the think tank, on needs
    # (matches) and in the figures; an import is rare: purge the whole site.
    page_cache.purge()
    return result


def _apply(
    model: type[DirectoryEntry],
    checked: CheckedRows,
    result: ImportResult,
    progress: Progress | None,
) -> None:
    """Match and write the checked rows, 500 at a time.

    Each batch's rows, model instances, many-to-many links and search-index
    entries are read, built, written and dropped before the next, so memory
    stays one batch deep whatever the file's size.
    """
    now = timezone.now()
    directory = directory_name(model)
    done = 0
    for batch in checked.batches():
        match_rows(model, batch)
        new_objects, changed_objects = [], []
        touched: list[tuple[RowResult, DirectoryEntry]] = []
        update_fields = {"updated_at"}
        for row in batch:
            result.counts[row.status] += 1
            if row.status == "new":
                instance = model(**row.values)
                instance.fill_derived_fields()
                new_objects.append(instance)
            elif row.status == "update":
                # match_rows gives every "update" row its entry.
                if row.instance is None:
                    raise RuntimeError(f"Row {row.number} has no entry to update.")
                instance = row.instance
                # Only what differs is written: bulk_update builds a CASE per
                # row for each field, and a re-import changes one or two.
                for name, value in row.values.items():
                    if getattr(instance, name) != value:
                        setattr(instance, name, value)
                        update_fields.add(name)
                instance.updated_at = now
                derived = [getattr(instance, name) for name in model.derived_fields]
                instance.fill_derived_fields()
                update_fields.update(
                    name
                    for name, old in zip(model.derived_fields, derived, strict=True)
                    if getattr(instance, name) != old
                )
                changed_objects.append(instance)
            else:
                continue
            touched.append((row, instance))
        model.objects.bulk_create(new_objects)
        if changed_objects:
            model.objects.bulk_update(changed_objects, sorted(update_fields))
        for m2m in m2m_fields(model):
            through = m2m_through(m2m)
            source = m2m.m2m_field_name()
            target = m2m.m2m_reverse_field_name()
            through._default_manager.filter(
                **{f"{source}__in": [obj.pk for obj in changed_objects]}
            ).delete()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
                    for row, instance in touched
                    for pk in row.related.get(m2m.name, [])
                ],
                batch_size=BATCH_SIZE * 4,
            )
        if touched:
            directory_index_task.enqueue(
                directory, [instance.pk for _row, instance in touched]
            )
        done += len(batch)
        if progress:
            progress(done, result.total)
