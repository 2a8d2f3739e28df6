"""What code outside the app relies on: one exception root per app, and tasks
queued under version 0.1's dotted paths still found by a worker."""

import importlib
import inspect
import pkgutil

import pytest
from django.db import connection
from django.utils.module_loading import import_string

import kexie_forms
import kexie_pages
from kexie_forms.exceptions import KexieFormsError
from kexie_pages.exceptions import KexiePagesError

#: Run as a script in a child process (``python -I``): it may import nothing of ours.
STANDALONE = {"kexie_pages.directories.xlsx_sandbox"}


def _errors_defined_in(package) -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if ".migrations" in info.name or ".management.commands" in info.name:
            continue
        if info.name in STANDALONE:
            continue
        if info.name.endswith("_sqlite") and connection.vendor != "sqlite":
            continue  # SQLite's FTS models exist only on SQLite
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == info.name:
                found.append(obj)
    return found


@pytest.mark.parametrize(
    ("package", "root"),
    [(kexie_pages, KexiePagesError), (kexie_forms, KexieFormsError)],
)
def test_every_error_the_app_raises_on_purpose_has_its_root(package, root):
    errors = _errors_defined_in(package)
    assert len(errors) >= 3  # the scan found the apps' own errors
    assert [e for e in errors if not issubclass(e, root)] == []


@pytest.mark.parametrize(
    ("old_path", "new_path"),
    [
        (
            "kexie_pages.tasks.directory_import_task",
            "kexie_pages.directories.jobs.directory_import_task",
        ),
        (
            "kexie_pages.tasks.directory_index_task",
            "kexie_pages.directories.services.directory_index_task",
        ),
    ],
)
def test_tasks_queued_before_the_move_still_resolve(old_path, new_path):
    assert import_string(old_path) is import_string(new_path)
